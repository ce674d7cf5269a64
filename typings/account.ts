import type { ActionSpec } from './api';
import type { DocumentType, Permission, RoleName } from './models';

/** `verify`: a code to the account's own phone, proving the owner (phone change, deletion); `recover`: the new phone of a recovery. */
export type SmsPurpose = 'register' | 'login' | 'changePhone' | 'resetPassword' | 'verify' | 'recover';

/** How a logged-in person proves again that they are the owner before a sensitive change. */
export type OwnerProof =
  { method: 'password'; password: string } | { method: 'sms'; smsCode: string } | { method: 'face'; sessionId: string };

/** One WeChat login of the account, as 账号与安全 lists it. */
export interface LoginSession {
  /** Opaque handle for endSession; never the openid. */
  key: string;
  current: boolean;
  /** A WeChat login, or a back-office (PC) web session. */
  channel: 'wechat' | 'web';
  via: 'register' | 'password' | 'sms' | 'recover' | 'document' | 'qr';
  boundAt: string;
}

/** What 注销账号 deletes and what the union keeps, shown before the person confirms. */
export const DELETION_STATEMENT = {
  deleted: [
    '登录账号与密码',
    '手机号码',
    '证件号码（加密存储的原文）',
    '人脸核身记录',
    '所有微信登录绑定',
    '待审核的申请（将自动撤回）',
  ],
  kept: [
    '所在工会的会员登记记录：仅保留姓名和脱敏证件号码，供工会会员名册使用',
    '操作日志（依法留存，不含证件号码和手机号码原文）',
  ],
  after: '注销后可随时使用同一证件重新注册。',
} as const;

export interface AccountRole {
  unionId: string;
  unionName: string;
  role: RoleName;
  permissions: Permission[];
}

export interface AccountSummary {
  userId: string;
  name: string;
  docType: DocumentType;
  docMasked: string;
  phoneMasked: string;
  verifiedBy: 'face' | 'document' | 'builtin';
  hasPassword: boolean;
}

export interface MeResult {
  registered: boolean;
  account: AccountSummary | null;
  roles: AccountRole[];
  /** The admin tab is shown only to people holding a role. */
  showAdminTab: boolean;
}

export interface FaceStartResult {
  sessionId: string;
  provider: 'wechat' | 'faceid' | 'local';
  /** For wx.requestFacialVerify (WeChat v2) or the local outbox entry. */
  verifyId?: string;
  /** Deprecated: FaceID's H5 page cannot be opened inside a mini-program; never sent any more. */
  url?: string;
  /** For Tencent Cloud FaceID's mini-program SDK: `startVerify({ data: { token: bizToken } })`. */
  bizToken?: string;
}

export interface RegisterResult {
  account: AccountSummary;
  /** Set when an imported row matched and the person joined with no review (spec §三.3). */
  autoJoined: { unionId: string; unionName: string } | null;
  rolesAttached: number;
}

/** The back office's QR login: the console shows `image`, an admin confirms in the mini-program. */
export interface QrLoginStart {
  qrId: string;
  /** Kept in the browser's memory only; a poll without it is refused. */
  pollToken: string;
  /** PNG data URL of the code. */
  image: string;
  expiresIn: number;
}

export type QrLoginState =
  { status: 'waiting' } | { status: 'expired' } | { status: 'confirmed'; account: AccountSummary };

export interface AccountActions {
  me: ActionSpec<Record<string, never>, MeResult>;
  sendSmsCode: ActionSpec<{ phone: string; purpose: SmsPurpose }, { sentTo: string; resendAfter: number }>;
  startFace: ActionSpec<{ name: string; docType: DocumentType; docNumber: string }, FaceStartResult>;
  /** `registered`: this ID already has an account — the person may recover it (new phone, this WeChat). */
  completeFace: ActionSpec<
    { sessionId: string },
    { passed: true; name: string; docMasked: string; registered: boolean }
  >;
  register: ActionSpec<{ sessionId: string; phone: string; smsCode: string; password: string }, RegisterResult>;
  loginPassword: ActionSpec<{ phone: string; password: string }, { account: AccountSummary }>;
  loginSms: ActionSpec<{ phone: string; smsCode: string }, { account: AccountSummary }>;
  changePhone: ActionSpec<{ newPhone: string; smsCode: string; proof: OwnerProof }, { account: AccountSummary }>;
  /** A code to the account's own phone (purpose verify), for an OwnerProof of method sms. */
  sendOwnerCode: ActionSpec<Record<string, never>, { sentTo: string; resendAfter: number }>;
  listSessions: ActionSpec<Record<string, never>, { sessions: LoginSession[] }>;
  endSession: ActionSpec<{ key: string }, { ended: true }>;
  endOtherSessions: ActionSpec<Record<string, never>, { ended: true }>;
  /** 找回账号 (spec §七.4): after a passed face check on a registered ID, a new phone and this WeChat. */
  recover: ActionSpec<
    { sessionId: string; phone: string; smsCode: string; newPassword?: string },
    { account: AccountSummary }
  >;
  deleteAccount: ActionSpec<{ proof: OwnerProof }, { deleted: true; withdrawn: number }>;
  /** What 注销账号 shows before the person confirms, and which proofs this account can give. */
  deletionInfo: ActionSpec<
    Record<string, never>,
    { statement: typeof DELETION_STATEMENT; hasPassword: boolean; phoneMasked: string }
  >;
  changePassword: ActionSpec<{ oldPassword: string; newPassword: string }, { changed: true }>;
  resetPassword: ActionSpec<{ phone: string; smsCode: string; newPassword: string }, { changed: true }>;
  logout: ActionSpec<Record<string, never>, { loggedOut: true }>;
  qrLoginStart: ActionSpec<Record<string, never>, QrLoginStart>;
  qrLoginConfirm: ActionSpec<{ code: string }, { confirmed: true }>;
  qrLoginPoll: ActionSpec<{ qrId: string; pollToken: string }, QrLoginState>;
}

import type { ActionSpec } from './api';
import type { DocumentType, Permission, RoleName } from './models';

export type SmsPurpose = 'register' | 'login' | 'changePhone' | 'resetPassword';

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

export type QrLoginState = { status: 'waiting' } | { status: 'expired' } | { status: 'confirmed'; account: AccountSummary };

export interface AccountActions {
  me: ActionSpec<Record<string, never>, MeResult>;
  sendSmsCode: ActionSpec<{ phone: string; purpose: SmsPurpose }, { sentTo: string; resendAfter: number }>;
  startFace: ActionSpec<{ name: string; docType: DocumentType; docNumber: string }, FaceStartResult>;
  completeFace: ActionSpec<{ sessionId: string }, { passed: true; name: string; docMasked: string }>;
  register: ActionSpec<{ sessionId: string; phone: string; smsCode: string; password: string }, RegisterResult>;
  loginPassword: ActionSpec<{ phone: string; password: string }, { account: AccountSummary }>;
  loginSms: ActionSpec<{ phone: string; smsCode: string }, { account: AccountSummary }>;
  changePhone: ActionSpec<{ newPhone: string; smsCode: string }, { account: AccountSummary }>;
  changePassword: ActionSpec<{ oldPassword: string; newPassword: string }, { changed: true }>;
  resetPassword: ActionSpec<{ phone: string; smsCode: string; newPassword: string }, { changed: true }>;
  logout: ActionSpec<Record<string, never>, { loggedOut: true }>;
  qrLoginStart: ActionSpec<Record<string, never>, QrLoginStart>;
  qrLoginConfirm: ActionSpec<{ code: string }, { confirmed: true }>;
  qrLoginPoll: ActionSpec<{ qrId: string; pollToken: string }, QrLoginState>;
}

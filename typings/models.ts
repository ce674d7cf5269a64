/** Enumerations and shapes shared by the functions and the mini-program. */

/** 基层以上工会 (has subordinate unions) or 基层工会 (faces workers directly). */
export type UnionCategory = 'above' | 'grassroots';

/** Subtypes of above-grassroots unions (spec §二.1, §三.8). */
export type AboveSubtype =
  'province' | 'city' | 'county' | 'street' | 'system' | 'group' | 'federation' | 'organ' | 'other';

export const ABOVE_SUBTYPE_NAMES: Record<AboveSubtype, string> = {
  province: '省总工会',
  city: '市总工会',
  county: '县（区）总工会',
  street: '街镇工会工作委员会',
  system: '系统工会',
  group: '集团公司工会',
  federation: '工联会',
  organ: '直属机关工会',
  other: '其他',
};

/** Above-grassroots subtypes that may hold members directly (spec §三.8). */
export const MEMBER_HOLDING_SUBTYPES: readonly AboveSubtype[] = ['group', 'federation', 'organ', 'other'];

export type UnionStatus = 'active' | 'deregistered';

export type DocumentType =
  'resident' | 'hkMacaoPermit' | 'taiwanPermit' | 'hmtResidence' | 'foreignerPermanent' | 'passport';

export const DOCUMENT_TYPE_NAMES: Record<DocumentType, string> = {
  resident: '居民身份证',
  hkMacaoPermit: '港澳居民来往内地通行证',
  taiwanPermit: '台湾居民来往大陆通行证',
  hmtResidence: '港澳台居民居住证',
  foreignerPermanent: '外国人永久居留身份证',
  passport: '护照',
};

export type MemberStatus = 'active' | 'removed' | 'transferred';

export type RoleName = 'admin' | 'operator' | 'provinceOffice';

export type Permission = 'reviewMembers' | 'import' | 'manageMembers' | 'export' | 'orgInfo' | 'settings';

export const PERMISSION_NAMES: Record<Permission, string> = {
  reviewMembers: '会员审核',
  import: '会员导入',
  manageMembers: '会员管理',
  export: '会员导出',
  orgInfo: '工会信息管理',
  settings: '权限设置',
};

/** What an admin holds: every permission. */
export const ALL_PERMISSIONS = Object.keys(PERMISSION_NAMES) as Permission[];

export type ApplicationKind =
  | 'orgRegister'
  | 'orgChange'
  | 'orgDeregister'
  | 'memberRegister'
  | 'memberJoin'
  | 'memberTransfer'
  | 'roleGrant'
  | 'roleRevoke'
  | 'builtinAccount'
  | 'documentAccount';

export const APPLICATION_KIND_NAMES: Record<ApplicationKind, string> = {
  orgRegister: '工会组织登记',
  orgChange: '工会组织变更',
  orgDeregister: '工会组织注销',
  memberRegister: '会员登记',
  memberJoin: '会员入会',
  memberTransfer: '会籍转移',
  roleGrant: '管理员设置',
  roleRevoke: '管理员撤销',
  builtinAccount: '内置账号申请',
  documentAccount: '港澳台及外籍人员注册',
};

export type ApplicationStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export const APPLICATION_STATUS_NAMES: Record<ApplicationStatus, string> = {
  pending: '审核中',
  approved: '已通过',
  rejected: '已驳回',
  withdrawn: '已撤回',
};

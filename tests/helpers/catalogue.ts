/**
 * Every action of every cloud function with a payload that is valid in shape, and the world the
 * authorization matrix and the bad-input corpus run in: a target union T (the demo 工联会) with an
 * admin, two operators, a sibling, a superior, a subordinate and the province office around it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ALL_PERMISSIONS, type Permission } from '../../typings/models';
import { newUnion, newUser, type RoleDoc, type UnionDoc, type UserDoc } from '../../cloudfunctions/shared/documents';
import { syntheticResidentId } from '../../cloudfunctions/shared/identity/resident-id';
import { sealDocument, sealPhone } from '../../cloudfunctions/shared/security/seal';
import { memberSearchTokens } from '../../cloudfunctions/shared/membership/search-tokens';
import { demoCreditCode } from '../../fixtures/demo';
import { demoWorld, registerPerson, type DemoWorld } from './api';
import { xlsxOf } from './files';

export const ROLES = [
  'anon',
  'user',
  'member',
  'opWith',
  'opWithout',
  'admin',
  'sibling',
  'superior',
  'subordinate',
  'office',
] as const;
export type Role = (typeof ROLES)[number];

export const OPENIDS: Record<Role, string> = {
  anon: 'mx-anon',
  user: 'demo-user',
  member: 'demo-member',
  opWith: 'mx-op-with',
  opWithout: 'mx-op-without',
  admin: 'demo-admin-federation',
  sibling: 'demo-admin-grassroots',
  superior: 'demo-admin-street',
  subordinate: 'mx-admin-sub',
  office: 'demo-province-office',
};

export function catalogueId(seq: number): string {
  return syntheticResidentId(`${1950 + Math.floor(seq / 1000)}0202`, seq % 1000);
}

export interface Fixtures {
  T: string;
  sub: string;
  memberQr: string;
  orgQr: string;
  pendingApp: string;
  pendingApp2: string;
  memberToRemove: string;
  extraRoleId: string;
  fileId: string;
  jobId: string;
  otherUnionsApp: string;
  otherUnionsMember: string;
}

export interface MatrixWorld {
  world: DemoWorld;
  fx: Fixtures;
  setOperators(perm: Permission | undefined): Promise<void>;
}

async function insertPerson(world: DemoWorld, openid: string, name: string, seq: number): Promise<UserDoc> {
  const doc = sealDocument(catalogueId(seq));
  const phone = sealPhone(`1370000${String(seq).padStart(4, '0')}`);
  const user = newUser(
    { name, docType: 'resident', doc, phone, passwordHash: null, verifiedBy: 'face' },
    `mx-user-${seq}`,
  );
  const db = world.admin.database();
  await db.collection('users').add(user);
  await db.collection('bindings').add({ _id: openid, userId: user._id, appid: 'wx-test', boundAt: user.createdAt });
  return user;
}

async function grant(
  world: DemoWorld,
  user: UserDoc,
  unionId: string,
  role: RoleDoc['role'],
  permissions: Permission[],
): Promise<string> {
  const id = `mx-role-${user._id}-${unionId.slice(0, 6)}`;
  const r: RoleDoc = {
    _id: id,
    userId: user._id,
    docIndex: user.docIndex,
    name: user.name,
    docMasked: user.doc.masked,
    phone: user.phone,
    unionId,
    role,
    permissions,
    status: 'active',
    grantedBy: 'test',
    grantedAt: new Date(),
  };
  await world.admin.database().collection('roles').add(r);
  return id;
}

export async function matrixWorld(): Promise<MatrixWorld> {
  const world = await demoWorld();
  const db = world.admin.database();
  const T = world.union('federation');
  const now = new Date();
  // A grassroots union under T, so T has a subordinate with its own admin.
  const [fed] = await world.docs<UnionDoc>('unions', { _id: T });
  const sub = newUnion(
    'mx-sub-union',
    {
      name: '示例产业园甲公司工会委员会',
      unitName: '示例产业园甲公司',
      creditCode: demoCreditCode(900),
      category: 'grassroots',
      subtype: null,
      address: fed.address,
      chairName: fed.chairName,
      contactPhone: fed.contactPhone,
      declaredMembers: fed.declaredMembers,
    },
    fed,
    { adminCount: 1 },
  );
  await db.collection('unions').add(sub);
  await db
    .collection('unions')
    .doc(T)
    .update({ childCount: fed.childCount + 1, adminCount: 1 });
  const subAdmin = await insertPerson(world, OPENIDS.subordinate, '下级管', 1);
  await grant(world, subAdmin, sub._id, 'admin', ALL_PERMISSIONS);
  const opWith = await insertPerson(world, OPENIDS.opWith, '有权操', 2);
  const opWithout = await insertPerson(world, OPENIDS.opWithout, '无权操', 3);
  await grant(world, opWith, T, 'operator', ALL_PERMISSIONS);
  await grant(world, opWithout, T, 'operator', ALL_PERMISSIONS);
  const extra = await insertPerson(world, 'mx-extra', '另一操', 4);
  const extraRoleId = await grant(world, extra, T, 'operator', ['export']);

  const admin = world.as(OPENIDS.admin);
  const memberQr = (await admin.ok('org', 'qr', { unionId: T, purpose: 'member' })).url;
  const orgQr = (await admin.ok('org', 'qr', { unionId: T, purpose: 'org' })).url;
  await registerPerson(world, 'mx-applicant', { name: '申请甲', docNumber: catalogueId(10), phone: '13700000010' });
  await registerPerson(world, 'mx-applicant2', { name: '申请乙', docNumber: catalogueId(11), phone: '13700000011' });
  const pendingApp = (
    await world
      .as('mx-applicant')
      .ok('review', 'submit', { kind: 'memberJoin', data: { unionId: T, unitName: '示例产业园乙公司' } })
  ).application.id;
  const pendingApp2 = (
    await world
      .as('mx-applicant2')
      .ok('review', 'submit', { kind: 'memberJoin', data: { unionId: T, unitName: '示例产业园丙公司' } })
  ).application.id;
  await registerPerson(world, 'mx-applicant3', { name: '申请丙', docNumber: catalogueId(12), phone: '13700000012' });
  const otherUnionsApp = (
    await world.as('mx-applicant3').ok('review', 'submit', {
      kind: 'memberJoin',
      data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
    })
  ).application.id;
  const removable = await db.collection('members').add({
    userId: null,
    unionId: T,
    realName: false,
    status: 'active',
    name: '待移出',
    docType: 'resident',
    doc: sealDocument(catalogueId(20)),
    docIndex: sealDocument(catalogueId(20)).index,
    phone: null,
    phoneIndex: null,
    source: 'import',
    unitName: '示例产业园',
    joinedAt: now,
    searchTokens: memberSearchTokens({
      name: '待移出',
      docType: 'resident',
      doc: sealDocument(catalogueId(20)),
      phone: null,
    }),
    updatedAt: now,
    version: 1,
  });
  const [otherMember] = await world.docs<{ _id: string }>('members', {
    unionId: world.union('grassroots'),
    status: 'active',
  });
  const upload = await world.admin.uploadFile({
    cloudPath: 'uploads/imports/matrix.xlsx',
    fileContent: xlsxOf([
      ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'],
      ['导入甲', '居民身份证', catalogueId(30), '13700000030', ''],
    ]),
  });
  const job = await admin.ok('importer', 'submit', { unionId: T, fileId: upload.fileID });

  const setOperators = async (perm: Permission | undefined) => {
    await db
      .collection('roles')
      .doc(`mx-role-${opWith._id}-${T.slice(0, 6)}`)
      .update({ permissions: perm ? [perm] : ALL_PERMISSIONS });
    await db
      .collection('roles')
      .doc(`mx-role-${opWithout._id}-${T.slice(0, 6)}`)
      .update({ permissions: perm ? ALL_PERMISSIONS.filter((p) => p !== perm) : ALL_PERMISSIONS });
  };
  return {
    world,
    setOperators,
    fx: {
      T,
      sub: sub._id,
      memberQr,
      orgQr,
      pendingApp,
      pendingApp2,
      memberToRemove: removable.id as string,
      extraRoleId,
      fileId: upload.fileID,
      jobId: job.jobId,
      otherUnionsApp,
      otherUnionsMember: otherMember._id,
    },
  };
}

export interface ActionCase {
  fn: string;
  action: string;
  /** The permission an operator needs; opWith holds only it, opWithout everything else. */
  perm?: Permission;
  /** Who is let through. Everyone else must get NOT_LOGGED_IN / PERMISSION_DENIED and change nothing. */
  allow: readonly Role[];
  payload(fx: Fixtures): Record<string, unknown>;
}

const EVERYONE = ROLES;
const REGISTERED = ROLES.filter((r) => r !== 'anon');
const ANY_IMPORT_ADMIN: Role[] = ['opWith', 'admin', 'sibling', 'superior', 'subordinate'];

const person = (seq: number) => ({
  name: '新任人',
  docType: 'resident',
  docNumber: catalogueId(seq),
  phone: `137000${String(seq).padStart(5, '0')}`,
});

/** Every action of every function. `kind` variants of review.submit are listed one by one. */
export const CASES: ActionCase[] = [
  { fn: 'system', action: 'ping', allow: EVERYONE, payload: () => ({}) },
  // Server-side callers only (npm run smoke): every WeChat identity is refused.
  { fn: 'system', action: 'status', allow: [], payload: () => ({}) },

  { fn: 'account', action: 'me', allow: EVERYONE, payload: () => ({}) },
  {
    fn: 'account',
    action: 'sendSmsCode',
    allow: EVERYONE,
    payload: () => ({ phone: '13700009999', purpose: 'register' }),
  },
  {
    fn: 'account',
    action: 'startFace',
    allow: EVERYONE,
    payload: () => ({ name: '人脸测', docType: 'resident', docNumber: catalogueId(500) }),
  },
  { fn: 'account', action: 'completeFace', allow: EVERYONE, payload: () => ({ sessionId: 'nonexistentsession' }) },
  {
    fn: 'account',
    action: 'register',
    allow: EVERYONE,
    payload: () => ({
      sessionId: 'nonexistentsession',
      phone: '13700009998',
      smsCode: '123456',
      password: 'Union2026ok',
    }),
  },
  {
    fn: 'account',
    action: 'loginPassword',
    allow: EVERYONE,
    payload: () => ({ phone: '13700009997', password: 'whatever1' }),
  },
  { fn: 'account', action: 'loginSms', allow: EVERYONE, payload: () => ({ phone: '13700009997', smsCode: '123456' }) },
  {
    fn: 'account',
    action: 'changePhone',
    allow: REGISTERED,
    payload: () => ({
      newPhone: '13700009996',
      smsCode: '123456',
      proof: { method: 'password', password: 'Wrong1234' },
    }),
  },
  { fn: 'account', action: 'sendOwnerCode', allow: REGISTERED, payload: () => ({}) },
  { fn: 'account', action: 'listSessions', allow: REGISTERED, payload: () => ({}) },
  { fn: 'account', action: 'endSession', allow: REGISTERED, payload: () => ({ key: 'nosuchlogin' }) },
  { fn: 'account', action: 'endOtherSessions', allow: REGISTERED, payload: () => ({}) },
  {
    fn: 'account',
    action: 'recover',
    allow: EVERYONE,
    payload: () => ({ sessionId: 'nonexistentsession', phone: '13700009995', smsCode: '123456' }),
  },
  { fn: 'account', action: 'deletionInfo', allow: REGISTERED, payload: () => ({}) },
  {
    fn: 'account',
    action: 'deleteAccount',
    allow: REGISTERED,
    payload: () => ({ proof: { method: 'password', password: 'Wrong1234' } }),
  },
  {
    fn: 'account',
    action: 'changePassword',
    allow: REGISTERED,
    payload: () => ({ oldPassword: 'Wrong1234', newPassword: 'Union2027ok' }),
  },
  {
    fn: 'account',
    action: 'resetPassword',
    allow: EVERYONE,
    payload: () => ({ phone: '13700009997', smsCode: '123456', newPassword: 'Union2027ok' }),
  },
  { fn: 'account', action: 'logout', allow: REGISTERED, payload: () => ({}) },
  { fn: 'account', action: 'qrLoginStart', allow: EVERYONE, payload: () => ({}) },
  // Any role holder may confirm a console login; the code here is unknown, so the allowed get NOT_FOUND.
  {
    fn: 'account',
    action: 'qrLoginConfirm',
    allow: ['opWith', 'opWithout', 'admin', 'sibling', 'superior', 'subordinate', 'office'],
    payload: () => ({ code: `https://union.example.cn/q?p=login&t=${'0'.repeat(32)}` }),
  },
  // Only the console's door polls (its caller is a web session); WeChat callers are refused.
  {
    fn: 'account',
    action: 'qrLoginPoll',
    allow: [],
    payload: () => ({ qrId: '0'.repeat(32), pollToken: 'x'.repeat(32) }),
  },

  {
    fn: 'review',
    action: 'submit:orgRegister',
    allow: REGISTERED,
    payload: (fx) => ({
      kind: 'orgRegister',
      data: {
        code: fx.orgQr,
        name: '矩阵测试公司工会委员会',
        unitName: '矩阵测试公司',
        creditCode: demoCreditCode(901),
        category: 'grassroots',
        address: '广州市天河区',
        chairName: '张三',
        contactPhone: '020-87001111',
        declaredMembers: 10,
      },
    }),
  },
  {
    fn: 'review',
    action: 'submit:orgChange',
    perm: 'orgInfo',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ kind: 'orgChange', data: { unionId: fx.T, changes: { address: '广州市天河区五山路 2 号' } } }),
  },
  {
    fn: 'review',
    action: 'submit:orgDeregister',
    perm: 'orgInfo',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ kind: 'orgDeregister', data: { unionId: fx.T, reason: '测试注销' } }),
  },
  {
    fn: 'review',
    action: 'submit:memberRegister',
    allow: REGISTERED,
    payload: (fx) => ({ kind: 'memberRegister', data: { unionId: fx.T, unitName: '示例产业园' } }),
  },
  {
    fn: 'review',
    action: 'submit:memberJoin',
    allow: REGISTERED,
    payload: (fx) => ({ kind: 'memberJoin', data: { code: fx.memberQr, unitName: '示例产业园' } }),
  },
  {
    fn: 'review',
    action: 'submit:memberTransfer',
    allow: REGISTERED,
    payload: (fx) => ({ kind: 'memberTransfer', data: { unionId: fx.T, unitName: '示例产业园' } }),
  },
  {
    fn: 'review',
    action: 'submit:roleGrant',
    perm: 'settings',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({
      kind: 'roleGrant',
      data: { unionId: fx.T, role: 'operator', ...person(600), permissions: ['export'] },
    }),
  },
  {
    fn: 'review',
    action: 'submit:roleRevoke',
    perm: 'settings',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ kind: 'roleRevoke', data: { unionId: fx.T, roleId: fx.extraRoleId, reason: '岗位调整' } }),
  },
  {
    fn: 'review',
    action: 'submit:builtinAccount',
    perm: 'manageMembers',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({
      kind: 'builtinAccount',
      data: {
        unionId: fx.T,
        ...person(601),
        reason: '人脸核身无法通过',
        certificateFileId: 'cloud://env/uploads/cert.png',
      },
    }),
  },
  {
    fn: 'review',
    action: 'submit:documentAccount',
    allow: EVERYONE,
    payload: () => ({
      kind: 'documentAccount',
      data: {
        name: '陈大文',
        docType: 'hkMacaoPermit',
        docNumber: 'H87654321',
        phone: '13700009995',
        smsCode: '123456',
        password: 'Union2026ok',
        photoFileId: 'cloud://env/uploads/doc.png',
      },
    }),
  },
  { fn: 'review', action: 'withdraw', allow: [], payload: (fx) => ({ id: fx.pendingApp }) },
  {
    fn: 'review',
    action: 'approve',
    perm: 'reviewMembers',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ id: fx.pendingApp }),
  },
  {
    fn: 'review',
    action: 'reject',
    perm: 'reviewMembers',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ id: fx.pendingApp, reason: '信息不符' }),
  },
  {
    fn: 'review',
    action: 'batchApprove',
    perm: 'reviewMembers',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ ids: [fx.pendingApp2] }),
  },
  { fn: 'review', action: 'listInbox', allow: REGISTERED, payload: () => ({}) },
  { fn: 'review', action: 'listMine', allow: EVERYONE, payload: () => ({}) },
  {
    fn: 'review',
    action: 'detail',
    perm: 'reviewMembers',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ id: fx.pendingApp }),
  },
  {
    fn: 'review',
    action: 'attachments',
    perm: 'reviewMembers',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ id: fx.pendingApp }),
  },

  { fn: 'org', action: 'scan', allow: EVERYONE, payload: (fx) => ({ code: fx.memberQr }) },
  { fn: 'org', action: 'myUnions', allow: REGISTERED, payload: () => ({}) },
  {
    fn: 'org',
    action: 'detail',
    perm: 'orgInfo',
    allow: ['opWith', 'opWithout', 'admin', 'superior'],
    payload: (fx) => ({ unionId: fx.T }),
  },
  {
    fn: 'org',
    action: 'qr',
    allow: ['opWith', 'opWithout', 'admin'],
    payload: (fx) => ({ unionId: fx.T, purpose: 'member' }),
  },
  {
    fn: 'org',
    action: 'regenerateQr',
    perm: 'orgInfo',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ unionId: fx.T, purpose: 'org' }),
  },
  {
    fn: 'org',
    action: 'directory',
    perm: 'orgInfo',
    allow: ['opWith', 'opWithout', 'admin', 'superior'],
    payload: (fx) => ({ unionId: fx.T, category: 'grassroots' }),
  },
  {
    fn: 'org',
    action: 'stats',
    perm: 'orgInfo',
    allow: ['opWith', 'opWithout', 'admin', 'superior'],
    payload: (fx) => ({ unionId: fx.T }),
  },

  { fn: 'member', action: 'searchUnions', allow: REGISTERED, payload: () => ({ keyword: '示例' }) },
  { fn: 'member', action: 'my', allow: REGISTERED, payload: () => ({}) },
  {
    fn: 'member',
    action: 'list',
    perm: 'manageMembers',
    allow: ['opWith', 'admin', 'superior'],
    payload: (fx) => ({ unionId: fx.T, realName: false }),
  },
  {
    fn: 'member',
    action: 'remove',
    perm: 'manageMembers',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ unionId: fx.T, memberIds: [fx.memberToRemove], reason: '测试移出' }),
  },
  {
    fn: 'member',
    action: 'export',
    perm: 'export',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ unionId: fx.T, realName: false }),
  },
  {
    fn: 'member',
    action: 'trend',
    perm: 'manageMembers',
    allow: ['opWith', 'admin', 'superior'],
    payload: (fx) => ({ unionId: fx.T }),
  },

  {
    fn: 'admin',
    action: 'listRoles',
    perm: 'settings',
    allow: ['opWith', 'admin', 'superior'],
    payload: (fx) => ({ unionId: fx.T }),
  },
  {
    fn: 'admin',
    action: 'appointSubordinate',
    perm: 'settings',
    allow: ['superior'],
    payload: (fx) => ({ person: { unionId: fx.T, role: 'operator', ...person(602), permissions: ['export'] } }),
  },
  {
    fn: 'admin',
    action: 'auditLog',
    perm: 'settings',
    allow: ['opWith', 'admin', 'office'],
    payload: (fx) => ({ unionId: fx.T }),
  },
  {
    fn: 'admin',
    action: 'setPhoneShown',
    perm: 'settings',
    allow: ['admin'],
    payload: (fx) => ({ unionId: fx.T, shown: true }),
  },

  { fn: 'importer', action: 'template', perm: 'import', allow: ANY_IMPORT_ADMIN, payload: () => ({}) },
  {
    fn: 'importer',
    action: 'validate',
    perm: 'import',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ unionId: fx.T, fileId: fx.fileId }),
  },
  {
    fn: 'importer',
    action: 'submit',
    perm: 'import',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ unionId: fx.T, fileId: fx.fileId }),
  },
  { fn: 'importer', action: 'run', perm: 'import', allow: ['opWith', 'admin'], payload: (fx) => ({ jobId: fx.jobId }) },
  { fn: 'importer', action: 'jobs', perm: 'import', allow: ['opWith', 'admin'], payload: (fx) => ({ unionId: fx.T }) },
  {
    fn: 'importer',
    action: 'uploadTicket',
    perm: 'import',
    allow: ['opWith', 'admin'],
    payload: (fx) => ({ unionId: fx.T, fileName: '会员.xlsx' }),
  },
];

/** The action name the function sees: `submit:kind` rows are review.submit. */
export function wireAction(c: ActionCase): string {
  return c.action.split(':')[0];
}

/** Every action every function declares, read from the sources, so a new action cannot hide. */
export function declaredActions(): Array<{ fn: string; action: string }> {
  const root = path.join(__dirname, '..', '..', 'cloudfunctions');
  const out: Array<{ fn: string; action: string }> = [];
  for (const fn of fs.readdirSync(root)) {
    const entry = path.join(root, fn, 'index.ts');
    if (fn === 'shared' || !fs.existsSync(entry)) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(entry) as { actions?: Record<string, unknown> };
    if (!mod.actions) throw new Error(`cloudfunctions/${fn} does not export its actions table`);
    for (const action of Object.keys(mod.actions)) out.push({ fn, action });
  }
  return out;
}

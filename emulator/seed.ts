/**
 * Demo data for `npm start`: a province → city → county → street → grassroots tree with a 工联会 and a
 * 集团公司, an admin at each level, the province office, and members both real-name and imported.
 * Written once into an empty database; a restart keeps whatever is there.
 */
import { createHash } from 'node:crypto';
import type { BindingDoc, MemberDoc, RoleDoc, UnionDoc, UserDoc } from '../cloudfunctions/shared/documents';
import { newUnion, newUser, PLATFORM_SCOPE } from '../cloudfunctions/shared/documents';
import { syntheticResidentId } from '../cloudfunctions/shared/identity/resident-id';
import { hashPassword } from '../cloudfunctions/shared/security/password';
import { sealDocument, sealPhone } from '../cloudfunctions/shared/security/seal';
import { ALL_PERMISSIONS, type AboveSubtype } from '../typings/models';
import type { RunningEmulator } from './server';

export const DEMO_PASSWORD = 'Demo@2026';

export interface DemoIdentity {
  openid: string;
  description: string;
}

interface UnionSeed {
  key: string;
  name: string;
  unitName: string;
  subtype: AboveSubtype | null;
  parent: string | null;
}

const UNIONS: UnionSeed[] = [
  { key: 'province', name: '广东省总工会', unitName: '广东省总工会', subtype: 'province', parent: null },
  { key: 'city', name: '广州市总工会', unitName: '广州市总工会', subtype: 'city', parent: 'province' },
  { key: 'county', name: '广州市天河区总工会', unitName: '广州市天河区总工会', subtype: 'county', parent: 'city' },
  { key: 'street', name: '天河区五山街道工会工作委员会', unitName: '天河区五山街道办事处', subtype: 'street', parent: 'county' },
  { key: 'grassroots', name: '广州示例科技有限公司工会委员会', unitName: '广州示例科技有限公司', subtype: null, parent: 'street' },
  { key: 'federation', name: '五山街道示例产业园工会联合会', unitName: '五山示例产业园', subtype: 'federation', parent: 'street' },
  { key: 'group', name: '广州示例集团有限公司工会', unitName: '广州示例集团有限公司', subtype: 'group', parent: 'city' },
  { key: 'groupBranch', name: '广州示例集团第一分公司工会委员会', unitName: '广州示例集团有限公司第一分公司', subtype: null, parent: 'group' },
];

interface PersonSeed {
  openid: string | null;
  name: string;
  description: string;
  /** Union key and role, for admins. */
  admin?: string;
  provinceOffice?: boolean;
  /** Union key, for members; imported rows have no openid. */
  memberOf?: string;
}

const PEOPLE: PersonSeed[] = [
  { openid: 'demo-admin-province', name: '黄省管', description: '广东省总工会 管理员', admin: 'province' },
  { openid: 'demo-admin-city', name: '李市管', description: '广州市总工会 管理员', admin: 'city' },
  { openid: 'demo-admin-county', name: '陈区管', description: '天河区总工会 管理员', admin: 'county' },
  { openid: 'demo-admin-street', name: '张街管', description: '五山街道工会工作委员会 管理员', admin: 'street' },
  { openid: 'demo-admin-grassroots', name: '王基管', description: '广州示例科技有限公司工会 管理员（也是会员）', admin: 'grassroots', memberOf: 'grassroots' },
  { openid: 'demo-admin-federation', name: '赵联管', description: '示例产业园工联会 管理员', admin: 'federation' },
  { openid: 'demo-admin-group', name: '周集管', description: '示例集团工会 管理员', admin: 'group' },
  { openid: 'demo-province-office', name: '吴审核', description: '省总智慧工会办公室（内置账号审核）', provinceOffice: true },
  { openid: 'demo-member', name: '刘会员', description: '广州示例科技有限公司工会 实名会员', memberOf: 'grassroots' },
  { openid: 'demo-member-rare', name: '𠇔䶮·阿依古丽', description: '生僻字姓名的实名会员', memberOf: 'federation' },
  { openid: 'demo-user', name: '孙注册', description: '已实名注册、尚未入会的用户' },
  { openid: null, name: '钱导入', description: '导入未实名（示例科技）', memberOf: 'grassroots' },
  { openid: null, name: '郑导入', description: '导入未实名（示例科技）', memberOf: 'grassroots' },
  { openid: null, name: '冯导入', description: '导入未实名（示例集团分公司）', memberOf: 'groupBranch' },
];

/** A valid resident ID made from a stable seed, so demo data is the same on every machine. */
export function demoResidentId(seq: number): string {
  return syntheticResidentId(`${1980 + (seq % 20)}${String((seq % 12) + 1).padStart(2, '0')}${String((seq % 28) + 1).padStart(2, '0')}`, 100 + seq);
}

export function demoPhone(seq: number): string {
  return `1380013${String(1000 + seq).padStart(4, '0')}`;
}

/** Demo ids are stable, so tests and docs can name them. */
export function demoUnionId(key: string): string {
  return stableId('union', key);
}

export function demoPersonSeq(openid: string): number {
  return PEOPLE.findIndex((p) => p.openid === openid);
}

function stableId(kind: string, key: string): string {
  return createHash('sha256').update(`demo:${kind}:${key}`).digest('hex').slice(0, 32);
}

/** A syntactically valid unified social credit code (GB 32100 check character). */
export function demoCreditCode(seq: number): string {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const body = `91440106MA5${String(seq).padStart(6, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(body[i]) * weights[i];
  return body + chars[(31 - (sum % 31)) % 31];
}

export async function seedDemo(emulator: Pick<RunningEmulator, 'engine' | 'store'>): Promise<{ created: boolean; identities: DemoIdentity[] }> {
  // The phone is the back office's login name (phone + password).
  const identities = PEOPLE.flatMap((p, seq) => (p.openid ? [{ openid: p.openid, description: `${p.name}（手机 ${demoPhone(seq)}）：${p.description}` }] : []));
  if (emulator.store.count('unions') > 0) return { created: false, identities };

  const now = new Date();
  const unionIds = new Map<string, string>();
  // Parents come before their children in UNIONS, so each parent is built by the time a child needs it.
  const byKey = new Map<string, UnionDoc>();
  const unions: UnionDoc[] = UNIONS.map((u, i) => {
    const union = newUnion(
      stableId('union', u.key),
      {
        name: u.name,
        unitName: u.unitName,
        creditCode: demoCreditCode(i + 1),
        category: u.subtype ? 'above' : 'grassroots',
        subtype: u.subtype,
        address: '广州市天河区五山路 1 号',
        chairName: '演示主席',
        contactPhone: `020-8700${String(1000 + i)}`,
        declaredMembers: 50,
      },
      u.parent ? (byKey.get(u.parent) as UnionDoc) : null,
      { childCount: UNIONS.filter((c) => c.parent === u.key).length, adminCount: PEOPLE.filter((p) => p.admin === u.key).length },
    );
    byKey.set(u.key, union);
    unionIds.set(u.key, union._id);
    return union;
  });

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const users: UserDoc[] = [];
  const bindings: BindingDoc[] = [];
  const members: MemberDoc[] = [];
  const roles: RoleDoc[] = [];
  PEOPLE.forEach((p, seq) => {
    const docNo = demoResidentId(seq);
    const phoneNo = demoPhone(seq);
    const doc = sealDocument(docNo);
    const phone = sealPhone(phoneNo);
    const userId = p.openid ? stableId('user', p.openid) : null;
    if (userId && p.openid) {
      const activeMemberId = p.memberOf ? stableId('member', `${p.name}:${p.memberOf}`) : null;
      users.push(newUser({ name: p.name, docType: 'resident', doc, phone, passwordHash, verifiedBy: 'face', activeMemberId }, userId));
      bindings.push({ _id: p.openid, userId, appid: 'wx0000000000emulator', boundAt: now });
    }
    if (p.memberOf) {
      const unionId = unionIds.get(p.memberOf) as string;
      members.push({
        _id: stableId('member', `${p.name}:${p.memberOf}`),
        userId,
        unionId,
        realName: userId !== null,
        status: 'active',
        name: p.name,
        docType: 'resident',
        doc,
        docIndex: doc.index,
        phone,
        phoneIndex: phone.index,
        source: userId ? 'register' : 'import',
        unitName: (unions.find((u) => u._id === unionId) as UnionDoc).unitName,
        joinedAt: now,
        updatedAt: now,
        version: 1,
      });
      const union = unions.find((u) => u._id === unionId) as UnionDoc;
      union.memberCount += 1;
    }
    if (userId && (p.admin || p.provinceOffice)) {
      roles.push({
        _id: stableId('role', `${p.openid}`),
        userId,
        docIndex: doc.index,
        name: p.name,
        docMasked: doc.masked,
        phone,
        unionId: p.provinceOffice ? PLATFORM_SCOPE : (unionIds.get(p.admin as string) as string),
        role: p.provinceOffice ? 'provinceOffice' : 'admin',
        permissions: ALL_PERMISSIONS,
        status: 'active',
        grantedBy: 'seed',
        grantedAt: now,
      });
    }
  });

  // Roll-ups as org/rollup.ts keeps them: own counts, and subtree counts up the ancestors.
  const zero = () => ({ realName: 0, notRealName: 0, subtreeRealName: 0, subtreeNotRealName: 0, subtreeAbove: 0, subtreeGrassroots: 0 });
  for (const u of unions) {
    u.stats ??= zero();
    for (const a of unions.filter((x) => u.ancestors.includes(x._id))) {
      a.stats ??= zero();
      if (u.category === 'above') a.stats.subtreeAbove = (a.stats.subtreeAbove ?? 0) + 1;
      else a.stats.subtreeGrassroots = (a.stats.subtreeGrassroots ?? 0) + 1;
    }
  }
  for (const m of members) {
    const u = unions.find((x) => x._id === m.unionId) as UnionDoc;
    const field = m.realName ? 'RealName' : 'NotRealName';
    for (const target of unions.filter((x) => x._id === u._id || u.ancestors.includes(x._id))) {
      target.stats ??= zero();
      target.stats[`subtree${field}`] += 1;
      if (target === u) target.stats[m.realName ? 'realName' : 'notRealName'] += 1;
    }
  }
  const { engine } = emulator;
  emulator.store.atomic(() => {
    engine.insert('unions', unions as unknown as Array<Record<string, unknown>>);
    engine.insert('users', users as unknown as Array<Record<string, unknown>>);
    engine.insert('bindings', bindings as unknown as Array<Record<string, unknown>>);
    engine.insert('members', members as unknown as Array<Record<string, unknown>>);
    engine.insert('roles', roles as unknown as Array<Record<string, unknown>>);
  });
  return { created: true, identities };
}

import { newUnion, PLATFORM_SCOPE, type UnionDoc } from '../../cloudfunctions/shared/documents';

/**
 * A synthetic province grafted under the demo tree, for the scale test and `npm run bench -- scale`:
 * grassroots unions spread under the demo street (and new streets), members mostly in the demo
 * grassroots union (one very big union) and the rest spread out, a reviewer's backlog of pending
 * applications and an audit log. Ids are deterministic so runs compare.
 */
export interface ProvinceSize {
  unions: number;
  members: number;
  /** Pending member applications waiting for the demo grassroots union. */
  pending: number;
  auditLogs: number;
}

export interface ProvinceTargets {
  street: string;
  county: string;
  grassroots: string;
}

type Insert = (collection: string, docs: Array<Record<string, unknown>>) => Promise<void>;
/** Adds to roll-up fields (e.g. `stats.realName`) of an existing union, as org/rollup.ts would. */
type Bump = (unionId: string, inc: Record<string, number>) => Promise<void>;

const BATCH = 1000;
const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜';
const TRADES = ['科技', '电子', '物流', '食品', '纺织', '建材', '医药', '机械', '印刷', '家具', '服装', '化工'];

/** Words that appear in no generated name: a search for them is the spec's "not found" path. */
export const ABSENT_NAME = '青藏高原牦牛合作社';

async function inBatches(insert: Insert, collection: string, count: number, make: (i: number) => Record<string, unknown>): Promise<void> {
  for (let i = 0; i < count; i += BATCH) {
    await insert(collection, Array.from({ length: Math.min(BATCH, count - i) }, (_, k) => make(i + k)));
  }
}

function sealedLike(i: number, masked: string) {
  return { ciphertext: `synthetic-${i}`, iv: '', tag: '', index: `synthetic-index-${i}`, masked };
}

const streetOf = (i: number, streets: number) => (i % 3 === 0 ? null : i % streets);
const memberUnion = (i: number, size: ProvinceSize, grassroots: string) => (i % 2 === 0 ? grassroots : `scale-union-${i % size.unions}`);
const isRealName = (i: number) => i % 4 !== 0;
const isActive = (i: number) => i % 17 !== 0;

export async function loadProvince(size: ProvinceSize, targets: ProvinceTargets, parents: { street: UnionDoc; county: UnionDoc }, insert: Insert, bump: Bump): Promise<void> {
  const streets = Math.max(1, Math.ceil(size.unions / 60));
  // Roll-ups first, as the changes would have left them: per union id, field → amount.
  const rollups = new Map<string, Record<string, number>>();
  const add = (ids: string[], field: string, n = 1) => {
    for (const id of ids) {
      const r = rollups.get(id) ?? {};
      r[field] = (r[field] ?? 0) + n;
      rollups.set(id, r);
    }
  };
  const countyChain = [parents.county._id, ...parents.county.ancestors];
  const chainOf = (unionId: string): string[] => {
    if (unionId === targets.grassroots) return [unionId, parents.street._id, ...parents.street.ancestors];
    const i = Number(unionId.slice('scale-union-'.length));
    const s = streetOf(i, streets);
    return [unionId, ...(s === null ? [parents.street._id, ...parents.street.ancestors] : [`scale-street-${s}`, ...countyChain])];
  };
  add(countyChain, 'stats.subtreeAbove', streets);
  for (let i = 0; i < size.unions; i++) add(chainOf(`scale-union-${i}`).slice(1), 'stats.subtreeGrassroots');
  for (let i = 0; i < size.members; i++) {
    if (!isActive(i)) continue;
    const chain = chainOf(memberUnion(i, size, targets.grassroots));
    add([chain[0]], isRealName(i) ? 'stats.realName' : 'stats.notRealName');
    add(chain, isRealName(i) ? 'stats.subtreeRealName' : 'stats.subtreeNotRealName');
  }
  const withStats = (u: UnionDoc) => {
    const r = rollups.get(u._id) ?? {};
    rollups.delete(u._id);
    const stats = Object.fromEntries(Object.entries(r).map(([k, v]) => [k.slice('stats.'.length), v]));
    return { ...u, stats: { realName: 0, notRealName: 0, subtreeRealName: 0, subtreeNotRealName: 0, ...stats } } as unknown as Record<string, unknown>;
  };

  const streetDocs: UnionDoc[] = [];
  await inBatches(insert, 'unions', streets, (s) => {
    const street = newUnion(
      `scale-street-${s}`,
      { name: `第${s}街道工会工作委员会`, unitName: `第${s}街道办事处`, creditCode: `SCALE-S-${s}`, category: 'above', subtype: 'street', address: '', chairName: '', contactPhone: '', declaredMembers: 0 },
      parents.county,
    );
    streetDocs.push(street);
    return withStats(street);
  });
  // A third of the grassroots unions sit under the demo street (its admin's directory); the rest under new streets.
  await inBatches(insert, 'unions', size.unions, (i) => {
    const s = streetOf(i, streets);
    const parent = s === null ? parents.street : streetDocs[s];
    const trade = TRADES[i % TRADES.length];
    return withStats(
      newUnion(
        `scale-union-${i}`,
        { name: `广州第${i}号${trade}有限公司工会委员会`, unitName: `广州第${i}号${trade}有限公司`, creditCode: `SCALE-U-${i}`, category: 'grassroots', subtype: null, address: '', chairName: '', contactPhone: '', declaredMembers: 0 },
        parent,
      ),
    );
  });
  // What is left are the demo unions the province was grafted onto.
  for (const [id, inc] of rollups) await bump(id, inc);
  const start = Date.UTC(2020, 0, 1);
  await inBatches(insert, 'members', size.members, (i) => {
    return {
      _id: `scale-member-${i}`,
      userId: null,
      unionId: memberUnion(i, size, targets.grassroots),
      realName: isRealName(i),
      status: isActive(i) ? 'active' : 'removed',
      name: `${SURNAMES[i % SURNAMES.length]}测${i}`,
      docType: 'resident',
      doc: sealedLike(i, '4401**********1234'),
      docIndex: `synthetic-doc-${i}`,
      phone: sealedLike(i, '138****5678'),
      phoneIndex: `synthetic-phone-${i}`,
      source: 'import',
      unitName: '广州示例科技有限公司',
      joinedAt: new Date(start + ((i * 7919) % size.members) * 60_000),
      updatedAt: new Date(start),
      version: 1,
    };
  });
  await inBatches(insert, 'applications', size.pending, (i) => {
    const at = new Date(start + i * 1000);
    return {
      _id: `scale-app-${i}`,
      kind: 'memberJoin',
      status: 'pending',
      version: 1,
      reviewerUnionId: targets.grassroots,
      unionId: targets.grassroots,
      applicantUserId: null,
      applicantOpenid: `wx-scale-${i}`,
      applicantName: `申请人${i}`,
      payload: {},
      title: `入会申请 ${i}`,
      lines: [],
      attachments: [],
      locks: [],
      history: [{ at, action: 'submitted', byName: `申请人${i}` }],
      createdAt: at,
      updatedAt: at,
      decidedAt: null,
      decidedBy: null,
      rejectReason: null,
    };
  });
  await inBatches(insert, 'auditLogs', size.auditLogs, (i) => ({
    _id: `scale-log-${i}`,
    at: new Date(start + i * 1000),
    actorUserId: 'scale-actor',
    action: 'member:remove',
    targetType: 'member',
    targetId: `scale-member-${i}`,
    unionId: i % 5 === 0 ? targets.grassroots : i % 7 === 0 ? PLATFORM_SCOPE : `scale-union-${i % size.unions}`,
    requestId: null,
    result: 'ok',
    detail: {},
  }));
}

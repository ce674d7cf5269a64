/**
 * `npm run bench -- console`: the back office's own requests, as the browser sends them — POSTs to
 * /api/<function> through the HTTP-trigger door with a web session — on a 100,000-member union and
 * a province-sized tree. The floor, measured in the same run: system.ping through the same door
 * (the door, the session check and a function call with no work), and the bare engine query the
 * member list runs (the store with no HTTP, no SDK and no function).
 */
import { DEMO_PASSWORD, demoPhone, demoUnionId, seedDemo } from '../fixtures/demo';
import { startLocalEmulator } from '../fixtures/local-emulator';
import { WebClient } from '../fixtures/web';
import { newUnion, type MemberDoc, type UnionDoc } from '../cloudfunctions/shared/documents';
import { sealDocument, sealPhone } from '../cloudfunctions/shared/security/seal';
import { demoResidentId } from '../fixtures/demo';
import { encodeCursor } from '../cloudfunctions/shared/paging';
import { withSearchTokens } from '../cloudfunctions/shared/membership/search-tokens';
import { blindIndex, maskPhone } from '../cloudfunctions/shared/security/pii';
import { MEMBER_MONTHS, monthCountersOf } from '../cloudfunctions/shared/org/member-months';
import { benchName, SURNAMES } from './names';
import { peakRssMb, percentile, printTable } from './table';

const MEMBERS = Number(process.env.BENCH_CONSOLE_MEMBERS ?? 100_000);
const UNIONS = Number(process.env.BENCH_CONSOLE_UNIONS ?? 20_000);
const SAMPLES = Number(process.env.BENCH_CONSOLE_SAMPLES ?? 20);

interface Samples {
  ms: number[];
  /** The first failure, when a request failed (e.g. the SDK's 10 s timeout): the row stops there. */
  failure?: string;
}

async function sample(fn: () => Promise<unknown>): Promise<Samples> {
  const ms: number[] = [];
  try {
    await fn(); // warm: the function's first load is not what a clerk waits for on every click
    for (let i = 0; i < SAMPLES; i++) {
      const t = process.hrtime.bigint();
      await fn();
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  } catch (err) {
    return { ms: ms.sort((a, b) => a - b), failure: (err as Error).message.slice(0, 60) };
  }
  return { ms: ms.sort((a, b) => a - b) };
}

function row(what: string, s: Samples): Record<string, string | number> {
  const { ms } = s;
  const fmt = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(1));
  return {
    request: what,
    samples: ms.length,
    p50_ms: fmt(ms[Math.floor(ms.length / 2)]),
    p95_ms: ms.length ? fmt(percentile(ms, 95)) : '—',
    max_ms: fmt(ms[ms.length - 1]),
    failed: s.failure ?? '',
  };
}

export async function runConsoleBench(): Promise<void> {
  const emulator = await startLocalEmulator({ inMemory: true, scheduleTimers: false });
  try {
    await seedDemo(emulator);
    const union = demoUnionId('grassroots');
    // One sealed ciphertext reused (sealing 100k values would time the crypto, not the console), but
    // each row has its own name, masks and blind indexes, which are what a search reads. One row, the
    // one the searches look for, is a real sealed identity.
    const target = Math.floor(MEMBERS * 0.37) - (Math.floor(MEMBERS * 0.37) % 5) + 1;
    const doc = sealDocument(demoResidentId(90));
    const phone = sealPhone(demoPhone(90));
    const now = new Date();
    // What the trend's monthly counters are counted from (org/member-months.ts), kept to seed them below.
    const trendRows = emulator.engine.find('members', {}) as unknown as Array<
      Pick<MemberDoc, 'unionId' | 'status' | 'realName' | 'joinedAt'>
    >;
    for (let i = 0; i < MEMBERS; i += 10_000) {
      const batch: MemberDoc[] = Array.from({ length: Math.min(10_000, MEMBERS - i) }, (_, k) => {
        const n = i + k;
        const phoneNo = `139${String((n * 7919) % 100_000_000).padStart(8, '0')}`;
        const rowDoc =
          n === target ? doc : { ...doc, masked: `4401**********${String((n * 104_729) % 10_000).padStart(4, '0')}` };
        const rowPhone =
          n === target ? phone : { ...phone, index: blindIndex('phone', phoneNo), masked: maskPhone(phoneNo) };
        return withSearchTokens({
          _id: `bm${n}`,
          userId: null,
          unionId: union,
          realName: n % 5 !== 0,
          status: 'active',
          name: benchName(n),
          docType: 'resident',
          doc: rowDoc,
          docIndex: n === target ? doc.index : `bench-${n}`,
          phone: rowPhone,
          phoneIndex: rowPhone.index,
          source: 'import',
          unitName: '广州示例科技有限公司',
          joinedAt: new Date(now.getTime() - n * 1000),
          updatedAt: now,
          version: 1,
        });
      });
      emulator.engine.insert('members', batch as unknown as Array<Record<string, unknown>>);
      for (const { unionId, status, realName, joinedAt } of batch)
        trendRows.push({ unionId, status, realName, joinedAt });
    }
    const targetName = benchName(target);
    // A province-sized tree under the county: streets, then grassroots unions under each street.
    const county = emulator.engine.find('unions', { _id: demoUnionId('county') })[0] as unknown as UnionDoc;
    const streets = Math.max(1, Math.round(UNIONS / 100));
    const tree: UnionDoc[] = [];
    for (let s = 0; s < streets; s++) {
      const street = newUnion(
        `bs${s}`,
        {
          name: `示例街道${s}工会`,
          unitName: `示例街道${s}`,
          creditCode: '',
          category: 'above',
          subtype: 'street',
          address: '',
          chairName: '',
          contactPhone: '',
          declaredMembers: 0,
        },
        county,
      );
      tree.push(street);
      for (let g = 0; g < 99 && tree.length < UNIONS; g++) {
        tree.push(
          newUnion(
            `bg${s}-${g}`,
            {
              name: `示例企业${s}-${g}工会委员会`,
              unitName: `示例企业${s}-${g}`,
              creditCode: '',
              category: 'grassroots',
              subtype: null,
              address: '',
              chairName: '',
              contactPhone: '',
              declaredMembers: 10,
            },
            street,
          ),
        );
      }
    }
    for (let i = 0; i < tree.length; i += 10_000)
      emulator.engine.insert('unions', tree.slice(i, i + 10_000) as unknown as Array<Record<string, unknown>>);
    // The monthly counters as the roll-ups would have left them: the 100,000 members above, and ten
    // members joined over the year in each grassroots union of the tree (counters only: the trend
    // never reads member rows), so the counter collection holds a province's worth of documents.
    for (const u of tree)
      if (u.category === 'grassroots')
        for (let k = 0; k < 10; k++)
          trendRows.push({
            unionId: u._id,
            status: 'active',
            realName: k % 3 !== 0,
            joinedAt: new Date(now.getTime() - k * 36 * 86_400_000),
          });
    const ancestors = new Map(
      (emulator.engine.find('unions', {}) as unknown as UnionDoc[]).map((u) => [u._id, u.ancestors]),
    );
    const months = [...monthCountersOf(trendRows, (id) => ancestors.get(id) ?? []).values()];
    emulator.engine.remove(MEMBER_MONTHS, {}, true); // the demo's, recounted with the rest
    for (let i = 0; i < months.length; i += 10_000)
      emulator.engine.insert(MEMBER_MONTHS, months.slice(i, i + 10_000) as unknown as Array<Record<string, unknown>>);

    const admin = new WebClient(emulator);
    const login = await admin.login(demoPhone(4), DEMO_PASSWORD);
    if (!login.body.ok) throw new Error(`login failed: ${login.body.error.message}`);
    const county_ = new WebClient(emulator);
    if (!(await county_.login(demoPhone(2), DEMO_PASSWORD)).body.ok) throw new Error('county login failed');

    const ok = async (c: WebClient, fn: string, action: string, payload: unknown) => {
      const r = await c.post(fn, { action, payload });
      if (!r.body.ok) throw new Error(`${fn}.${action}: ${r.body.error.message}`);
      return r.body.data;
    };
    const realTotal = Math.ceil(MEMBERS * 0.8);
    const deepPage = Math.max(1, Math.floor(realTotal / 20 / 2));
    // The cursor the console holds on reaching that page: after the last real-name row of the page before.
    const before = emulator.engine.find(
      'members',
      { unionId: union, status: 'active', realName: true },
      { sort: { joinedAt: -1 }, skip: (deepPage - 1) * 20 - 1, limit: 1 },
    )[0] as unknown as MemberDoc;
    const deepCursor = encodeCursor(before.joinedAt, before._id);
    // The same rows either way, or the cursor row would time a wrong (empty) page.
    const byNumber = (await ok(admin, 'member', 'list', {
      unionId: union,
      realName: true,
      page: deepPage,
      pageSize: 20,
    })) as { items: Array<{ id: string }> };
    const byCursor = (await ok(admin, 'member', 'list', {
      unionId: union,
      realName: true,
      cursor: deepCursor,
      pageSize: 20,
    })) as { items: Array<{ id: string }> };
    if (
      byCursor.items.length !== 20 ||
      byCursor.items.map((i) => i.id).join() !== byNumber.items.map((i) => i.id).join()
    )
      throw new Error('the deep cursor does not land on the deep page');
    // What a clerk types: a surname (the commonest, ~10% of the union), a full name, part of a given
    // name, the tail of a masked phone, a full phone, a full ID number.
    const searches = async (name: string) => {
      const found = async (what: string, keyword: string) => {
        const page = (await ok(admin, 'member', 'list', { unionId: union, realName: true, keyword, pageSize: 20 })) as {
          items: Array<{ id: string }>;
          total: number;
        };
        if (!page.items.length) throw new Error(`search by ${what} (${keyword}) found nothing`);
        return row(
          `member.list search: ${what} (${page.total}${page.total >= 10_000 ? '+' : ''} found)`,
          await sample(() => ok(admin, 'member', 'list', { unionId: union, realName: true, keyword, pageSize: 20 })),
        );
      };
      const chars = [...name];
      return [
        await found('the commonest surname', SURNAMES[0]),
        await found('full name', name),
        await found('part of the given name', chars.slice(1).join('')),
        await found('phone tail', demoPhone(90).slice(-4)),
        await found('full phone', demoPhone(90)),
        await found('full ID number', demoResidentId(90)),
      ];
    };
    const rows = [
      row('floor: system.ping through the door', await sample(() => ok(admin, 'system', 'ping', {}))),
      row(
        'member.list 已实名, first page',
        await sample(() => ok(admin, 'member', 'list', { unionId: union, realName: true, page: 1, pageSize: 20 })),
      ),
      row(
        `member.list 已实名, page ${deepPage}`,
        await sample(() =>
          ok(admin, 'member', 'list', { unionId: union, realName: true, page: deepPage, pageSize: 20 }),
        ),
      ),
      ...(await searches(targetName)),
      row(
        `member.list 已实名, page ${deepPage} by cursor (as the console pages)`,
        await sample(() =>
          ok(admin, 'member', 'list', { unionId: union, realName: true, cursor: deepCursor, pageSize: 20 }),
        ),
      ),
      row(
        '工作台 (3 calls as the page makes them, grassroots)',
        await sample(() =>
          Promise.all([
            ok(admin, 'org', 'stats', { unionId: union }),
            ok(admin, 'review', 'listInbox', { pageSize: 1 }),
            ok(admin, 'member', 'trend', { unionId: union }),
          ]),
        ),
      ),
      row(
        'member.trend, grassroots (12 monthly counters)',
        await sample(() => ok(admin, 'member', 'trend', { unionId: union })),
      ),
      row(
        `工作台 (3 calls as the page makes them, county over ${tree.length} unions)`,
        await sample(() =>
          Promise.all([
            ok(county_, 'org', 'stats', { unionId: demoUnionId('county') }),
            ok(county_, 'review', 'listInbox', { pageSize: 1 }),
            ok(county_, 'member', 'trend', { unionId: demoUnionId('county') }),
          ]),
        ),
      ),
      row(
        `member.trend, county over ${tree.length} unions (subtree counters)`,
        await sample(() => ok(county_, 'member', 'trend', { unionId: demoUnionId('county') })),
      ),
      row(
        `工作台 roll-up (org.stats), county over ${tree.length} unions`,
        await sample(() => ok(county_, 'org', 'stats', { unionId: demoUnionId('county') })),
      ),
      row(
        `组织目录, county over ${tree.length} unions`,
        await sample(() =>
          ok(county_, 'org', 'directory', {
            unionId: demoUnionId('county'),
            category: 'grassroots',
            page: 1,
            pageSize: 20,
          }),
        ),
      ),
      // Last: a synchronous engine call blocks the loop, and the server would drop the idle keep-alive sockets.
      row(
        'floor: engine find, first page (no HTTP)',
        await sample(async () =>
          emulator.engine.find(
            'members',
            { unionId: union, status: 'active', realName: true },
            { sort: { joinedAt: -1 }, limit: 20 },
          ),
        ),
      ),
    ];
    printTable(
      `back office on ${MEMBERS} members in one union and ${tree.length} unions under a county (goal: p95 < 300 ms)`,
      rows,
    );
    console.log(`peak RSS ${peakRssMb()} MB`);
  } finally {
    await emulator.close();
  }
}

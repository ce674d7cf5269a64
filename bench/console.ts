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
    // One sealed identity reused: sealing 100k values would time the crypto, not the console.
    const doc = sealDocument(demoResidentId(90));
    const phone = sealPhone(demoPhone(90));
    const now = new Date();
    for (let i = 0; i < MEMBERS; i += 10_000) {
      const batch: MemberDoc[] = Array.from({ length: Math.min(10_000, MEMBERS - i) }, (_, k) => ({
        _id: `bm${i + k}`,
        userId: null,
        unionId: union,
        realName: (i + k) % 5 !== 0,
        status: 'active',
        name: `会员${String(i + k).padStart(6, '0')}`,
        docType: 'resident',
        doc,
        docIndex: `bench-${i + k}`,
        phone,
        phoneIndex: null,
        source: 'import',
        unitName: '广州示例科技有限公司',
        joinedAt: new Date(now.getTime() - (i + k) * 1000),
        updatedAt: now,
        version: 1,
      }));
      emulator.engine.insert('members', batch as unknown as Array<Record<string, unknown>>);
    }
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
      row(
        'member.list search by name',
        await sample(() =>
          ok(admin, 'member', 'list', { unionId: union, realName: true, keyword: '会员0421', page: 1, pageSize: 20 }),
        ),
      ),
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

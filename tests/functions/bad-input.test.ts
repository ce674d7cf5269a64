import assert from 'node:assert/strict';
import { CASES, matrixWorld, OPENIDS, wireAction, type MatrixWorld } from '../helpers/catalogue';
import { snapshot } from '../helpers/snapshot';

/**
 * A corpus of bad input sent to every action, as a caller who is allowed to use it. Every case must
 * be answered with a specific error and leave the database exactly as it was.
 */
type Mutation = {
  label: string;
  apply(payload: Record<string, unknown>): unknown;
  expect?: RegExp;
  code?: string;
  field?: string;
};

/** Every string leaf of a payload, by path. */
function stringPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value === 'string') return [prefix];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...prefix, String(i)]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...prefix, k]));
  return [];
}

function setPath(obj: unknown, path: string[], v: unknown): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let cur = copy as Record<string, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[path[path.length - 1]] = v;
  return copy;
}

function mutations(payload: Record<string, unknown>): Mutation[] {
  const out: Mutation[] = [
    { label: 'payload of the wrong type', apply: () => 'not an object', expect: /格式不正确/ },
    { label: 'an extra field', apply: (p) => ({ ...p, isAdmin: true }), expect: /不支持的字段：isAdmin/ },
    {
      label: 'a __proto__ key',
      // JSON.parse makes __proto__ an own key, as a request body arrives.
      apply: (p) => {
        const rest = JSON.stringify(p);
        return JSON.parse(`{"__proto__":{"admin":true}${rest === '{}' ? '}' : `,${rest.slice(1)}`}`);
      },
      expect: /不允许的字段：__proto__/,
    },
    {
      label: 'a constructor key',
      apply: (p) => ({ ...p, constructor: { prototype: { admin: true } } }),
      expect: /不允许的字段：constructor/,
    },
    {
      label: 'a payload over 100 KB',
      apply: (p) => ({ ...p, padding: 'x'.repeat(110 * 1024) }),
      expect: /提交的内容过大/,
      code: 'PAYLOAD_TOO_LARGE',
    },
  ];
  if (Object.keys(payload).length)
    out.push({ label: 'missing fields', apply: () => ({}), expect: /请填写|请选择|格式不正确|应为/ });
  for (const path of stringPaths(payload)) {
    const at = path.join('.');
    // A field's own message names it; the answer must also say which field it is.
    const field = path.filter((k) => !/^\d+$/.test(k)).slice(-1)[0];
    out.push(
      { label: `${at}: a number instead of text`, apply: (p) => setPath(p, path, 12345), field },
      { label: `${at}: an operator object`, apply: (p) => setPath(p, path, { $ne: null }), field },
      { label: `${at}: a lone surrogate`, apply: (p) => setPath(p, path, 'ab\ud800cd'), field },
      { label: `${at}: a control character`, apply: (p) => setPath(p, path, 'ab\u0007cd'), field },
      { label: `${at}: 5000 characters`, apply: (p) => setPath(p, path, '张'.repeat(5000)), field },
    );
    if (/name$/i.test(at))
      out.push({
        label: `${at}: an injection-looking name`,
        apply: (p) => setPath(p, path, "张三'; DROP TABLE users; --"),
        expect: /只能包含/,
        field,
      });
  }
  return out;
}

describe('bad input to every action is refused with a specific message and changes nothing', function () {
  this.timeout(600_000);
  let mx: MatrixWorld;
  before(async () => {
    mx = await matrixWorld();
  });
  after(() => mx.world.close());

  for (const c of CASES) {
    it(`${c.fn}.${c.action}`, async () => {
      await mx.setOperators(undefined);
      const role = c.allow.includes('admin') ? 'admin' : (c.allow[0] ?? 'admin');
      const caller = mx.world.as(OPENIDS[role]);
      const valid = c.payload(mx.fx);
      const problems: string[] = [];
      // review.submit checks `kind` and the shape of `data`; the kind's own schema checks inside it.
      const target =
        c.fn === 'review' && c.action.startsWith('submit:') ? (valid.data as Record<string, unknown>) : valid;
      for (const m of mutations(target)) {
        const mutated = target === valid ? m.apply(valid) : { kind: valid.kind, data: m.apply(target) };
        const before = snapshot(mx.world.emulator);
        const res = await caller.raw(c.fn, { action: wireAction(c), payload: mutated });
        if (res.ok) problems.push(`${m.label}: accepted`);
        else {
          if (res.error.code !== (m.code ?? 'INVALID_INPUT'))
            problems.push(`${m.label}: ${res.error.code} ${res.error.message}`);
          if (m.expect && !m.expect.test(res.error.message))
            problems.push(`${m.label}: unclear message “${res.error.message}”`);
          if (res.error.message === '提交的信息有误，请检查后重试')
            problems.push(`${m.label}: only the generic message`);
          if (m.field && !(res.error.field ?? '').split(/[.[\]]/).includes(m.field))
            problems.push(`${m.label}: the answer names field “${res.error.field ?? ''}”, not “${m.field}”`);
        }
        if (snapshot(mx.world.emulator) !== before) problems.push(`${m.label}: the database changed`);
      }
      assert.deepEqual(problems, []);
    });
  }

  it('ids of other unions’ objects are refused and change nothing', async () => {
    const admin = mx.world.as(OPENIDS.admin);
    const before = snapshot(mx.world.emulator);
    assert.equal((await admin.fails('review', 'approve', { id: mx.fx.otherUnionsApp })).code, 'PERMISSION_DENIED');
    assert.equal((await admin.fails('review', 'detail', { id: mx.fx.otherUnionsApp })).code, 'PERMISSION_DENIED');
    assert.equal(
      (await admin.fails('review', 'batchApprove', { ids: [mx.fx.pendingApp2, mx.fx.otherUnionsApp] })).code,
      'PERMISSION_DENIED',
    );
    const removal = await admin.ok('member', 'remove', {
      unionId: mx.fx.T,
      memberIds: [mx.fx.otherUnionsMember],
      reason: '越权测试',
    });
    assert.deepEqual(
      removal.results.map((r) => [r.ok, r.message]),
      [[false, '该会员不在本工会']],
    );
    assert.equal(
      (await admin.fails('org', 'detail', { unionId: mx.world.union('grassroots') })).code,
      'PERMISSION_DENIED',
    );
    assert.equal(snapshot(mx.world.emulator), before);
  });
});

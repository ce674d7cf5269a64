/**
 * The member-search backfill behind `npm run check -- --repair`: rows written before search tokens
 * existed (or by a writer that missed them) get the tokens of their name and masks. Safe next to live
 * traffic: each update is guarded on the fields the tokens come from, so a row renamed, re-phoned or
 * anonymised since it was read is left to the writer that changed it (every writer sets the tokens).
 * Idempotent: a second run finds nothing to do.
 */
import type tcb from '@cloudbase/node-sdk';
import type { MemberDoc } from '../cloudfunctions/shared/documents';
import { memberSearchTokens, searchTokensStale } from '../cloudfunctions/shared/membership/search-tokens';

const PAGE = 500;
/** Updates in flight at once: enough to hide the round trip, few enough to leave the service to its users. */
const IN_FLIGHT = 8;

export async function repairSearchTokens(
  app: ReturnType<typeof tcb.init>,
): Promise<{ stale: number; updated: number }> {
  const db = app.database();
  let stale = 0;
  let updated = 0;
  let last = '';
  for (;;) {
    const page = (
      await db
        .collection('members')
        .where({ _id: db.command.gt(last) })
        .orderBy('_id', 'asc')
        .limit(PAGE)
        .get()
    ).data as MemberDoc[];
    const todo = page.filter((m) => searchTokensStale(m));
    stale += todo.length;
    for (let i = 0; i < todo.length; i += IN_FLIGHT) {
      const done = await Promise.all(
        todo.slice(i, i + IN_FLIGHT).map((m) =>
          db
            .collection('members')
            .where({ _id: m._id, name: m.name, docIndex: m.docIndex, phoneIndex: m.phoneIndex })
            .update({ searchTokens: memberSearchTokens(m) }),
        ),
      );
      updated += done.filter((r) => Number((r as { updated?: number }).updated) === 1).length;
    }
    if (page.length < PAGE) return { stale, updated };
    last = page[page.length - 1]._id;
  }
}

import type { AuditRow } from '../../typings/admin';
import type { HandlerContext } from './handler';
import { db, newId, type Tx } from './db';

/** Append-only record of who did what to which target, when, with what result and request id. */
export type AuditEntry = Omit<AuditRow, 'at'> & { at: Date };

export type AuditInput = Omit<AuditEntry, '_id' | 'at' | 'requestId' | 'result'> & { result?: AuditEntry['result'] };

function entry(input: AuditInput, ctx: Pick<HandlerContext, 'requestId'>): AuditEntry {
  return { _id: newId(), at: new Date(), requestId: ctx.requestId ?? null, result: 'ok', ...input };
}

/** Inside a transaction, so the log and the change land together or not at all. */
export async function auditInTx(tx: Tx, input: AuditInput, ctx: Pick<HandlerContext, 'requestId'>): Promise<void> {
  await tx.collection('auditLogs').add(entry(input, ctx));
}

export async function audit(input: AuditInput, ctx: Pick<HandlerContext, 'requestId'>): Promise<void> {
  await db().collection('auditLogs').add(entry(input, ctx));
}

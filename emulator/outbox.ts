import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { EmulatorError } from './errors';

export const OUTBOX_KINDS = ['sms', 'subscribe', 'face'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export interface OutboxEntry {
  id: string;
  kind: OutboxKind;
  at: string;
  /** What the local provider was asked to send or verify. */
  payload: Record<string, unknown>;
  /** Mutable status, e.g. a face verification's result once the developer decides it. */
  state: Record<string, unknown>;
}

export function isOutboxKind(kind: string): kind is OutboxKind {
  return (OUTBOX_KINDS as readonly string[]).includes(kind);
}

/**
 * Where the local adapters of outside services (SMS, subscribe messages, face verification) record
 * what they would have sent, so a developer can read an SMS code or pass a face check by hand.
 * Kept in the emulator's SQLite file, so it survives a restart like the data it belongs to.
 */
export class Outbox {
  constructor(private readonly db: Database.Database) {
    db.exec(
      'CREATE TABLE IF NOT EXISTS _outbox (id TEXT PRIMARY KEY, kind TEXT NOT NULL, at TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL)',
    );
    db.exec('CREATE INDEX IF NOT EXISTS _outbox_kind ON _outbox (kind, at)');
  }

  record(kind: OutboxKind, payload: Record<string, unknown>, state: Record<string, unknown> = {}): OutboxEntry {
    const entry: OutboxEntry = {
      id: randomBytes(12).toString('hex'),
      kind,
      at: new Date().toISOString(),
      payload,
      state,
    };
    this.db
      .prepare('INSERT INTO _outbox (id, kind, at, payload, state) VALUES (?, ?, ?, ?, ?)')
      .run(entry.id, kind, entry.at, JSON.stringify(payload), JSON.stringify(state));
    return entry;
  }

  list(kind?: OutboxKind, limit = 100): OutboxEntry[] {
    const rows = kind
      ? this.db.prepare('SELECT * FROM _outbox WHERE kind = ? ORDER BY at DESC, rowid DESC LIMIT ?').all(kind, limit)
      : this.db.prepare('SELECT * FROM _outbox ORDER BY at DESC, rowid DESC LIMIT ?').all(limit);
    return (rows as Array<Record<string, string>>).map(toEntry);
  }

  get(id: string): OutboxEntry | undefined {
    const row = this.db.prepare('SELECT * FROM _outbox WHERE id = ?').get(id) as Record<string, string> | undefined;
    return row ? toEntry(row) : undefined;
  }

  /** Merges into an entry's state and returns the updated entry. */
  update(id: string, state: Record<string, unknown>): OutboxEntry {
    const entry = this.get(id);
    if (!entry) throw new EmulatorError('OUTBOX_ENTRY_NOT_FOUND', `没有这条发件记录: ${id}`, 404);
    entry.state = { ...entry.state, ...state };
    this.db.prepare('UPDATE _outbox SET state = ? WHERE id = ?').run(JSON.stringify(entry.state), id);
    return entry;
  }
}

function toEntry(row: Record<string, string>): OutboxEntry {
  return {
    id: row.id,
    kind: row.kind as OutboxKind,
    at: row.at,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    state: JSON.parse(row.state) as Record<string, unknown>,
  };
}

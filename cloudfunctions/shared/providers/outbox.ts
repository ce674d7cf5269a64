import { emulatorUrl } from '../config';
import { getJson, postJson } from './http';

/**
 * The local adapters' side of the emulator outbox: what would have gone to a real SMS gateway,
 * WeChat or a face provider is recorded where a developer (or a test) can read and answer it.
 */
export interface OutboxEntry {
  id: string;
  kind: 'sms' | 'subscribe' | 'face';
  at: string;
  payload: Record<string, unknown>;
  state: Record<string, unknown>;
}

export function recordOutbox(
  kind: OutboxEntry['kind'],
  payload: Record<string, unknown>,
  state: Record<string, unknown> = {},
): Promise<OutboxEntry> {
  return postJson<OutboxEntry>(`${emulatorUrl()}/_/outbox/${kind}`, { payload, state });
}

export function readOutbox(id: string): Promise<OutboxEntry> {
  return getJson<OutboxEntry>(`${emulatorUrl()}/_/outbox/entry/${encodeURIComponent(id)}`);
}

import type { ActionSpec } from './api';

export interface PingResult {
  serverTime: string;
  /** Oldest mini-program version the server still serves. */
  minClientVersion: string;
  /** Whether the caller arrived with a WeChat identity. */
  hasIdentity: boolean;
}

export interface SystemActions {
  ping: ActionSpec<Record<string, never>, PingResult>;
}

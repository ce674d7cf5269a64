import type { ActionSpec } from './api';

export interface PingResult {
  serverTime: string;
  /** Oldest mini-program version the server still serves. */
  minClientVersion: string;
  /** Whether the caller arrived with a WeChat identity. */
  hasIdentity: boolean;
}

/** What `npm run smoke` reads from a deployed environment: whether it was bootstrapped. Server-side callers only. */
export interface StatusResult {
  topLevelUnions: Array<{ name: string; adminCount: number }>;
  provinceOfficeRoles: number;
  /** Roles entered by bootstrap or a superior whose person has not registered yet. */
  waitingRoles: number;
}

export interface SystemActions {
  ping: ActionSpec<Record<string, never>, PingResult>;
  status: ActionSpec<Record<string, never>, StatusResult>;
}

/** What one run of the timer-triggered cleanup function deleted (counts only, never names). */
export interface CleanupReport {
  /** Uploaded member spreadsheets of ended or abandoned import jobs. */
  uploads: number;
  /** Import error reports past their download window. */
  reports: number;
  /** Tracked files (exports, dry-run reports, uploads never submitted) past their deadline. */
  files: number;
  faceSessions: number;
  smsCodes: number;
  rateCounters: number;
  /** Expired back-office QR login codes. */
  webLogins: number;
  /** 校验's stored counts of files (importer), after the upload window. */
  importChecks: number;
}

import type { ActionSpec } from './api';

export interface RowProblemView {
  /** The row number Excel shows. */
  row: number;
  column: string;
  message: string;
}

export interface ValidationReport {
  /** The sheet that was read (the first with a header row). */
  sheetName: string;
  /** What the admin should know about the file: columns left out, other sheets with a header. */
  notices: string[];
  total: number;
  valid: number;
  willAutoJoin: number;
  problemCount: number;
  problems: RowProblemView[];
  /** The rejected rows with an error column, as an xlsx; empty when there are none. */
  reportUrl: string;
}

export interface ImportJobView {
  jobId: string;
  status: 'running' | 'done';
  total: number;
  rowsDone: number;
  percent: number;
  imported: number;
  autoJoined: number;
  skipped: number;
  rejected: number;
  rejectedRows: RowProblemView[];
  reportUrl: string;
  sheetName: string;
  notices: string[];
  createdAt: string;
  finishedAt: string | null;
}

/** Where the back office PUTs a picked file (the request the SDK's uploadFile makes). */
export interface UploadTicket {
  url: string;
  fileId: string;
  headers: Record<string, string>;
}

export interface ImporterActions {
  template: ActionSpec<Record<string, never>, { url: string; fileId: string }>;
  validate: ActionSpec<{ unionId: string; fileId: string }, ValidationReport>;
  submit: ActionSpec<{ unionId: string; fileId: string }, ImportJobView>;
  run: ActionSpec<{ jobId: string }, ImportJobView>;
  jobs: ActionSpec<{ unionId: string }, { jobs: ImportJobView[] }>;
  /** The back office's upload: a signed PUT for one import file of this union. */
  uploadTicket: ActionSpec<{ unionId: string; fileName: string }, UploadTicket>;
}

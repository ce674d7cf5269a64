import type { DatabaseEngine } from './database/engine';
import type { FaultInjector } from './faults';
import type { FunctionRuntime } from './functions';
import type { Outbox } from './outbox';
import type { LocalStorage } from './storage';
import type { DocumentStore } from './store/document-store';

/** The running parts every route table is built over. */
export interface EmulatorContext {
  envId: string;
  store: DocumentStore;
  engine: DatabaseEngine;
  storage: LocalStorage;
  outbox: Outbox;
  functions: FunctionRuntime;
  /** Database/storage/function actions served, by action name. */
  actionCounts: Map<string, number>;
  faults: FaultInjector;
}

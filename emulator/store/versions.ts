import type { Doc } from './ejson';

/** One committed write: the document's state just before it (undefined: it did not exist). */
interface Version {
  collection: string;
  id: string;
  seq: number;
  before: Doc | undefined;
}

/**
 * Multi-version bookkeeping for snapshot reads, as MongoDB keeps history for open snapshots.
 * While any snapshot is pinned, every committed write records the version it replaced; a reader at
 * snapshot S sees, for a document written after S, the `before` of its first write after S.
 * History older than the oldest pinned snapshot is dropped.
 */
export class VersionLog {
  /** Every retained version in write order, so pruning pops from the front. */
  private readonly log: Version[] = [];
  /** collection → id → that document's retained versions in write order. */
  private readonly byDoc = new Map<string, Map<string, Version[]>>();
  /** Pinned snapshot sequence → how many readers hold it. */
  private readonly pins = new Map<number, number>();

  get active(): boolean {
    return this.pins.size > 0;
  }

  get retained(): number {
    return this.log.length;
  }

  pin(seq: number): void {
    this.pins.set(seq, (this.pins.get(seq) ?? 0) + 1);
  }

  release(seq: number): void {
    const n = this.pins.get(seq) ?? 0;
    if (n <= 1) this.pins.delete(seq);
    else this.pins.set(seq, n - 1);
    this.prune();
  }

  record(collection: string, id: string, seq: number, before: Doc | undefined): void {
    const version = { collection, id, seq, before };
    this.log.push(version);
    let docs = this.byDoc.get(collection);
    if (!docs) this.byDoc.set(collection, (docs = new Map()));
    const list = docs.get(id);
    if (list) list.push(version);
    else docs.set(id, [version]);
  }

  /** Forgets versions recorded after `length` entries: their SQLite transaction rolled back. */
  truncate(length: number): void {
    while (this.log.length > length) {
      const v = this.log.pop() as Version;
      const docs = this.byDoc.get(v.collection);
      const list = docs?.get(v.id);
      list?.pop();
      if (list && list.length === 0) docs?.delete(v.id);
    }
  }

  /** Sequence of the document's last committed write, if it is newer than the oldest pinned snapshot. */
  lastWrite(collection: string, id: string): number {
    const list = this.byDoc.get(collection)?.get(id);
    return list ? list[list.length - 1].seq : 0;
  }

  /** The document as of snapshot `seq`: 'current' when it has not been written since. */
  at(collection: string, id: string, seq: number): Doc | undefined | 'current' {
    const list = this.byDoc.get(collection)?.get(id);
    const first = list?.find((v) => v.seq > seq);
    return first ? first.before : 'current';
  }

  /** Every document of the collection written after snapshot `seq`, with its state at that snapshot. */
  changedSince(collection: string, seq: number): Map<string, Doc | undefined> {
    const out = new Map<string, Doc | undefined>();
    const docs = this.byDoc.get(collection);
    if (!docs) return out;
    for (const [id, list] of docs) {
      const first = list.find((v) => v.seq > seq);
      if (first) out.set(id, first.before);
    }
    return out;
  }

  private prune(): void {
    if (this.pins.size === 0) {
      this.log.length = 0;
      this.byDoc.clear();
      return;
    }
    const oldest = Math.min(...this.pins.keys());
    let drop = 0;
    while (drop < this.log.length && this.log[drop].seq <= oldest) {
      const v = this.log[drop];
      const docs = this.byDoc.get(v.collection);
      const list = docs?.get(v.id);
      list?.shift();
      if (list && list.length === 0) docs?.delete(v.id);
      drop += 1;
    }
    if (drop > 0) this.log.splice(0, drop);
  }
}

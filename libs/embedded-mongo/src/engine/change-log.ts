import type { Long, Timestamp } from 'bson';
import type { Doc } from '../bson/values';
import type { Catalog, Op } from './catalog';
import { Collection } from './collection';
import { MongoServerError } from './errors';
import type { Rec } from './index-store';
import type { TxnWrite } from './transactions';

/** What a transaction's ops carry into their change events. */
export interface TxnTag {
  lsid: Doc;
  txnNumber: Long;
}

/**
 * One applied op with its cluster time: the server's oplog. `coll` is the collection object the op touched
 * (put/del), dropped (drop) or moved (rename); `prev` the document version it replaced or removed.
 */
export interface ChangeEntry {
  ts: Timestamp;
  /** Position within a transaction's ops (they share one cluster time); 0 otherwise. */
  idx: number;
  /** Wall-clock time, epoch ms. */
  wall: number;
  op: Op | { t: 'dropDatabase'; db: string };
  coll?: Collection;
  /** A rename's overwritten target (dropTarget). */
  replaced?: Collection;
  /** dropIndex: the dropped index's spec; collMod: the options (and index options) before the change. */
  before?: Doc;
  prev?: Rec;
  /** The collection had `changeStreamPreAndPostImages` enabled when the op ran. */
  images: boolean;
  txn?: TxnTag;
}

/** A position in the log: events after it are (ts, idx) greater. */
export interface LogKey {
  t: number;
  i: number;
  idx: number;
}

export const keyOf = (e: ChangeEntry): LogKey => ({ t: e.ts.high, i: e.ts.low, idx: e.idx });

export const compareKeys = (a: LogKey, b: LogKey): number => a.t - b.t || a.i - b.i || a.idx - b.idx;

export const DEFAULT_CHANGE_HISTORY = 10_000;
/** What is kept while nobody uses the history (no open stream, no snapshot read in the last minute). */
export const IDLE_CHANGE_HISTORY = 1_000;
const IN_USE_MS = 60_000;

const imagesOn = (c: Collection | undefined): boolean =>
  (c?.options.changeStreamPreAndPostImages as Doc | undefined)?.enabled === true;

/**
 * A bounded in-memory log of every applied change (put, delete, DDL), in order, with its cluster time. It
 * feeds change streams and serves snapshot reads at an earlier cluster time by undoing the newer entries.
 * Recording is a single object push; the oldest entries fall off once `capacity` is exceeded, or, while no
 * stream is open and no snapshot read ran for a minute, past IDLE_CHANGE_HISTORY (what is kept costs memory and
 * garbage-collector time on every write of the process).
 */
export class ChangeLog {
  private entries: ChangeEntry[] = [];
  /** Index in `entries` of the oldest retained entry. */
  private head = 0;
  /** Absolute position of `entries[0]`. */
  private base = 0;
  /** Everything at or before this key is gone (initially: the server's start). */
  floor: LogKey;
  /** Set while a transaction commits: its ops share one cluster time. */
  private txn: { tag: TxnTag; ts: Timestamp; next: number; writes: readonly TxnWrite[] } | null = null;
  private readonly waiters = new Set<() => void>();
  private wakeScheduled = false;

  constructor(
    private readonly tick: () => Timestamp,
    readonly capacity: number = DEFAULT_CHANGE_HISTORY,
  ) {
    const t = tick();
    this.floor = { t: t.high, i: t.low, idx: Number.MAX_SAFE_INTEGER };
  }

  /** Absolute position after the newest entry. */
  get end(): number {
    return this.base + this.entries.length;
  }

  /** Open change-stream cursors: while there are any, the full `capacity` is kept. */
  streamsOpen = 0;
  private inUseUntil = 0;

  /** A snapshot read or stream activity: keep the full history for the next minute. */
  keepFull(): void {
    this.inUseUntil = Date.now() + IN_USE_MS;
  }

  /** With a journal, change streams only see changes once they are durable (mongod: majority-committed). */
  trackDurability = false;
  private durableEnd = 0;

  /** Position after the newest change a change stream may report. */
  get visibleEnd(): number {
    return this.trackDurability ? Math.min(this.durableEnd, this.end) : this.end;
  }

  /** The journal has fsynced everything recorded before position `pos`. */
  markDurable(pos: number): void {
    if (pos <= this.durableEnd) return;
    this.durableEnd = pos;
    this.scheduleWake();
  }

  /** Forgets the entries from `pos` on (their op failed to apply). */
  truncate(pos: number): void {
    if (pos >= this.start && pos < this.end) this.entries.length = pos - this.base;
  }

  get start(): number {
    return this.base + this.head;
  }

  at(pos: number): ChangeEntry | undefined {
    return pos < this.start ? undefined : this.entries[pos - this.base];
  }

  /** The newest entry's cluster time (the time a write's reply reports), or null with none retained. */
  get lastTs(): Timestamp | null {
    return this.entries.length > this.head ? (this.entries[this.entries.length - 1] as ChangeEntry).ts : null;
  }

  /**
   * A transaction commits: its collection and index creations are recorded as they are applied, its document
   * writes (`endTxn`) one entry per statement, as mongod's oplog reports them, rather than the overlay's net ops.
   */
  beginTxn(tag: TxnTag, writes: readonly TxnWrite[]): void {
    this.txn = { tag, ts: this.tick(), next: 0, writes };
  }

  endTxn(catalog: Catalog): void {
    const txn = this.txn;
    if (!txn) return;
    for (const w of txn.writes) {
      const coll = catalog.collections.get(w.ns);
      const op: Op = w.rec
        ? { t: 'put', ns: w.ns, rec: w.rec, ...(w.update ? { update: w.update } : {}) }
        : { t: 'del', ns: w.ns, id: (w.prev as Rec).id, idValue: (w.prev as Rec).doc._id };
      this.push({ op, coll, prev: w.prev, images: imagesOn(coll) });
    }
    this.txn = null;
  }

  /** A commit that failed half way: what was applied is recorded as plain ops from now on. */
  abandonTxn(): void {
    this.txn = null;
  }

  /** Called after `op` was applied: a created collection's entry learns its collection (for its UUID). */
  applied(op: Op, catalog: Catalog): void {
    if (op.t !== 'create' && op.t !== 'createIndex') return;
    const last = this.entries[this.entries.length - 1];
    if (last?.op === op) last.coll = catalog.collections.get(op.ns);
  }

  /** Called before `op` is applied to the catalog. */
  record(op: Op, catalog: Catalog): void {
    switch (op.t) {
      case 'put':
      case 'del': {
        if (this.txn) return; // recorded per statement at endTxn
        const coll = catalog.collections.get(op.ns);
        const prev = coll?.records.get(op.t === 'put' ? op.rec.id : op.id);
        if (op.t === 'del' && !prev) return;
        this.push({ op, coll, prev, images: imagesOn(coll) });
        return;
      }
      case 'drop': {
        const coll = catalog.collections.get(op.ns);
        if (coll) this.push({ op, coll, images: false });
        return;
      }
      case 'rename': {
        const coll = catalog.collections.get(op.from);
        if (coll) this.push({ op, coll, replaced: catalog.collections.get(op.to), images: false });
        return;
      }
      case 'dropDb': {
        const colls = catalog.inDb(op.db);
        if (colls.length === 0) return;
        for (const coll of colls) this.push({ op: { t: 'drop', ns: coll.ns }, coll, images: false });
        this.push({ op: { t: 'dropDatabase', db: op.db }, images: false });
        return;
      }
      case 'create':
        if (!catalog.collections.has(op.ns)) this.push({ op, images: false });
        return;
      case 'createIndex': {
        const coll = catalog.collections.get(op.ns);
        if (!coll?.indexes.has(op.spec.name)) this.push({ op, images: false });
        return;
      }
      case 'dropIndex': {
        const coll = catalog.collections.get(op.ns);
        const spec = coll?.indexes.get(op.name)?.spec;
        if (spec) this.push({ op, coll, before: { ...spec }, images: false });
        return;
      }
      case 'collMod': {
        const coll = catalog.collections.get(op.ns);
        if (!coll) return;
        const spec = op.index ? coll.indexes.get(op.index.name)?.spec : undefined;
        const before: Doc = { collectionOptions: { ...coll.options } };
        if (spec && op.index)
          before.indexOptions = Object.fromEntries(
            Object.keys(op.index.set).map((k) => [k, spec[k as keyof typeof spec]]),
          );
        this.push({ op, coll, before, images: false });
        return;
      }
    }
  }

  private push(e: Omit<ChangeEntry, 'ts' | 'idx' | 'wall'>): void {
    const entry = e as ChangeEntry;
    if (this.txn) {
      entry.ts = this.txn.ts;
      entry.idx = this.txn.next++;
      entry.txn = this.txn.tag;
    } else {
      entry.ts = this.tick();
      entry.idx = 0;
    }
    const now = Date.now();
    entry.wall = now;
    this.entries.push(entry);
    const cap =
      this.streamsOpen > 0 || now < this.inUseUntil
        ? this.capacity
        : Math.min(this.capacity, IDLE_CHANGE_HISTORY);
    if (this.entries.length - this.head > cap) {
      while (this.entries.length - this.head > cap) this.head++;
      this.floor = keyOf(this.entries[this.head - 1] as ChangeEntry);
      if (this.head >= 1024 && this.head * 2 >= this.entries.length) {
        this.entries = this.entries.slice(this.head);
        this.base += this.head;
        this.head = 0;
      }
    }
    if (!this.trackDurability) this.scheduleWake();
  }

  private scheduleWake(): void {
    if (this.waiters.size > 0 && !this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(() => this.wake());
    }
  }

  private wake(): void {
    this.wakeScheduled = false;
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  /** Resolves once a new entry is recorded, after `ms`, or when `signal` aborts (false). */
  waitForMore(ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (more: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(onEntry);
        signal?.removeEventListener('abort', onAbort);
        resolve(more);
      };
      const onEntry = (): void => done(true);
      const onAbort = (): void => done(false);
      const timer = setTimeout(() => done(false), ms);
      this.waiters.add(onEntry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wakes every waiting change stream (server stop). */
  close(): void {
    this.wake();
  }

  /** First position whose key is greater than `key` (binary search; entries are in key order). */
  positionAfter(key: LogKey): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(keyOf(this.at(mid) as ChangeEntry), key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether everything after `key` is still retained. */
  retainsAfter(key: LogKey): boolean {
    return compareKeys(key, this.floor) >= 0;
  }

  /**
   * The collection at `ns` as of cluster time `at` (entries after it undone), or undefined if it did not exist.
   * Entries are walked newest first: DDL decides which collection object `ns` named then, and that object's
   * later document writes are replaced by the versions they overwrote.
   */
  collectionAt(ns: string, at: Timestamp, catalog: Catalog): Collection | undefined {
    const key: LogKey = { t: at.high, i: at.low, idx: Number.MAX_SAFE_INTEGER };
    if (!this.retainsAfter(key))
      throw new MongoServerError(
        239,
        `Read timestamp Timestamp(${at.high}, ${at.low}) is older than the oldest available timestamp.`,
      );
    const from = this.positionAfter(key);
    let obj = catalog.collections.get(ns);
    for (let p = this.end - 1; p >= from; p--) {
      const e = this.at(p) as ChangeEntry;
      const op = e.op;
      if (op.t === 'create' && op.ns === ns) obj = undefined;
      else if (op.t === 'drop' && op.ns === ns) obj = e.coll;
      else if (op.t === 'rename' && op.to === ns) obj = e.replaced;
      else if (op.t === 'rename' && op.from === ns) obj = e.coll;
    }
    if (!obj) return undefined;
    const older = new Map<string, Rec | null>();
    for (let p = this.end - 1; p >= from; p--) {
      const e = this.at(p) as ChangeEntry;
      if (e.coll === obj && (e.op.t === 'put' || e.op.t === 'del'))
        older.set(e.op.t === 'put' ? e.op.rec.id : e.op.id, e.prev ?? null);
    }
    if (older.size === 0) return obj;
    const view = new Collection(ns, obj.options, obj.uuid);
    view.indexes.clear(); // a scan: the view's records are not indexed
    for (const [id, rec] of obj.records) if (!older.has(id)) view.records.set(id, rec);
    for (const [id, rec] of older) if (rec) view.records.set(id, rec);
    return view;
  }
}

import type { Doc } from '../bson/values';
import type { Catalog, Op } from './catalog';
import type { Collection } from './collection';
import { MongoServerError, writeConflict } from './errors';
import type { Rec } from './index-store';

/** One write statement of a transaction, in order: its change event at commit. */
export interface TxnWrite {
  ns: string;
  /** The new version (null: deleted). */
  rec: Rec | null;
  /** The version it replaced, as the transaction saw it. */
  prev: Rec | undefined;
  update?: Doc | undefined;
}

export interface OverlayEntry {
  rec: Rec | null;
  idValue: unknown;
}

/**
 * A multi-document transaction: its writes live in a private overlay (invisible to everyone else) and hold
 * locks on the documents and unique keys they touch, so a second writer fails fast with WriteConflict.
 */
export class Transaction {
  state: 'open' | 'committed' | 'aborted' = 'open';
  readonly overlay = new Map<string, Map<string, OverlayEntry>>();
  readonly locks = new Set<string>();
  /** Collections created inside this transaction: visible only to it until commit, gone on abort. */
  readonly created = new Map<string, Collection>();
  /** Their create/createIndex ops, applied before the document writes at commit. */
  readonly ddl: Op[] = [];
  /** Every document write in order (the overlay keeps only each document's last version). */
  readonly writes: TxnWrite[] = [];
  lastUsed = Date.now();

  constructor(
    readonly lsid: string,
    readonly txnNumber: bigint,
    /** Catalog version this transaction reads at (snapshot isolation). */
    readonly snapshot: number,
  ) {}

  entries(ns: string): Map<string, OverlayEntry> | undefined {
    return this.overlay.get(ns);
  }

  set(ns: string, id: string, entry: OverlayEntry): void {
    let m = this.overlay.get(ns);
    if (!m) this.overlay.set(ns, (m = new Map<string, OverlayEntry>()));
    m.set(id, entry);
  }

  ops(): Op[] {
    const ops: Op[] = [...this.ddl];
    for (const [ns, m] of this.overlay)
      for (const [id, e] of m)
        ops.push(e.rec ? { t: 'put', ns, rec: e.rec } : { t: 'del', ns, id, idValue: e.idValue });
    return ops;
  }
}

export const docLock = (ns: string, id: string): string => `d\u0000${ns}\u0000${id}`;
export const keyLock = (ns: string, index: string, key: string): string =>
  `u\u0000${ns}\u0000${index}\u0000${key}`;

export class TransactionManager {
  private readonly locks = new Map<string, Transaction>();

  constructor(private readonly catalog: Catalog) {}
  /** Open or last finished transaction per session id. */
  readonly bySession = new Map<string, Transaction>();

  lock(txn: Transaction, key: string): void {
    const holder = this.locks.get(key);
    if (holder && holder !== txn) throw writeConflict();
    if (!holder) {
      this.locks.set(key, txn);
      txn.locks.add(key);
    }
  }

  /** A plain (non-transactional) write wins over an open transaction: the transaction is aborted and retried. */
  preempt(key: string): void {
    if (this.locks.size === 0) return;
    const holder = this.locks.get(key);
    if (holder) this.abort(holder);
  }

  anyLocks(): boolean {
    return this.locks.size > 0;
  }

  isLocked(key: string): boolean {
    return this.locks.has(key);
  }

  start(lsid: string, txnNumber: bigint): Transaction {
    const prev = this.bySession.get(lsid);
    if (prev && prev.state === 'open') this.abort(prev);
    const txn = new Transaction(lsid, txnNumber, 0);
    (txn as { snapshot: number }).snapshot = this.catalog.openSnapshot(txn);
    this.bySession.set(lsid, txn);
    return txn;
  }

  /** The open transaction a command with `autocommit:false` belongs to, or NoSuchTransaction. */
  current(lsid: string, txnNumber: bigint): Transaction {
    const txn = this.bySession.get(lsid);
    if (!txn || txn.txnNumber !== txnNumber || txn.state !== 'open') throw noSuchTransaction(txnNumber, txn);
    txn.lastUsed = Date.now();
    return txn;
  }

  finish(txn: Transaction, state: 'committed' | 'aborted'): void {
    txn.state = state;
    this.catalog.closeSnapshot(txn);
    for (const key of txn.locks) if (this.locks.get(key) === txn) this.locks.delete(key);
    txn.locks.clear();
    txn.overlay.clear();
    txn.created.clear();
    txn.ddl.length = 0;
    txn.writes.length = 0;
  }

  abort(txn: Transaction): void {
    if (txn.state === 'open') this.finish(txn, 'aborted');
  }

  /** Aborts transactions that wrote to `ns` (it is being dropped or renamed under them). */
  abortTouching(ns: string): void {
    for (const txn of this.bySession.values())
      if (txn.state === 'open' && txn.overlay.has(ns)) this.abort(txn);
  }

  expire(idleMs: number): void {
    const now = Date.now();
    for (const txn of this.bySession.values())
      if (txn.state === 'open' && now - txn.lastUsed > idleMs) this.abort(txn);
  }

  endSession(lsid: string): void {
    const txn = this.bySession.get(lsid);
    if (txn) this.abort(txn);
    this.bySession.delete(lsid);
  }
}

export const noSuchTransaction = (txnNumber: bigint, txn?: Transaction): MongoServerError =>
  new MongoServerError(
    251,
    txn?.txnNumber === txnNumber && txn.state === 'aborted'
      ? `Transaction with txnNumber ${txnNumber} has been aborted.`
      : `Given transaction number ${txnNumber} does not match any in-progress transactions.`,
  ).withLabel('TransientTransactionError');

export type TxnInfo = { lsid: string; txnNumber: bigint; start: boolean } | null;

export const txnInfo = (cmd: Doc, lsid: string | null): TxnInfo => {
  if (cmd.autocommit !== false || !lsid) return null;
  const n = cmd.txnNumber;
  const txnNumber =
    typeof n === 'object' && n !== null && 'toBigInt' in n
      ? (n as { toBigInt(): bigint }).toBigInt()
      : BigInt(Number(n));
  return { lsid, txnNumber, start: cmd.startTransaction === true };
};

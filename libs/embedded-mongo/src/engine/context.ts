import { calculateObjectSize, serialize, type Timestamp } from 'bson';
import { type Doc, isNumericWrapper, keyString } from '../bson/values';
import type { Storage } from '../storage/storage';
import type { Catalog } from './catalog';
import { Collection, duplicateKeyError } from './collection';
import { MongoServerError, writeConflict } from './errors';
import type { IndexSpec, Rec } from './index-store';
import { enforceValidator } from './validation';
import { checkHashedKeys } from './hashed-index';
import { cappedOverflow, isCapped, refuseInTransaction } from './capped';
import { docLock, keyLock, type Transaction, type TransactionManager } from './transactions';

export const MAX_BSON_SIZE = 16 * 1024 * 1024;
/** The mongod version this server answers as (buildInfo, serverStatus, explain, startup_log). */
export const SERVER_VERSION = '7.0.0';

const hasWrappers = (v: unknown): boolean => {
  if (typeof v !== 'object' || v === null) return false;
  if (isNumericWrapper(v)) return true;
  if (Array.isArray(v)) return v.some(hasWrappers);
  if (v.constructor !== Object) return false;
  for (const k in v as Doc) if (hasWrappers((v as Doc)[k])) return true;
  return false;
};

/**
 * What one command sees and changes: committed state, or committed state under a transaction's overlay.
 * Plain writes apply immediately (durable at the command's `sync`); transactional writes go to the overlay.
 */
export class Ctx {
  /** The command's `bypassDocumentValidation: true`: writes skip the collection's validator. */
  bypassValidation = false;
  /** A snapshot read's cluster time: collections are seen as they were then (rebuilt from the change log). */
  readAt: Timestamp | null = null;
  private readonly atTime = new Map<string, Collection | undefined>();

  constructor(
    readonly storage: Storage,
    readonly txns: TransactionManager,
    readonly txn: Transaction | null,
  ) {}

  get catalog(): Catalog {
    return this.storage.catalog;
  }

  coll(ns: string): Collection | undefined {
    if (this.readAt && this.storage.changes) {
      if (!this.atTime.has(ns))
        this.atTime.set(ns, this.storage.changes.collectionAt(ns, this.readAt, this.catalog));
      return this.atTime.get(ns);
    }
    return this.txn?.created.get(ns) ?? this.catalog.get(ns);
  }

  ensureCollection(ns: string): Collection {
    return this.coll(ns) ?? this.createCollection(ns, {});
  }

  /** Creates a collection now, or (in a transaction) privately until the transaction commits. */
  createCollection(ns: string, options: Doc): Collection {
    validateNs(ns);
    if (this.txn) {
      const shadow = new Collection(ns, options);
      this.txn.created.set(ns, shadow);
      this.txn.ddl.push({ t: 'create', ns, options });
      return shadow;
    }
    this.storage.apply({ t: 'create', ns, options });
    return this.catalog.get(ns) as Collection;
  }

  /** In a transaction only a collection created by that same transaction can get new indexes, as in mongod. */
  createIndex(ns: string, spec: IndexSpec): void {
    if (!this.txn) return this.storage.apply({ t: 'createIndex', ns, spec });
    const shadow = this.txn.created.get(ns);
    if (!shadow)
      throw new MongoServerError(
        263,
        `Cannot create new indexes on existing collection ${ns} in a multi-document transaction.`,
      );
    shadow.createIndex(spec);
    this.txn.ddl.push({ t: 'createIndex', ns, spec });
  }

  lookup(ns: string, id: string): Rec | undefined {
    if (this.readAt) return this.coll(ns)?.get(id);
    if (!this.txn) return this.catalog.get(ns)?.get(id);
    const o = this.txn.entries(ns)?.get(id);
    if (o) return o.rec ?? undefined;
    return this.catalog.get(ns)?.visibleAt(id, this.txn.snapshot);
  }

  /** First writer wins: a document committed by someone else after our snapshot cannot be written by us. */
  private checkSnapshot(coll: Collection | undefined, id: string): void {
    const txn = this.txn as Transaction;
    if (!coll || txn.entries(coll.ns)?.has(id)) return;
    if (coll.get(id) !== coll.visibleAt(id, txn.snapshot)) throw writeConflict();
  }

  makeRec(doc: Doc, prev?: Rec): Rec {
    const raw = serialize(doc);
    const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (bytes.length > MAX_BSON_SIZE)
      throw new MongoServerError(
        10334,
        `object to insert too large. size in bytes: ${bytes.length}, max size: ${MAX_BSON_SIZE}`,
      );
    const id = prev?.id ?? keyString(doc._id);
    return { id, doc, bytes, seq: prev?.seq ?? this.catalog.nextSeq(), wrappers: hasWrappers(doc) };
  }

  /** Inserts (prev undefined) or replaces a document, enforcing _id and unique-index constraints. */
  put(ns: string, rec: Rec, prev: Rec | undefined, update?: Doc): void {
    const coll = this.ensureCollection(ns);
    enforceValidator(coll, rec, prev, this.bypassValidation);
    checkHashedKeys(coll, rec.doc);
    if (!prev && this.lookup(ns, rec.id))
      throw duplicateKeyError(ns, coll.indexes.get('_id_')!, [rec.doc._id]);
    if (this.txn) {
      refuseInTransaction(coll);
      return this.putInTxn(coll, rec, prev, update);
    }
    coll.checkUnique(rec);
    if (this.txns.anyLocks()) {
      this.txns.preempt(docLock(ns, rec.id));
      for (const index of coll.indexes.values())
        if (index.guardsKeys && index.name !== '_id_')
          for (const t of index.keysOf(rec)) this.txns.preempt(keyLock(ns, index.name, index.uniqueKey(t)));
    }
    this.storage.apply(update ? { t: 'put', ns, rec, update } : { t: 'put', ns, rec });
    if (!prev && isCapped(coll)) for (const old of cappedOverflow(coll)) this.remove(ns, old);
  }

  remove(ns: string, rec: Rec): void {
    if (this.txn) {
      const coll = this.coll(ns);
      if (coll) refuseInTransaction(coll);
      this.txns.lock(this.txn, docLock(ns, rec.id));
      this.checkSnapshot(coll, rec.id);
      this.txn.set(ns, rec.id, { rec: null, idValue: rec.doc._id });
      this.txn.writes.push({ ns, rec: null, prev: rec });
      return;
    }
    this.txns.preempt(docLock(ns, rec.id));
    this.storage.apply({ t: 'del', ns, id: rec.id, idValue: rec.doc._id });
  }

  private putInTxn(coll: Collection, rec: Rec, prev: Rec | undefined, update?: Doc): void {
    const txn = this.txn as Transaction;
    const ns = coll.ns;
    this.txns.lock(txn, docLock(ns, rec.id));
    this.checkSnapshot(coll, rec.id);
    const overlay = txn.entries(ns);
    for (const index of coll.indexes.values()) {
      if (!index.guardsKeys || index.name === '_id_') continue;
      for (const t of coll.addedKeys(index, rec)) {
        const uk = index.uniqueKey(t);
        this.txns.lock(txn, keyLock(ns, index.name, uk));
        // a committed holder only counts if this transaction has not changed or deleted it
        if (index.otherHolder(t, rec.id, (holder) => overlay?.has(holder) === true) !== undefined)
          throw duplicateKeyError(ns, index, t);
        for (const [id, e] of overlay ?? [])
          if (id !== rec.id && e.rec && index.keysOf(e.rec).some((k) => index.uniqueKey(k) === uk))
            throw duplicateKeyError(ns, index, t);
      }
    }
    txn.set(ns, rec.id, { rec, idValue: rec.doc._id });
    txn.writes.push({ ns, rec, prev, update });
  }

  sync(): Promise<void> {
    return this.storage.sync();
  }
}

export const validateNs = (ns: string): void => {
  const dot = ns.indexOf('.');
  const db = ns.slice(0, dot);
  const coll = ns.slice(dot + 1);
  if (
    dot <= 0 ||
    !coll ||
    /[/\\. "$\0]/.test(db) ||
    coll.includes('$') ||
    coll.includes('\0') ||
    coll.startsWith('.')
  )
    throw new MongoServerError(73, `Invalid namespace specified '${ns}'`);
};

export const bsonSize = (d: Doc): number => calculateObjectSize(d);

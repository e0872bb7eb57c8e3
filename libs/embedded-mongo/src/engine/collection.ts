import { EJSON } from 'bson';
import { type Doc } from '../bson/values';
import { MongoServerError } from './errors';
import { DuplicateBuildError, IndexStore, type IndexSpec, type Rec } from './index-store';

export const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export const duplicateKeyError = (ns: string, index: IndexStore, tuple: unknown[]): MongoServerError => {
  const keyValue: Doc = {};
  index.fields.forEach(([path], i) => (keyValue[path] = tuple[i]));
  const shown = Object.entries(keyValue)
    .map(([k, v]) => `${k}: ${EJSON.stringify(v as never, { relaxed: true })}`)
    .join(', ');
  return new MongoServerError(
    11000,
    `E11000 duplicate key error collection: ${ns} index: ${index.name} dup key: { ${shown} }`,
    { keyPattern: { ...index.spec.key }, keyValue },
  );
};

/** A superseded record (null: the document did not exist), visible to snapshots in [from, until). */
export interface OldVersion {
  rec: Rec;
  from: number;
  until: number;
}

/** One collection's committed state: documents by _id key plus secondary indexes kept in step. */
export class Collection {
  readonly records = new Map<string, Rec>();
  /** Versions replaced while some transaction snapshot may still need them; empty when none is open. */
  readonly history = new Map<string, OldVersion[]>();
  readonly indexes = new Map<string, IndexStore>();
  readonly uuid: Buffer;

  constructor(
    public ns: string,
    readonly options: Doc = {},
    uuid?: Buffer,
  ) {
    this.uuid = uuid ?? Buffer.from(crypto.getRandomValues(new Uint8Array(16)));
    this.indexes.set('_id_', new IndexStore(ID_INDEX));
  }

  get name(): string {
    return this.ns.slice(this.ns.indexOf('.') + 1);
  }

  get(id: string): Rec | undefined {
    return this.records.get(id);
  }

  /**
   * Throws DuplicateKey if `rec` would add a key another document holds in a unique or prepareUnique
   * secondary index (a key its committed version already has is not added); `_id` is checked by callers.
   */
  checkUnique(rec: Rec, ignoreIds?: Set<string>): void {
    const ignored = ignoreIds && ((id: string) => ignoreIds.has(id));
    for (const index of this.indexes.values()) {
      if (!index.guardsKeys || index.name === '_id_') continue;
      for (const t of this.addedKeys(index, rec))
        if (index.otherHolder(t, rec.id, ignored) !== undefined) throw duplicateKeyError(this.ns, index, t);
    }
  }

  /** The keys of `rec` in `index` that its committed version does not have. */
  addedKeys(index: IndexStore, rec: Rec): unknown[][] {
    const keys = index.keysOf(rec);
    const prev = this.records.get(rec.id);
    if (!prev || !index.prepareUnique) return keys;
    const had = new Set(index.keysOf(prev).map((t) => index.uniqueKey(t)));
    return keys.filter((t) => !had.has(index.uniqueKey(t)));
  }

  /** The committed version of a document as a snapshot taken at `at` sees it. */
  visibleAt(id: string, at: number): Rec | undefined {
    const cur = this.records.get(id);
    if (cur && (cur.ver ?? 0) <= at) return cur;
    for (const h of this.history.get(id) ?? []) if (h.from <= at && at < h.until) return h.rec;
    return undefined;
  }

  private remember(prev: Rec, until: number): void {
    const list = this.history.get(prev.id);
    const entry = { rec: prev, from: prev.ver ?? 0, until };
    if (list) list.push(entry);
    else this.history.set(prev.id, [entry]);
  }

  /** Drops versions no open snapshot can see (all of them when `floor` is null). */
  pruneHistory(floor: number | null): void {
    for (const [id, list] of this.history) {
      const kept = floor === null ? [] : list.filter((h) => h.until > floor);
      if (kept.length) this.history.set(id, kept);
      else this.history.delete(id);
    }
  }

  /** Inserts or replaces; the caller has validated uniqueness. `keep`: snapshots are open, remember the old version. */
  put(rec: Rec, ver = 0, keep = false): void {
    const prev = this.records.get(rec.id);
    rec.ver = ver;
    if (prev && keep) this.remember(prev, ver);
    this.records.set(rec.id, rec);
    for (const index of this.indexes.values()) {
      if (index.name === '_id_') {
        if (!prev) index.add(rec);
        continue;
      }
      const next = index.keysOf(rec);
      if (prev) {
        const old = index.keysOf(prev);
        if (index.sameKeys(old, next)) continue;
        index.remove(prev, old);
      }
      index.add(rec, next);
    }
  }

  delete(id: string, ver = 0, keep = false): Rec | undefined {
    const prev = this.records.get(id);
    if (!prev) return undefined;
    if (keep) this.remember(prev, ver);
    this.records.delete(id);
    for (const index of this.indexes.values()) index.remove(prev);
    return prev;
  }

  createIndex(spec: IndexSpec): void {
    const index = new IndexStore(spec);
    try {
      index.build(this.records.values());
    } catch (e) {
      if (e instanceof DuplicateBuildError) throw duplicateKeyError(this.ns, e.index, e.tuple);
      throw e;
    }
    this.indexes.set(spec.name, index);
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
  }

  specs(): IndexSpec[] {
    return [...this.indexes.values()].map((i) => i.spec);
  }
}

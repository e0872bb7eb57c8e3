import { deserialize } from 'bson';
import { type Doc, keyString, normalize } from '../bson/values';
import { Collection } from './collection';
import type { IndexSpec, Rec } from './index-store';

/** A state change, exactly as journaled: applying the same ops in order always rebuilds the same state. */
export type Op =
  /** `update`: the operator update that produced `rec` (not journaled; shapes its change event). */
  | { t: 'put'; ns: string; rec: Rec; update?: Doc }
  | { t: 'del'; ns: string; id: string; idValue: unknown }
  | { t: 'create'; ns: string; options: Doc }
  | { t: 'drop'; ns: string }
  | { t: 'rename'; from: string; to: string }
  | { t: 'createIndex'; ns: string; spec: IndexSpec }
  | { t: 'dropIndex'; ns: string; name: string }
  | { t: 'dropDb'; db: string }
  | { t: 'collMod'; ns: string; options: Doc; index?: { name: string; set: Doc } };

export const DESERIALIZE = { promoteValues: false, promoteLongs: false } as const;

/** All committed collections, keyed by namespace `db.coll`. */
export class Catalog {
  readonly collections = new Map<string, Collection>();
  private seq = 0;
  /** Bumped by every document write; transactions read at the version current when they started. */
  version = 0;
  private readonly snapshots = new Map<object, number>();

  openSnapshot(owner: object): number {
    this.snapshots.set(owner, this.version);
    return this.version;
  }

  closeSnapshot(owner: object): void {
    if (!this.snapshots.delete(owner)) return;
    const floor = this.snapshots.size ? Math.min(...this.snapshots.values()) : null;
    for (const c of this.collections.values()) if (c.history.size) c.pruneHistory(floor);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  get(ns: string): Collection | undefined {
    return this.collections.get(ns);
  }

  databases(): string[] {
    return [...new Set([...this.collections.keys()].map((ns) => ns.slice(0, ns.indexOf('.'))))].sort();
  }

  inDb(db: string): Collection[] {
    const prefix = db + '.';
    return [...this.collections.values()].filter((c) => c.ns.startsWith(prefix));
  }

  /** Builds a record from stored BSON bytes (journal replay, snapshot load). */
  recordFromBytes(ns: string, bytes: Buffer): Rec {
    const { value: doc, wrappers } = normalize(deserialize(bytes, DESERIALIZE));
    const id = keyString(doc._id);
    const prev = this.collections.get(ns)?.get(id);
    return { id, doc, bytes, seq: prev?.seq ?? this.nextSeq(), wrappers };
  }

  apply(op: Op): void {
    switch (op.t) {
      case 'put': {
        let coll = this.collections.get(op.ns);
        if (!coll) this.collections.set(op.ns, (coll = new Collection(op.ns)));
        coll.put(op.rec, ++this.version, this.snapshots.size > 0);
        return;
      }
      case 'del':
        this.collections.get(op.ns)?.delete(op.id, ++this.version, this.snapshots.size > 0);
        return;
      case 'create':
        if (!this.collections.has(op.ns)) this.collections.set(op.ns, new Collection(op.ns, op.options));
        return;
      case 'drop':
        this.collections.delete(op.ns);
        return;
      case 'rename': {
        const coll = this.collections.get(op.from);
        if (!coll) return;
        this.collections.delete(op.to);
        this.collections.delete(op.from);
        coll.ns = op.to;
        this.collections.set(op.to, coll);
        return;
      }
      case 'createIndex': {
        let coll = this.collections.get(op.ns);
        if (!coll) this.collections.set(op.ns, (coll = new Collection(op.ns)));
        if (!coll.indexes.has(op.spec.name)) coll.createIndex(op.spec);
        return;
      }
      case 'dropIndex':
        this.collections.get(op.ns)?.dropIndex(op.name);
        return;
      case 'dropDb':
        for (const c of this.inDb(op.db)) this.collections.delete(c.ns);
        return;
      case 'collMod': {
        const coll = this.collections.get(op.ns);
        if (!coll) return;
        Object.assign(coll.options, op.options);
        const index = op.index && coll.indexes.get(op.index.name);
        if (!index || !op.index) return;
        Object.assign(index.spec, op.index.set);
        // A unique index needs no preparation; `prepareUnique: false` is reported by its absence.
        if (index.spec.unique === true || index.spec.prepareUnique === false) delete index.spec.prepareUnique;
        if ('unique' in op.index.set || 'prepareUnique' in op.index.set) index.build(coll.records.values());
        return;
      }
    }
  }
}

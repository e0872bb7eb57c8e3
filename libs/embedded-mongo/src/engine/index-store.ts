import { compareBson } from '../bson/compare';
import { type Doc, getPathValues, keyString, numericView } from '../bson/values';
import { compileQuery, type DocMatcher } from './matcher';
import { hashedPathsOf } from './hashed-index';
import { SortedList } from './sorted-list';

export interface IndexSpec {
  v?: number;
  key: Record<string, 1 | -1 | string>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

export interface Rec {
  readonly id: string;
  readonly doc: Doc;
  readonly bytes: Buffer;
  /** Stable per document (kept across updates): the tie-breaker that makes index entries unique. */
  readonly seq: number;
  /** The document holds Long/Decimal128/integral-Double wrappers, so matching needs a numeric view. */
  readonly wrappers: boolean;
  view?: Doc;
  /** Catalog version that committed this record (set when applied); snapshots older than it do not see it. */
  ver?: number;
  /** Written by a replacement (not an update with operators): its change event is a `replace`. */
  replace?: boolean;
}

export const matchView = (rec: Rec): Doc => {
  if (!rec.wrappers) return rec.doc;
  return (rec.view ??= numericView(rec.doc) as Doc);
};

export interface IndexEntry {
  k: unknown[];
  id: string;
  seq: number;
}

export class IndexStore {
  readonly fields: [string, 1 | -1][];
  /** The paths this index hashes (`{k: "hashed"}`; mongod allows one), checked on every write. */
  readonly hashedPaths: string[];
  readonly entries: SortedList<IndexEntry>;
  private readonly uniqueKeys = new Map<string, string>();
  /** prepareUnique (a non-unique index on its way to unique): every document holding each key. */
  private holders?: Map<string, Set<string>>;
  private readonly partial?: DocMatcher;
  multikey = false;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.entries(spec.key).map(([k, v]) => [k, Number(v) < 0 ? -1 : 1]);
    this.hashedPaths = hashedPathsOf(spec.key);
    const fields = this.fields;
    this.entries = new SortedList<IndexEntry>((a, b) => {
      for (let i = 0; i < fields.length; i++) {
        const d = compareBson(a.k[i], b.k[i]);
        if (d !== 0) return d * (fields[i] as [string, 1 | -1])[1];
      }
      return a.seq - b.seq;
    });
    if (spec.partialFilterExpression) this.partial = compileQuery(spec.partialFilterExpression);
  }

  get name(): string {
    return this.spec.name;
  }

  get unique(): boolean {
    return this.spec.unique === true;
  }

  /** collMod `prepareUnique`: existing duplicates stay, but no write may add a key another document holds. */
  get prepareUnique(): boolean {
    return this.spec.prepareUnique === true && !this.unique;
  }

  /** Whether a write may not add a key that another document holds (unique and prepareUnique indexes). */
  get guardsKeys(): boolean {
    return this.unique || this.prepareUnique;
  }

  /**
   * A document other than `id` (and not `ignored`) holding `tuple`: the owner of a unique key, or any holder
   * of a prepareUnique one.
   */
  otherHolder(tuple: unknown[], id: string, ignored?: (holder: string) => boolean): string | undefined {
    const uk = this.uniqueKey(tuple);
    if (this.unique) {
      const owner = this.uniqueKeys.get(uk);
      return owner !== undefined && owner !== id && !ignored?.(owner) ? owner : undefined;
    }
    for (const holder of this.holders?.get(uk) ?? []) if (holder !== id && !ignored?.(holder)) return holder;
    return undefined;
  }

  /** Groups of document ids that share a key (what converting this index to unique would violate). */
  duplicates(): string[][] {
    return [...(this.holders?.values() ?? [])].filter((ids) => ids.size > 1).map((ids) => [...ids]);
  }

  /** Every key tuple of a document (several when a field holds an array), or none when sparse/partial skip it. */
  keysOf(rec: Rec): unknown[][] {
    if (this.partial && !this.partial(rec.doc)) return [];
    const perField = this.fields.map(([path]) => getPathValues(rec.doc, path));
    if (this.spec.sparse && perField.every((vs) => vs.length === 1 && vs[0] === undefined)) return [];
    let tuples: unknown[][] = [[]];
    for (const values of perField) {
      if (values.length > 1) this.multikey = true;
      const next: unknown[][] = [];
      for (const t of tuples) for (const v of values) next.push([...t, v === undefined ? null : v]);
      tuples = next;
    }
    return tuples;
  }

  uniqueKey(tuple: unknown[]): string {
    return tuple.length === 1 ? keyString(tuple[0]) : tuple.map(keyString).join('\u0001');
  }

  /** The first key of `rec` already owned by another document, if any. */
  conflict(rec: Rec, keys = this.keysOf(rec)): unknown[] | undefined {
    if (!this.unique) return undefined;
    for (const t of keys) {
      const owner = this.uniqueKeys.get(this.uniqueKey(t));
      if (owner !== undefined && owner !== rec.id) return t;
    }
    return undefined;
  }

  add(rec: Rec, keys = this.keysOf(rec)): void {
    for (const k of dedupe(keys)) {
      this.entries.insert({ k, id: rec.id, seq: rec.seq });
      if (this.unique) this.uniqueKeys.set(this.uniqueKey(k), rec.id);
      else if (this.holders) this.hold(this.uniqueKey(k), rec.id);
    }
  }

  remove(rec: Rec, keys = this.keysOf(rec)): void {
    for (const k of dedupe(keys)) {
      this.entries.remove({ k, id: rec.id, seq: rec.seq });
      const uk = this.uniqueKey(k);
      if (this.unique && this.uniqueKeys.get(uk) === rec.id) this.uniqueKeys.delete(uk);
      const held = this.holders?.get(uk);
      if (held?.delete(rec.id) && held.size === 0) this.holders?.delete(uk);
    }
  }

  private hold(uk: string, id: string): void {
    const held = this.holders?.get(uk);
    if (held) held.add(id);
    else this.holders?.set(uk, new Set([id]));
  }

  /** (Re)builds the index from `recs`, also after collMod changed `unique`/`prepareUnique`. */
  build(recs: Iterable<Rec>): void {
    this.uniqueKeys.clear();
    this.holders = this.prepareUnique ? new Map() : undefined;
    const all: IndexEntry[] = [];
    for (const rec of recs) {
      for (const k of dedupe(this.keysOf(rec))) {
        all.push({ k, id: rec.id, seq: rec.seq });
        if (this.holders) this.hold(this.uniqueKey(k), rec.id);
        if (this.unique) {
          const uk = this.uniqueKey(k);
          const owner = this.uniqueKeys.get(uk);
          if (owner !== undefined && owner !== rec.id) throw new DuplicateBuildError(this, k);
          this.uniqueKeys.set(uk, rec.id);
        }
      }
    }
    this.entries.load(all);
  }

  sameKeys(a: unknown[][], b: unknown[][]): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as unknown[];
      const y = b[i] as unknown[];
      for (let j = 0; j < x.length; j++) if (compareBson(x[j], y[j]) !== 0) return false;
    }
    return true;
  }
}

export class DuplicateBuildError extends Error {
  constructor(
    readonly index: IndexStore,
    readonly tuple: unknown[],
  ) {
    super('duplicate key while building index ' + index.name);
  }
}

const dedupe = (keys: unknown[][]): unknown[][] => {
  if (keys.length < 2) return keys;
  const seen = new Set<string>();
  return keys.filter((k) => {
    const s = k.map(keyString).join('\u0001');
    if (seen.has(s)) return false;
    seen.add(s);
    return true;
  });
};

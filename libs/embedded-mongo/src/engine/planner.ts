import { BSONRegExp } from 'bson';
import { compareBson, type SortSpec, typeRank } from '../bson/compare';
import type { Doc } from '../bson/values';
import { MongoServerError } from './errors';
import { isHashedField } from './hashed-index';
import type { IndexEntry, IndexStore } from './index-store';

interface Range {
  eq?: unknown;
  in?: unknown[];
  lo?: unknown;
  loInc?: boolean;
  hi?: unknown;
  hiInc?: boolean;
}

/** A value an index can look up exactly: no regex, no nested operators, no arrays (those match elements too). */
const indexable = (v: unknown): boolean => {
  if (v === undefined || Array.isArray(v) || v instanceof RegExp || v instanceof BSONRegExp) return false;
  return typeof v !== 'object' || v === null || typeRank(v) !== 5;
};

/** Per-field constraints implied by the top level of a filter (and its `$and`), usable as index bounds. */
export const extractRanges = (filter: Doc, out = new Map<string, Range>()): Map<string, Range> => {
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(cond)) {
      for (const f of cond) if (f && typeof f === 'object') extractRanges(f as Doc, out);
      continue;
    }
    if (field.startsWith('$')) continue;
    const r: Range = out.get(field) ?? {};
    if (cond !== null && typeof cond === 'object' && cond.constructor === Object) {
      const ops = cond as Doc;
      const keys = Object.keys(ops);
      if (!keys.length || !keys.every((k) => k.startsWith('$'))) continue;
      for (const k of keys) {
        const v = ops[k];
        if (k === '$eq' && indexable(v)) r.eq = v;
        else if (k === '$in' && Array.isArray(v) && v.length > 0 && v.every(indexable)) r.in = v;
        else if ((k === '$gt' || k === '$gte') && indexable(v) && v !== null) {
          r.lo = v;
          r.loInc = k === '$gte';
        } else if ((k === '$lt' || k === '$lte') && indexable(v) && v !== null) {
          r.hi = v;
          r.hiInc = k === '$lte';
        }
      }
    } else if (indexable(cond)) r.eq = cond;
    if (r.eq !== undefined || r.in || r.lo !== undefined || r.hi !== undefined) out.set(field, r);
  }
  return out;
};

/**
 * Top-level fields whose whole condition is an equality or `$in` on index-comparable values: an index scan on
 * them returns exactly the matching documents (index keys compare like query equality, arrays included).
 */
const exactEqualityFields = (filter: Doc): Set<string> | null => {
  const out = new Set<string>();
  for (const [field, cond] of Object.entries(filter)) {
    if (field.startsWith('$')) return null;
    if (cond !== null && typeof cond === 'object' && cond.constructor === Object) {
      const keys = Object.keys(cond);
      if (keys.length !== 1) return null;
      const v = (cond as Doc)[keys[0] as string];
      if (keys[0] === '$eq' ? !indexable(v) : keys[0] !== '$in' || !Array.isArray(v) || !v.every(indexable))
        return null;
    } else if (!indexable(cond)) return null;
    out.add(field);
  }
  return out;
};

export interface Plan {
  index: IndexStore;
  /** The index scan alone decides the match: no need to test the filter on each document. */
  exact: boolean;
  /** Key-ordered scans; a single one when `ordered`. */
  scans: { pos: (e: IndexEntry) => number }[];
  /** The scan yields documents in the requested sort order (forward or reverse). */
  ordered: boolean;
  reverse: boolean;
}

const sign = (d: number): number => (d < 0 ? -1 : d > 0 ? 1 : 0);

/** Position of an entry relative to the bounds, in index order: -1 before, 0 inside, 1 after. */
const boundsFn = (index: IndexStore, eqs: unknown[], range: Range | undefined) => {
  const e = eqs.length;
  const dir = index.fields[e]?.[1] ?? 1;
  return (entry: IndexEntry): number => {
    for (let i = 0; i < e; i++) {
      const d = compareBson(entry.k[i], eqs[i]);
      if (d !== 0) return sign(d) * (index.fields[i] as [string, 1 | -1])[1];
    }
    if (!range) return 0;
    const v = entry.k[e];
    let p = 0;
    if (range.lo !== undefined) {
      const rt = typeRank(v) - typeRank(range.lo);
      const d = rt !== 0 ? rt : compareBson(v, range.lo);
      if (d < 0 || (d === 0 && !range.loInc)) p = -1;
      else if (rt > 0 && range.hi === undefined) p = 1;
    }
    if (p === 0 && range.hi !== undefined) {
      const rt = typeRank(v) - typeRank(range.hi);
      const d = rt !== 0 ? rt : compareBson(v, range.hi);
      if (d > 0 || (d === 0 && !range.hiInc)) p = 1;
      else if (rt < 0 && range.lo === undefined) p = -1;
    }
    return p * dir;
  };
};

const sortMatches = (index: IndexStore, from: number, sort: SortSpec): 'fwd' | 'rev' | null => {
  if (!sort.length || index.multikey || index.spec.sparse || index.spec.partialFilterExpression) return null;
  if (from + sort.length > index.fields.length) return null;
  if (index.hashedPaths.length) return null;
  let fwd = true;
  let rev = true;
  sort.forEach(([path, d], i) => {
    const f = index.fields[from + i];
    if (!f || f[0] !== path) fwd = rev = false;
    else if (f[1] === d) rev = false;
    else fwd = false;
  });
  return fwd ? 'fwd' : rev ? 'rev' : null;
};

/** Picks the index with the most leading equality fields (then a range, then a usable sort order). */
export const plan = (
  indexes: Iterable<IndexStore>,
  filter: Doc,
  sort: SortSpec,
  hinted?: IndexStore,
): Plan | null => {
  const ranges = extractRanges(filter);
  let best: { score: number; plan: Plan } | null = null;
  for (const index of hinted ? [hinted] : indexes) {
    if (index.spec.partialFilterExpression && !hinted) continue;
    const eqs: unknown[] = [];
    for (const [path] of index.fields) {
      const r = ranges.get(path);
      if (!r || r.eq === undefined || (r.eq === null && index.spec.sparse)) break;
      eqs.push(r.eq);
    }
    const next = index.fields[eqs.length];
    const nr = next ? ranges.get(next[0]) : undefined;
    const used = index.fields.slice(0, eqs.length).map(([f]) => f);
    let score = eqs.length * 4;
    let scans: Plan['scans'];
    let order: 'fwd' | 'rev' | null = null;
    if (nr?.in && !(index.spec.sparse && nr.in.includes(null))) {
      scans = nr.in.map((v) => ({ pos: boundsFn(index, [...eqs, v], undefined) }));
      used.push((next as [string, 1 | -1])[0]);
      score += 2;
    } else {
      const range =
        nr &&
        (nr.lo !== undefined || nr.hi !== undefined) &&
        !isHashedField(index.spec, (next as [string, 1 | -1])[0])
          ? { ...nr }
          : undefined;
      // A multikey range must not intersect bounds: different elements may satisfy each side.
      if (range && index.multikey && range.lo !== undefined) delete range.hi;
      if (range) score += 2;
      scans = [{ pos: boundsFn(index, eqs, range) }];
      order = sortMatches(index, eqs.length, sort);
      if (!order && !range && sort.length) order = sortMatches(index, 0, sort);
    }
    if (order) score += 1;
    if (score === 0 && !hinted) continue;
    if (!best || score > best.score)
      best = {
        score,
        plan: { index, scans, exact: false, ordered: order !== null, reverse: order === 'rev' },
      };
    const exactFields = exactEqualityFields(filter);
    best.plan.exact =
      !!exactFields &&
      exactFields.size === used.length &&
      used.every((f) => exactFields.has(f)) &&
      !index.spec.sparse;
  }
  return best?.plan ?? null;
};

const sameKey = (a: Doc, b: Doc): boolean => {
  const ka = Object.entries(a);
  const kb = Object.entries(b);
  return (
    ka.length === kb.length && ka.every(([f, d], i) => kb[i]?.[0] === f && String(kb[i]?.[1]) === String(d))
  );
};

/**
 * The index a `hint` names (by name or key pattern); `null` for `{$natural: ...}` (a collection scan).
 * A hint naming no index is an error, as in mongod.
 */
export const hintedIndex = (indexes: Iterable<IndexStore>, hint: unknown): IndexStore | null | undefined => {
  if (hint === undefined || hint === null || (typeof hint === 'string' && hint === '')) return undefined;
  if (typeof hint === 'object' && !Array.isArray(hint) && Object.keys(hint).length === 0) return undefined;
  if (typeof hint === 'object' && '$natural' in (hint as Doc)) return null;
  for (const index of indexes)
    if (typeof hint === 'string' ? index.name === hint : sameKey(index.spec.key, hint as Doc)) return index;
  throw new MongoServerError(
    2,
    'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index',
  );
};

/** Entries of one plan in plan order. */
export function* scanEntries(p: Plan): Generator<IndexEntry> {
  for (const { pos } of p.scans) {
    if (p.reverse) {
      for (const e of p.index.entries.descending((x) => (pos(x) > 0 ? 1 : 0))) {
        if (pos(e) < 0) break;
        yield e;
      }
    } else {
      for (const e of p.index.entries.ascending(pos)) {
        if (pos(e) > 0) break;
        yield e;
      }
    }
  }
}

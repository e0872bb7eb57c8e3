import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Decimal128,
  Double,
  Int32,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
} from 'bson';
import { type Doc, getPathValues, isLong } from './values';

/** MongoDB's canonical cross-type order (numbers of every BSON type share one rank and compare by value). */
export const typeRank = (v: unknown): number => {
  switch (typeof v) {
    case 'undefined':
      return 2;
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    case 'function':
    case 'object':
    case 'symbol':
      break;
  }
  if (v === null) return 2;
  if (isLong(v) || v instanceof Double || v instanceof Int32 || v instanceof Decimal128) return 3;
  if (v instanceof BSONSymbol) return 4;
  if (Array.isArray(v)) return 6;
  if (v instanceof Binary) return 7;
  if (v instanceof ObjectId) return 8;
  if (v instanceof Date) return 10;
  if (v instanceof Timestamp) return 11;
  if (v instanceof RegExp || v instanceof BSONRegExp) return 12;
  if (v instanceof MinKey) return 1;
  if (v instanceof MaxKey) return 13;
  return 5;
};

const cmp = (a: number | string | bigint, b: number | string | bigint): number =>
  a < b ? -1 : a > b ? 1 : 0;

const compareNumbers = (a: unknown, b: unknown): number => {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1; // NaN sorts below every other number
    if (Number.isNaN(b)) return 1;
    return cmp(a, b);
  }
  if (isLong(a) && isLong(b)) return a.compare(b);
  const na = toComparable(a);
  const nb = toComparable(b);
  if (typeof na === 'bigint' && typeof nb === 'bigint') return cmp(na, nb);
  const fa = Number(na);
  const fb = Number(nb);
  if (Number.isNaN(fa)) return Number.isNaN(fb) ? 0 : -1;
  if (Number.isNaN(fb)) return 1;
  return cmp(fa, fb);
};

const toComparable = (v: unknown): number | bigint => {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (isLong(v)) return v.toBigInt();
  if (v instanceof Double || v instanceof Int32) return v.value;
  if (v instanceof Decimal128) return Number(v.toString());
  return NaN;
};

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return cmp(a.length, b.length);
};

/** Compares strings under a collation (engine/collation.ts); absent, strings compare by code unit. */
export type StringCompare = (a: string, b: string) => number;

export const compareBson = (a: unknown, b: unknown, strCmp?: StringCompare): number => {
  if (a === b) return 0;
  // Index comparisons are overwhelmingly same-typed strings or numbers: skip the type ranking for them.
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === 'string')
      return strCmp ? strCmp(a as string, b as string) : (a as string) < (b as string) ? -1 : 1;
    if (ta === 'number' && !Number.isNaN(a) && !Number.isNaN(b))
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1:
    case 2:
    case 13:
      return 0;
    case 3:
      return compareNumbers(a, b);
    case 4:
      return strCmp ? strCmp(String(a), String(b)) : cmp(String(a), String(b));
    case 5:
      return compareObjects(a as Doc, b as Doc, strCmp);
    case 6: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const d = compareBson(xa[i], xb[i], strCmp);
        if (d !== 0) return d;
      }
      return cmp(xa.length, xb.length);
    }
    case 7: {
      const ba = a as Binary;
      const bb = b as Binary;
      if (ba.position !== bb.position) return cmp(ba.position, bb.position);
      if (ba.sub_type !== bb.sub_type) return cmp(ba.sub_type, bb.sub_type);
      return compareBytes(ba.buffer.subarray(0, ba.position), bb.buffer.subarray(0, bb.position));
    }
    case 8:
      return compareBytes((a as ObjectId).id, (b as ObjectId).id);
    case 9:
      return cmp(Number(a), Number(b));
    case 10:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case 11:
      return (a as Timestamp).compare(b as Timestamp);
    default: {
      const sa =
        a instanceof RegExp ? [a.source, a.flags] : [(a as BSONRegExp).pattern, (a as BSONRegExp).options];
      const sb =
        b instanceof RegExp ? [b.source, b.flags] : [(b as BSONRegExp).pattern, (b as BSONRegExp).options];
      return cmp(sa[0] as string, sb[0] as string) || cmp(sa[1] as string, sb[1] as string);
    }
  }
};

const compareObjects = (a: Doc, b: Doc, strCmp?: StringCompare): number => {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i] as string];
    const vb = b[kb[i] as string];
    const rt = typeRank(va) - typeRank(vb);
    if (rt !== 0) return rt < 0 ? -1 : 1;
    const nk = cmp(ka[i] as string, kb[i] as string);
    if (nk !== 0) return nk;
    const d = compareBson(va, vb, strCmp);
    if (d !== 0) return d;
  }
  return cmp(ka.length, kb.length);
};

export type SortSpec = [path: string, dir: 1 | -1][];

/** `$text` scores of the documents it matched, for `{$meta: "textScore"}` in sorts and projections. */
export const TEXT_SCORES = new WeakMap<object, number>();
const TEXT_SCORE_KEY = '\u0000textScore';

const isMeta = (v: unknown): boolean => !!v && typeof v === 'object' && (v as Doc).$meta === 'textScore';

export const parseSort = (sort: unknown): SortSpec => {
  if (!sort || typeof sort !== 'object') return [];
  return Object.entries(sort as Doc).map(([k, v]) =>
    isMeta(v) ? [TEXT_SCORE_KEY, -1] : [k, Number(v) < 0 ? -1 : 1],
  );
};

/** Sort key of one field: arrays sort by their smallest element ascending and their largest descending. */
export const sortKey = (doc: Doc, path: string, dir: 1 | -1, strCmp?: StringCompare): unknown => {
  if (path === TEXT_SCORE_KEY) return TEXT_SCORES.get(doc) ?? 0;
  const values = getPathValues(doc, path);
  if (values.length === 1) return values[0];
  let best = values[0];
  for (let i = 1; i < values.length; i++) {
    const d = compareBson(values[i], best, strCmp);
    if (dir === 1 ? d < 0 : d > 0) best = values[i];
  }
  return best;
};

/** Sorts with keys computed once per document; stable, so ties keep index/insertion order. */
export const sortDocs = <T>(
  items: T[],
  spec: SortSpec,
  docOf: (t: T) => Doc,
  strCmp?: StringCompare,
): T[] => {
  if (spec.length === 0) return items;
  const keyed = items.map((item) => ({
    item,
    keys: spec.map(([p, d]) => sortKey(docOf(item), p, d, strCmp)),
  }));
  keyed.sort((x, y) => {
    for (let i = 0; i < spec.length; i++) {
      const d = compareBson(x.keys[i], y.keys[i], strCmp);
      if (d !== 0) return d * (spec[i] as [string, 1 | -1])[1];
    }
    return 0;
  });
  return keyed.map((k) => k.item);
};

import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';

export type Doc = Record<string, unknown>;

/** A plain document (an object literal or a decoded BSON document): not an array, Date, class or BSON wrapper. */
export const isPlainDoc = (v: unknown): v is Doc =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && v.constructor === Object;

/**
 * Canonical in-memory form of BSON values. Plain JS numbers are what the serializer writes back as int32 (integral,
 * in int32 range) or double (anything else), so only the values a plain number cannot reproduce keep a wrapper:
 * Long, Decimal128 and integral (or negative-zero) doubles. mingo then sees plain numbers almost everywhere.
 */
let sawWrapper = false;

/** Timestamp extends Long in the bson package, but it is not a number. */
export const isLong = (v: unknown): v is Long => v instanceof Long && !(v instanceof Timestamp);

export const isNumericWrapper = (v: unknown): v is Long | Double | Decimal128 | Int32 =>
  isLong(v) || v instanceof Double || v instanceof Decimal128 || v instanceof Int32;

const normalizeValue = (v: unknown): unknown => {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Int32) return v.value;
  if (v instanceof Double) {
    const n = v.value;
    // Only integral doubles in int32 range (including -0) would come back as int32 from a plain number.
    if (!Number.isInteger(n) || n > 2147483647 || n < -2147483648) return n;
    sawWrapper = true;
    return v;
  }
  if (isLong(v) || v instanceof Decimal128) {
    sawWrapper = true;
    return v;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = normalizeValue(v[i]);
    return v;
  }
  if ((v as { constructor?: unknown }).constructor === Object) {
    const o = v as Doc;
    for (const k in o) o[k] = normalizeValue(o[k]);
  }
  return v;
};

/** Normalizes in place; returns whether a numeric wrapper survived (the document then needs a numeric view). */
export const normalize = <T>(v: T): { value: T; wrappers: boolean } => {
  sawWrapper = false;
  const value = normalizeValue(v) as T;
  return { value, wrappers: sawWrapper };
};

export const toNumber = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (isLong(v)) return v.toNumber();
  if (v instanceof Double || v instanceof Int32) return v.value;
  if (v instanceof Decimal128) return Number(v.toString());
  return undefined;
};

/** Deep copy where numeric wrappers become plain numbers: the shape mingo can compare and sum. */
export const numericView = (v: unknown): unknown => {
  if (typeof v !== 'object' || v === null) return v;
  if (isNumericWrapper(v)) return toNumber(v);
  if (Array.isArray(v)) return v.map(numericView);
  if ((v as { constructor?: unknown }).constructor === Object) {
    const out: Doc = {};
    for (const k in v as Doc) out[k] = numericView((v as Doc)[k]);
    return out;
  }
  return v;
};

/**
 * Sets an own data property. Field names such as `__proto__` are data in MongoDB; a plain assignment would
 * change the object's prototype instead.
 */
export const setOwn = (o: Doc, k: string, v: unknown): void => {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
};

/** Deep clone that keeps BSON class instances (they are immutable) and copies plain objects and arrays. */
export const cloneValue = <T>(v: T): T => {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(cloneValue) as T;
  if ((v as { constructor?: unknown }).constructor === Object) {
    const out: Doc = {};
    for (const k of Object.keys(v)) setOwn(out, k, cloneValue((v as Doc)[k]));
    return out as T;
  }
  if (v instanceof Date) return new Date(v.getTime()) as T;
  return v;
};

const numberKey = (n: number): string => (Object.is(n, -0) ? '0' : String(n));

/**
 * Equality key: two values get the same key exactly when MongoDB considers them equal (numbers across BSON types
 * compare by value). Used for _id lookup and unique indexes.
 */
export const keyString = (v: unknown): string => {
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return 'n' + numberKey(v);
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'undefined':
      return 'z';
    case 'bigint':
      return 'n' + v.toString();
    case 'function':
    case 'object':
    case 'symbol':
      break;
  }
  if (v === null) return 'z';
  if (v instanceof ObjectId) return 'o' + v.toHexString();
  if (v instanceof Date) return 'd' + v.getTime();
  if (isLong(v)) {
    return v.lessThanOrEqual(Number.MAX_SAFE_INTEGER) && v.greaterThanOrEqual(Number.MIN_SAFE_INTEGER)
      ? 'n' + numberKey(v.toNumber())
      : 'n' + v.toString();
  }
  if (v instanceof Double || v instanceof Int32) return 'n' + numberKey(v.value);
  if (v instanceof Decimal128) return 'n' + numberKey(Number(v.toString()));
  if (v instanceof Binary) return 'B' + v.sub_type + ':' + Buffer.from(v.buffer).toString('base64');
  if (v instanceof RegExp) return 'r' + v.source + '/' + v.flags;
  if (Array.isArray(v)) return 'a' + JSON.stringify(v.map(keyString));
  if ((v as { constructor?: unknown }).constructor === Object) {
    const parts: string[] = [];
    for (const k in v as Doc) parts.push(k, keyString((v as Doc)[k]));
    return 'O' + JSON.stringify(parts);
  }
  const tagged = v as { _bsontype?: string; toString(): string };
  return 'x' + (tagged._bsontype ?? '') + ':' + JSON.stringify(tagged.toString());
};

/** Reads a dotted path without array traversal; returns undefined when any step is missing. */
export const getPath = (doc: unknown, path: string): unknown => {
  if (!path.includes('.')) return (doc as Doc | undefined)?.[path];
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Doc)[part];
  }
  return cur;
};

/** All values a path reaches, descending into arrays like MongoDB's multikey indexes and sorts do. */
export const getPathValues = (doc: unknown, path: string): unknown[] => {
  const parts = path.split('.');
  const out: unknown[] = [];
  const walk = (cur: unknown, i: number): void => {
    if (i === parts.length) {
      if (Array.isArray(cur)) {
        if (cur.length === 0) out.push(undefined);
        else out.push(...(cur as unknown[]));
      } else out.push(cur);
      return;
    }
    if (Array.isArray(cur)) {
      const idx = Number(parts[i]);
      if (/^\d+$/.test(parts[i] ?? '') && idx < cur.length) walk(cur[idx], i + 1);
      else for (const el of cur as unknown[]) if (el !== null && typeof el === 'object') walk(el, i);
      return;
    }
    if (cur === null || typeof cur !== 'object') {
      out.push(undefined);
      return;
    }
    walk((cur as Doc)[parts[i] as string], i + 1);
  };
  walk(doc, 0);
  return out.length ? out : [undefined];
};

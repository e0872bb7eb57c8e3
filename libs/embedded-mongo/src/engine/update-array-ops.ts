import { compareBson, parseSort, sortDocs } from '../bson/compare';
import { cloneValue, type Doc, keyString } from '../bson/values';
import { QUERY_HOOKS } from './agg-numeric';
import { MongoServerError } from './errors';
import { compileQuery } from './matcher';
import { parentOf, read, write } from './update-ops';

/**
 * Array update operators on plain paths. mingo has them too, but every mingo update call rebuilds its operator
 * context, which made a projection's `$push` cost ten times a `$set`.
 */
export const ARRAY_OPS = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);

const isOperatorDoc = (v: unknown): v is Doc =>
  v !== null &&
  typeof v === 'object' &&
  v.constructor === Object &&
  Object.keys(v).some((k) => k.startsWith('$'));

const LOGICAL = new Set(['$and', '$or', '$nor', '$expr']);

const typeName = (v: unknown): string => (v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v);

/** The array at `path` (created empty when missing and `create`), or undefined if absent. */
const arrayAt = (doc: Doc, path: string, op: string, create: boolean): unknown[] | undefined => {
  const p = parentOf(doc, path, create);
  if (!p) return undefined;
  const cur = read(p);
  if (cur === undefined) {
    if (!create) return undefined;
    const arr: unknown[] = [];
    write(p, arr);
    return arr;
  }
  if (!Array.isArray(cur))
    throw new MongoServerError(
      2,
      `The field '${path}' must be an array but is of type ${typeName(cur)} in document {${op}}`,
    );
  return cur as unknown[];
};

const asInt = (v: unknown, what: string): number => {
  const n = Number((v as { valueOf(): unknown } | null)?.valueOf());
  if (!Number.isInteger(n)) throw new MongoServerError(2, `The value for ${what} must be an integer`);
  return n;
};

const push = (doc: Doc, path: string, arg: unknown): void => {
  const arr = arrayAt(doc, path, '$push', true) as unknown[];
  if (!isOperatorDoc(arg) || !('$each' in arg)) {
    arr.push(cloneValue(arg));
    return;
  }
  if (!Array.isArray(arg.$each))
    throw new MongoServerError(2, 'The argument to $each in $push must be an array');
  const items = (arg.$each as unknown[]).map(cloneValue);
  let at = arg.$position === undefined ? arr.length : asInt(arg.$position, '$position');
  if (at < 0) at = Math.max(0, arr.length + at);
  arr.splice(Math.min(at, arr.length), 0, ...items);
  if (arg.$sort !== undefined) {
    const spec = arg.$sort;
    const sorted =
      spec !== null && typeof spec === 'object'
        ? sortDocs(arr, parseSort(spec), (x) => (x ?? {}) as Doc)
        : arr.slice().sort((a, b) => compareBson(a, b) * (Number(spec) < 0 ? -1 : 1));
    arr.splice(0, arr.length, ...sorted);
  }
  if (arg.$slice !== undefined) {
    const n = asInt(arg.$slice, '$slice');
    const kept = n >= 0 ? arr.slice(0, n) : arr.slice(Math.max(0, arr.length + n));
    arr.splice(0, arr.length, ...kept);
  }
};

const addToSet = (doc: Doc, path: string, arg: unknown): void => {
  const arr = arrayAt(doc, path, '$addToSet', true) as unknown[];
  const items = isOperatorDoc(arg) && '$each' in arg ? (arg.$each as unknown[]) : [arg];
  if (!Array.isArray(items))
    throw new MongoServerError(2, 'The argument to $each in $addToSet must be an array');
  const present = new Set(arr.map(keyString));
  for (const item of items) {
    const k = keyString(item);
    if (present.has(k)) continue;
    present.add(k);
    arr.push(cloneValue(item));
  }
};

const pull = (doc: Doc, path: string, arg: unknown, all: boolean): void => {
  const arr = arrayAt(doc, path, all ? '$pullAll' : '$pull', false);
  if (!arr) return;
  let remove: (el: unknown) => boolean;
  if (all) {
    if (!Array.isArray(arg)) throw new MongoServerError(2, '$pullAll requires an array argument');
    const keys = new Set(arg.map(keyString));
    remove = (el) => keys.has(keyString(el));
  } else if (arg !== null && typeof arg === 'object' && arg.constructor === Object) {
    const first = Object.keys(arg)[0] ?? '';
    // `{$gt: 1}` tests each element as a value; `{a: 1}` or `{$or: [...]}` tests elements as documents
    if (first.startsWith('$') && !LOGICAL.has(first)) {
      const q = compileQuery({ v: arg }, QUERY_HOOKS);
      remove = (el) => q({ v: el });
    } else {
      const q = compileQuery(arg as Doc, QUERY_HOOKS);
      remove = (el) => el !== null && typeof el === 'object' && !Array.isArray(el) && q(el);
    }
  } else {
    const k = keyString(arg);
    remove = (el) => keyString(el) === k;
  }
  const kept = arr.filter((el) => !remove(el));
  if (kept.length !== arr.length) arr.splice(0, arr.length, ...kept);
};

export const applyArrayOp = (doc: Doc, op: string, path: string, arg: unknown): void => {
  switch (op) {
    case '$push':
      return push(doc, path, arg);
    case '$addToSet':
      return addToSet(doc, path, arg);
    case '$pull':
      return pull(doc, path, arg, false);
    case '$pullAll':
      return pull(doc, path, arg, true);
    case '$pop': {
      const arr = arrayAt(doc, path, '$pop', false);
      if (arr && arr.length) {
        if (Number(arg) < 0) arr.shift();
        else arr.pop();
      }
      return;
    }
    default:
      throw new MongoServerError(9, `Unknown modifier: ${op}`);
  }
};

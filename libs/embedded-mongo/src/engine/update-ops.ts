import { Timestamp } from 'bson';
import { compareBson } from '../bson/compare';
import { arith as numericArith, numKind } from '../bson/numeric';
import { type Doc, setOwn } from '../bson/values';
import { MongoServerError } from './errors';

/**
 * The update operators whose numeric semantics mingo does not get right (BSON number types, $setOnInsert),
 * applied to plain (non-positional) paths of a document the caller owns.
 */
const arith = (op: '$inc' | '$mul', a: unknown, b: unknown): unknown =>
  numericArith(op === '$inc' ? 'add' : 'mul', a, b);

const kindOf = numKind;

const pathError = (path: string, msg: string): MongoServerError =>
  new MongoServerError(28, `Cannot create field in path '${path}': ${msg}`);

/** Walks to the parent of the last path segment, creating objects on the way when `create`. */
export const parentOf = (
  doc: Doc,
  path: string,
  create: boolean,
): { parent: Doc | unknown[]; key: string } | null => {
  const parts = path.split('.');
  let cur: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const container = cur as Doc | unknown[];
    let next: unknown = Array.isArray(container)
      ? container[Number(part)]
      : Object.prototype.hasOwnProperty.call(container, part)
        ? container[part]
        : undefined;
    if (next === undefined || next === null) {
      if (!create) return null;
      if (Array.isArray(container) && !/^\d+$/.test(part))
        throw pathError(path, `'${part}' is not an array index`);
      next = {};
      if (Array.isArray(container)) {
        while (container.length < Number(part)) container.push(null);
        container[Number(part)] = next;
      } else setOwn(container, part, next);
    } else if (
      typeof next !== 'object' ||
      next instanceof Date ||
      (!Array.isArray(next) && next.constructor !== Object)
    ) {
      if (!create) return null;
      throw pathError(path, `element ${parts.slice(0, i + 1).join('.')} is not an object`);
    }
    cur = next;
  }
  return { parent: cur as Doc, key: parts[parts.length - 1] as string };
};

export const read = (p: { parent: Doc | unknown[]; key: string }): unknown =>
  Array.isArray(p.parent)
    ? p.parent[Number(p.key)]
    : Object.prototype.hasOwnProperty.call(p.parent, p.key)
      ? p.parent[p.key]
      : undefined;

export const write = (p: { parent: Doc | unknown[]; key: string }, v: unknown): void => {
  if (Array.isArray(p.parent)) {
    const i = Number(p.key);
    if (!Number.isInteger(i)) throw pathError(p.key, 'not an array index');
    while (p.parent.length < i) p.parent.push(null);
    p.parent[i] = v;
  } else setOwn(p.parent, p.key, v);
};

export const setPath = (doc: Doc, path: string, value: unknown): void =>
  write(parentOf(doc, path, true) as { parent: Doc; key: string }, value);

export const SIMPLE_OPS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$setOnInsert',
  '$currentDate',
]);

export const applySimpleOp = (doc: Doc, op: string, path: string, arg: unknown, isInsert: boolean): void => {
  switch (op) {
    case '$setOnInsert':
      if (isInsert) setPath(doc, path, arg);
      return;
    case '$set':
      setPath(doc, path, arg);
      return;
    case '$unset': {
      const p = parentOf(doc, path, false);
      if (!p) return;
      if (Array.isArray(p.parent)) {
        if (Number(p.key) < p.parent.length) p.parent[Number(p.key)] = null;
      } else delete p.parent[p.key];
      return;
    }
    case '$inc':
    case '$mul': {
      if (kindOf(arg) === null)
        throw new MongoServerError(
          14,
          `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${String(arg)}}`,
        );
      const p = parentOf(doc, path, true) as { parent: Doc; key: string };
      const cur = read(p);
      if (cur === undefined) return write(p, op === '$inc' ? arg : arith('$mul', 0, arg));
      const r = arith(op, cur, arg);
      if (r === undefined)
        throw new MongoServerError(
          14,
          `Cannot apply ${op} to a value of non-numeric type. {_id: ...} has the field '${path}' of non-numeric type`,
        );
      return write(p, r);
    }
    case '$min':
    case '$max': {
      const p = parentOf(doc, path, true) as { parent: Doc; key: string };
      const cur = read(p);
      const d = cur === undefined ? 0 : compareBson(arg, cur);
      if (cur === undefined || (op === '$min' ? d < 0 : d > 0)) write(p, arg);
      return;
    }
    case '$currentDate': {
      const wantTs = !!arg && typeof arg === 'object' && (arg as Doc).$type === 'timestamp';
      setPath(doc, path, wantTs ? new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }) : new Date());
      return;
    }
    default:
      throw new MongoServerError(9, `Unknown modifier: ${op}`);
  }
};

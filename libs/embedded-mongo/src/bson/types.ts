import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Code,
  DBRef,
  Decimal128,
  Double,
  Int32,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
} from 'bson';
import { isLong } from './values';

/** The BSON type alias of an in-memory value (plain numbers are int32 when integral in range, else double). */
export const bsonTypeName = (v: unknown): string => {
  switch (typeof v) {
    case 'undefined':
      return 'missing';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) && v <= 2147483647 && v >= -2147483648 && !Object.is(v, -0)
        ? 'int'
        : 'double';
    case 'bigint':
      return 'long';
    case 'function':
    case 'object':
    case 'symbol':
      break;
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Double) return 'double';
  if (v instanceof Int32) return 'int';
  if (v instanceof Timestamp) return 'timestamp';
  if (isLong(v)) return 'long';
  if (v instanceof Decimal128) return 'decimal';
  if (v instanceof ObjectId) return 'objectId';
  if (v instanceof Binary) return 'binData';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp || v instanceof BSONRegExp) return 'regex';
  if (v instanceof BSONSymbol) return 'symbol';
  if (v instanceof Code) return 'javascript';
  if (v instanceof MinKey) return 'minKey';
  if (v instanceof MaxKey) return 'maxKey';
  if (v instanceof DBRef) return 'object';
  return 'object';
};

const TYPE_NUMBERS: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

const NUMBER_TYPES = new Set(['double', 'int', 'long', 'decimal']);

/** Whether `v` has the BSON type named or numbered by `t` (`"number"` covers all four numeric types). */
export const hasBsonType = (v: unknown, t: unknown): boolean => {
  const name = bsonTypeName(v);
  if (t === 'number') return NUMBER_TYPES.has(name);
  if (typeof t === 'number') return TYPE_NUMBERS[name] === t;
  return name === t;
};

/** `null` when `t` names no BSON type (the caller reports MongoDB's BadValue). */
export const validBsonType = (t: unknown): boolean =>
  t === 'number' ||
  (typeof t === 'string' && t in TYPE_NUMBERS) ||
  (typeof t === 'number' && Object.values(TYPE_NUMBERS).includes(t));

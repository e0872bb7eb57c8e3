import { Decimal128, Double, Int32, Long } from 'bson';
import {
  addDec,
  cmpDec,
  type Dec,
  decFromDouble,
  decFromInt,
  decOf,
  decToNumber,
  divDec,
  mulDec,
  toDecimal128,
} from './decimal';
import { isLong } from './values';

/**
 * Arithmetic with MongoDB's numeric type rules over the in-memory forms of `values.ts`: int32 widens to int64 on
 * overflow, int64 to double; anything with a double is double; anything with a decimal is an exact decimal.
 */
export const enum Kind {
  Int = 0,
  Long = 1,
  Double = 2,
  Decimal = 3,
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

export const numKind = (v: unknown): Kind | null => {
  if (typeof v === 'number')
    return Number.isInteger(v) && v <= INT32_MAX && v >= INT32_MIN ? Kind.Int : Kind.Double;
  if (isLong(v)) return Kind.Long;
  if (v instanceof Double) return Kind.Double;
  if (v instanceof Int32) return Kind.Int;
  if (v instanceof Decimal128) return Kind.Decimal;
  return null;
};

export const isNumeric = (v: unknown): boolean => numKind(v) !== null;

export const asDouble = (v: unknown): number => {
  if (typeof v === 'number') return v;
  if (isLong(v)) return v.toNumber();
  if (v instanceof Double || v instanceof Int32) return v.value;
  if (v instanceof Decimal128) return decToNumber(decOf(v));
  return NaN;
};

export const asBigInt = (v: unknown): bigint => (isLong(v) ? v.toBigInt() : BigInt(asDouble(v)));

export const asDec = (v: unknown): Dec => {
  if (v instanceof Decimal128) return decOf(v);
  if (isLong(v)) return decFromInt(v.toBigInt());
  const k = numKind(v);
  return k === Kind.Int ? decFromInt(BigInt(asDouble(v))) : decFromDouble(asDouble(v));
};

/** A double result: integral values keep a Double wrapper so they are not written back as int32. */
export const makeDouble = (n: number): number | Double =>
  Number.isInteger(n) && n <= INT32_MAX && n >= INT32_MIN ? new Double(n) : n;

/** An integer result of `kind` Int or Long, widened when it does not fit. */
export const makeInt = (r: bigint, kind: Kind): unknown => {
  if (kind === Kind.Int && r <= BigInt(INT32_MAX) && r >= BigInt(INT32_MIN)) return Number(r);
  if (r <= INT64_MAX && r >= INT64_MIN) return Long.fromBigInt(r);
  return makeDouble(Number(r));
};

export type ArithOp = 'add' | 'sub' | 'mul';

/** `undefined` when either operand is not a number. */
export const arith = (op: ArithOp, a: unknown, b: unknown): unknown => {
  const ka = numKind(a);
  const kb = numKind(b);
  if (ka === null || kb === null) return undefined;
  const k = Math.max(ka, kb) as Kind;
  if (k === Kind.Decimal) {
    const da = asDec(a);
    const db = asDec(b);
    return toDecimal128(op === 'mul' ? mulDec(da, db) : addDec(da, db, op === 'sub'));
  }
  if (k === Kind.Double) {
    const x = asDouble(a);
    const y = asDouble(b);
    return makeDouble(op === 'add' ? x + y : op === 'sub' ? x - y : x * y);
  }
  const x = asBigInt(a);
  const y = asBigInt(b);
  return makeInt(op === 'add' ? x + y : op === 'sub' ? x - y : x * y, k);
};

/** `$divide`: a double unless a decimal is involved. */
export const divide = (a: unknown, b: unknown): unknown => {
  const ka = numKind(a);
  const kb = numKind(b);
  if (ka === null || kb === null) return undefined;
  if (ka === Kind.Decimal || kb === Kind.Decimal) return toDecimal128(divDec(asDec(a), asDec(b)));
  return makeDouble(asDouble(a) / asDouble(b));
};

export const isZero = (v: unknown): boolean =>
  v instanceof Decimal128 ? cmpDec(decOf(v), decFromInt(0n)) === 0 : asDouble(v) === 0;

/** Numeric comparison across kinds, exact for Long and Decimal128. */
export const compareNumeric = (a: unknown, b: unknown): number => {
  const ka = numKind(a) as Kind;
  const kb = numKind(b) as Kind;
  if (ka === Kind.Decimal || kb === Kind.Decimal) return cmpDec(asDec(a), asDec(b));
  if ((ka === Kind.Long || kb === Kind.Long) && ka !== Kind.Double && kb !== Kind.Double) {
    const x = asBigInt(a);
    const y = asBigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = asDouble(a);
  const y = asDouble(b);
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Converts a number to `kind`, as `$toDecimal`/`$toLong`/`$toDouble`/`$toInt` do. */
export const convertNumber = (v: unknown, kind: Kind): unknown => {
  switch (kind) {
    case Kind.Decimal:
      return toDecimal128(asDec(v));
    case Kind.Double:
      return makeDouble(asDouble(v));
    case Kind.Long:
      return isLong(v) ? v : Long.fromBigInt(BigInt(Math.trunc(asDouble(v))));
    case Kind.Int:
      return Math.trunc(asDouble(v));
  }
};

import { Binary } from 'bson';
import { asDouble, isNumeric } from '../bson/numeric';
import { isLong } from '../bson/values';
import { badValue } from './errors';

export type BitOp = '$bitsAllSet' | '$bitsAllClear' | '$bitsAnySet' | '$bitsAnyClear';

/** Bit positions named by a bitmask operand: a non-negative integer, BinData (little-endian) or a position list. */
const positions = (op: string, arg: unknown): number[] => {
  if (arg instanceof Binary) return binaryBits(arg);
  if (Array.isArray(arg))
    return arg.map((p) => {
      const n = isNumeric(p) ? asDouble(p) : NaN;
      if (!Number.isInteger(n) || n < 0)
        throw badValue(`bit positions must be non-negative integers for ${op}`);
      return n;
    });
  const n = isNumeric(arg) ? (isLong(arg) ? arg.toBigInt() : asDouble(arg)) : NaN;
  if (typeof n === 'number' && (!Number.isInteger(n) || n < 0))
    throw badValue(`${op} takes an Array, a number, or a BinData but received: ${String(arg)}`);
  const big = BigInt(n);
  if (big < 0n) throw badValue(`${op} bitmask must be non-negative`);
  const out: number[] = [];
  for (let i = 0; i < 64; i++) if ((big >> BigInt(i)) & 1n) out.push(i);
  return out;
};

const binaryBits = (b: Binary): number[] => {
  const bytes = b.buffer.subarray(0, b.position);
  const out: number[] = [];
  bytes.forEach((byte, i) => {
    for (let k = 0; k < 8; k++) if ((byte >> k) & 1) out.push(i * 8 + k);
  });
  return out;
};

/** Reads bit `p` of a value; undefined when the value has no bits (non-integral number, other types). */
const bitReader = (v: unknown): ((p: number) => boolean) | undefined => {
  if (v instanceof Binary) {
    const bytes = v.buffer.subarray(0, v.position);
    return (p) => ((bytes[p >> 3] ?? 0) >> (p & 7)) % 2 === 1;
  }
  if (!isNumeric(v)) return undefined;
  let big: bigint;
  if (isLong(v)) big = v.toBigInt();
  else {
    const n = asDouble(v);
    if (!Number.isInteger(n) || Math.abs(n) > 2 ** 63) return undefined;
    big = BigInt(n);
  }
  const u = BigInt.asUintN(64, big);
  return (p) => (p >= 64 ? big < 0n : ((u >> BigInt(p)) & 1n) === 1n);
};

export const bitTest = (op: BitOp, arg: unknown): ((v: unknown) => boolean) => {
  const ps = positions(op, arg);
  return (v) => {
    const bit = bitReader(v);
    if (!bit) return false;
    switch (op) {
      case '$bitsAllSet':
        return ps.every((p) => bit(p));
      case '$bitsAllClear':
        return ps.every((p) => !bit(p));
      case '$bitsAnySet':
        return ps.some((p) => bit(p));
      case '$bitsAnyClear':
        return ps.some((p) => !bit(p));
    }
  };
};

import { Decimal128 } from 'bson';

/**
 * Exact Decimal128 arithmetic: values are coefficient × 10^exponent as BigInt, rounded back to 34 significant
 * digits (IEEE 754 round-half-even, done by bson's `fromStringWithRounding`) only when the result is built.
 * Money must never pass through a double.
 */
export type Dec =
  | { kind: 'finite'; neg: boolean; coef: bigint; exp: number }
  | { kind: 'inf'; neg: boolean }
  | { kind: 'nan' };

const PARSE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export const parseDec = (s: string): Dec => {
  const t = s.trim();
  if (/^[+-]?nan$/i.test(t)) return { kind: 'nan' };
  if (/^[+-]?inf(inity)?$/i.test(t)) return { kind: 'inf', neg: t.startsWith('-') };
  const m = PARSE.exec(t);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return { kind: 'nan' };
  const frac = m[3] ?? '';
  return {
    kind: 'finite',
    neg: m[1] === '-',
    coef: BigInt((m[2] ?? '') + frac || '0'),
    exp: Number(m[4] ?? 0) - frac.length,
  };
};

export const decOf = (d: Decimal128): Dec => parseDec(d.toString());

export const toDecimal128 = (d: Dec): Decimal128 => {
  if (d.kind === 'nan') return Decimal128.fromString('NaN');
  if (d.kind === 'inf') return Decimal128.fromString(d.neg ? '-Infinity' : 'Infinity');
  return Decimal128.fromStringWithRounding(`${d.neg ? '-' : ''}${d.coef.toString()}E${d.exp}`);
};

const signed = (d: { neg: boolean; coef: bigint }): bigint => (d.neg ? -d.coef : d.coef);
const finite = (v: bigint, exp: number, negZero = false): Dec => ({
  kind: 'finite',
  neg: v < 0n || (v === 0n && negZero),
  coef: v < 0n ? -v : v,
  exp,
});
const pow10 = (n: number): bigint => 10n ** BigInt(n);

export const addDec = (a: Dec, b: Dec, subtract = false): Dec => {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  const bNeg = b.kind === 'finite' || b.kind === 'inf' ? b.neg !== subtract : false;
  if (a.kind === 'inf' && b.kind === 'inf') return a.neg === bNeg ? a : { kind: 'nan' };
  if (a.kind === 'inf') return a;
  if (b.kind === 'inf') return { kind: 'inf', neg: bNeg };
  const exp = Math.min(a.exp, b.exp);
  const va = signed(a) * pow10(a.exp - exp);
  const vb = (bNeg ? -b.coef : b.coef) * pow10(b.exp - exp);
  return finite(va + vb, exp, a.neg && bNeg);
};

export const mulDec = (a: Dec, b: Dec): Dec => {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  const neg = a.neg !== b.neg;
  if (a.kind === 'inf' || b.kind === 'inf') {
    const zero = (a.kind === 'finite' && a.coef === 0n) || (b.kind === 'finite' && b.coef === 0n);
    return zero ? { kind: 'nan' } : { kind: 'inf', neg };
  }
  return { kind: 'finite', neg, coef: a.coef * b.coef, exp: a.exp + b.exp };
};

/** Quotient to 40 digits plus a sticky digit, so the final rounding to 34 digits is correct. */
export const divDec = (a: Dec, b: Dec): Dec => {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  const neg = a.neg !== b.neg;
  if (a.kind === 'inf') return b.kind === 'inf' ? { kind: 'nan' } : { kind: 'inf', neg };
  if (b.kind === 'inf') return { kind: 'finite', neg, coef: 0n, exp: 0 };
  if (b.coef === 0n) return a.coef === 0n ? { kind: 'nan' } : { kind: 'inf', neg };
  const ideal = a.exp - b.exp;
  if (a.coef === 0n) return { kind: 'finite', neg, coef: 0n, exp: ideal };
  const shift = Math.max(0, 40 + b.coef.toString().length - a.coef.toString().length);
  const num = a.coef * pow10(shift);
  let q = num / b.coef;
  const rem = num % b.coef;
  let exp = ideal - shift;
  if (rem !== 0n) return { kind: 'finite', neg, coef: q * 10n + 1n, exp: exp - 1 };
  while (exp < ideal && q % 10n === 0n) {
    q /= 10n;
    exp++;
  }
  return { kind: 'finite', neg, coef: q, exp };
};

export const cmpDec = (a: Dec, b: Dec): number => {
  if (a.kind === 'nan' || b.kind === 'nan') return a.kind === b.kind ? 0 : a.kind === 'nan' ? -1 : 1;
  const rank = (d: Dec): number => (d.kind === 'inf' ? (d.neg ? -1 : 1) : 0);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== 0 || rb !== 0) return ra === rb ? 0 : ra < rb ? -1 : 1;
  const fa = a as Extract<Dec, { kind: 'finite' }>;
  const fb = b as Extract<Dec, { kind: 'finite' }>;
  const exp = Math.min(fa.exp, fb.exp);
  const va = signed(fa) * pow10(fa.exp - exp);
  const vb = signed(fb) * pow10(fb.exp - exp);
  return va < vb ? -1 : va > vb ? 1 : 0;
};

/** A double becomes a decimal with 15 significant digits, as MongoDB converts it. */
export const decFromDouble = (n: number): Dec => {
  if (Number.isNaN(n)) return { kind: 'nan' };
  if (!Number.isFinite(n)) return { kind: 'inf', neg: n < 0 };
  if (n === 0) return { kind: 'finite', neg: Object.is(n, -0), coef: 0n, exp: 0 };
  return parseDec(n.toPrecision(15));
};

/** A double's exact value, rounded to 34 digits only when it has more (how `$sum` folds doubles into a decimal). */
export const decFromDoubleExact = (n: number): Dec => {
  if (!Number.isFinite(n) || n === 0) return decFromDouble(n);
  const s = n.toPrecision(34);
  return parseDec(s.includes('e') || !s.includes('.') ? s : s.replace(/\.?0+$/, ''));
};

export const decFromInt = (v: bigint): Dec => finite(v, 0);

export const decToNumber = (d: Dec): number =>
  d.kind === 'nan' ? NaN : d.kind === 'inf' ? (d.neg ? -Infinity : Infinity) : Number(toString(d));

const toString = (d: Extract<Dec, { kind: 'finite' }>): string => `${d.neg ? '-' : ''}${d.coef}e${d.exp}`;

export type RoundMode = 'even' | 'trunc' | 'floor' | 'ceil';

/** Rounds to `place` decimal places (negative: to tens, hundreds...) exactly, as `$round`/`$trunc` do on decimals. */
export const roundDec = (d: Dec, place: number, mode: RoundMode): Dec => {
  if (d.kind !== 'finite' || d.exp >= -place) return d;
  const drop = pow10(-place - d.exp);
  let q = d.coef / drop;
  const r = d.coef % drop;
  if (r !== 0n) {
    const up =
      mode === 'even'
        ? r * 2n > drop || (r * 2n === drop && q % 2n === 1n)
        : mode === 'trunc'
          ? false
          : mode === 'ceil'
            ? !d.neg
            : d.neg;
    if (up) q += 1n;
  }
  return { kind: 'finite', neg: d.neg, coef: q, exp: -place };
};

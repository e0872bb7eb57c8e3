import { Decimal128, Long } from 'bson';
import { Context } from 'mingo';
import { evalExpr } from 'mingo/core';
import { Lazy } from 'mingo/lazy';
import * as accumulators from 'mingo/operators/accumulator';
import * as expressions from 'mingo/operators/expression';
import * as pipelines from 'mingo/operators/pipeline';
import * as projections from 'mingo/operators/projection';
import * as queries from 'mingo/operators/query';
import * as windows from 'mingo/operators/window';
import { compareBson, parseSort, sortDocs, TEXT_SCORES } from '../bson/compare';
import { addDec, decFromDoubleExact, decOf, type RoundMode, roundDec, toDecimal128 } from '../bson/decimal';
import {
  arith,
  type ArithOp,
  asDec,
  asDouble,
  convertNumber,
  divide,
  isNumeric,
  isZero,
  Kind,
  numKind,
} from '../bson/numeric';
import { bsonTypeName } from '../bson/types';
import { type Doc, isLong, keyString, numericView } from '../bson/values';
import { tick } from './deadline';
import { MongoServerError } from './errors';
import { compileQuery, type MatcherHooks } from './matcher';

/**
 * mingo operators replaced so aggregation keeps BSON numeric types: documents reach mingo with their Long,
 * Decimal128 and Double wrappers intact, and every operator that computes with or compares numbers is ours.
 * Operators we do not replace see plain numbers (`numericView`) for their evaluated arguments.
 */
type Options = unknown;
type Expr = (obj: unknown, expr: unknown, options: Options) => unknown;
type Acc = (coll: unknown[], expr: unknown, options: Options) => unknown;

const nil = (v: unknown): boolean => v === null || v === undefined;
const args = (obj: unknown, expr: unknown, options: Options): unknown[] => {
  tick();
  const v = evalExpr(obj, expr, options);
  return Array.isArray(expr) ? (v as unknown[]) : [v];
};
const literal = (vs: unknown[]): unknown[] => vs.map((v) => ({ $literal: numericView(v) }));

/** Falls back to mingo's own operator (dates, strings) with the evaluated arguments as plain literals. */
const viaMingo = (name: string, obj: unknown, vs: unknown[], options: Options): unknown =>
  expressions[name]?.(obj, literal(vs), options);

const fold =
  (name: string, op: ArithOp): Expr =>
  (obj, expr, options) => {
    const vs = args(obj, expr, options);
    if (vs.some(nil)) return null;
    if (!vs.every(isNumeric)) return viaMingo(name, obj, vs, options);
    return vs.slice(1).reduce((acc, v) => arith(op, acc, v), vs[0]);
  };

const $divide: Expr = (obj, expr, options) => {
  const [a, b] = args(obj, expr, options);
  if (nil(a) || nil(b)) return null;
  if (!isNumeric(a) || !isNumeric(b))
    throw new MongoServerError(16609, '$divide only supports numeric types');
  if (isZero(b)) throw new MongoServerError(2, "can't $divide by zero");
  return divide(a, b);
};

const $mod: Expr = (obj, expr, options) => {
  const [a, b] = args(obj, expr, options);
  if (nil(a) || nil(b)) return null;
  if (isZero(b)) throw new MongoServerError(16610, "can't $mod by zero");
  const k = Math.max(numKind(a) ?? 2, numKind(b) ?? 2) as Kind;
  if (k <= Kind.Long) return arith('sub', a, arith('mul', b, divTrunc(a, b, k)));
  const r = asDouble(a) % asDouble(b);
  return k === Kind.Decimal ? convertNumber(r, Kind.Decimal) : convertNumber(r, Kind.Double);
};
const divTrunc = (a: unknown, b: unknown, k: Kind): unknown => {
  const q =
    (isLong(a) ? a.toBigInt() : BigInt(asDouble(a))) / (isLong(b) ? b.toBigInt() : BigInt(asDouble(b)));
  return k === Kind.Int ? Number(q) : Long.fromBigInt(q);
};

const ROUNDING: Record<string, RoundMode> = {
  $round: 'even',
  $trunc: 'trunc',
  $ceil: 'ceil',
  $floor: 'floor',
};

/** Unary math ($abs, $round, $sqrt, ...): computed by mingo on doubles, the result converted back to the input kind. */
const unary =
  (name: string, keepInt: boolean): Expr =>
  (obj, expr, options) => {
    const vs = args(obj, expr, options);
    if (nil(vs[0])) return null;
    const k = numKind(vs[0]);
    if (k === Kind.Decimal && name === '$abs') {
      const d = decOf(vs[0] as Decimal128);
      return d.kind === 'nan' ? vs[0] : toDecimal128({ ...d, neg: false });
    }
    const mode = ROUNDING[name];
    if (k === Kind.Decimal && mode) {
      const place = vs[1] === undefined ? 0 : asDouble(vs[1]);
      return toDecimal128(roundDec(decOf(vs[0] as Decimal128), place, mode));
    }
    if ((k === Kind.Long || k === Kind.Int) && keepInt && name === '$abs') {
      const big = isLong(vs[0]) ? vs[0].toBigInt() : BigInt(vs[0] as number);
      return arith('mul', vs[0], big < 0n ? -1 : 1);
    }
    if ((k === Kind.Long || k === Kind.Int) && keepInt && (vs[1] === undefined || asDouble(vs[1]) >= 0))
      return vs[0];
    const r = viaMingo(name, obj, vs, options);
    if (typeof r !== 'number' || k === null) return r;
    if (k === Kind.Decimal) return convertNumber(r, Kind.Decimal);
    return keepInt && k !== Kind.Double ? convertNumber(r, k) : convertNumber(r, Kind.Double);
  };

const cmp = (test: (d: number) => boolean): Expr => {
  return (obj, expr, options) => {
    const [a, b] = args(obj, expr, options);
    return test(compareBson(a, b));
  };
};

const $in: Expr = (obj, expr, options) => {
  const [v, arr] = args(obj, expr, options);
  if (!Array.isArray(arr)) throw new MongoServerError(40081, '$in requires an array as a second argument');
  const k = keyString(v);
  return arr.some((x) => keyString(x) === k);
};

const converter =
  (kind: Kind, name: string): Expr =>
  (obj, expr, options) => {
    const [v] = args(obj, expr, options);
    if (nil(v)) return null;
    if (isNumeric(v)) {
      if (kind === Kind.Long && isLong(v)) return v;
      if (kind === Kind.Decimal) return toDecimal128(asDec(v));
      return convertNumber(v, kind);
    }
    if (kind === Kind.Decimal && typeof v === 'string') return Decimal128.fromString(v);
    if (kind === Kind.Long && typeof v === 'string' && /^-?\d+$/.test(v)) return Long.fromString(v);
    const r = viaMingo(name, obj, [v], options);
    return typeof r === 'number' ? convertNumber(r, kind) : r;
  };

const $toString: Expr = (obj, expr, options) => {
  const [v] = args(obj, expr, options);
  if (isLong(v) || v instanceof Decimal128) return v.toString();
  return viaMingo('$toString', obj, [v], options);
};

const $type: Expr = (obj, expr, options) => bsonTypeName(evalExpr(obj, expr, options));
const $isNumber: Expr = (obj, expr, options) => isNumeric(evalExpr(obj, expr, options));

/** Accumulators get their inputs through mingo's $push; in expression form (`expr === null`) `coll` is the input. */
const inputs = (coll: unknown[], expr: unknown, options: Options): unknown[] =>
  expr === null ? coll : accumulators.$push(coll, expr, options);

/** Like mongod: decimals and the other numbers are summed apart, the latter joining at full precision. */
const sumOf = (values: unknown[]): { sum: unknown; n: number } => {
  let sum: unknown = 0;
  let decimals: unknown = null;
  let n = 0;
  for (const v of values) {
    if (!isNumeric(v)) continue;
    if (v instanceof Decimal128) decimals = decimals === null ? v : arith('add', decimals, v);
    else sum = arith('add', sum, v);
    n++;
  }
  if (decimals === null) return { sum, n };
  const rest = numKind(sum) === Kind.Double ? decFromDoubleExact(asDouble(sum)) : asDec(sum);
  return { sum: toDecimal128(addDec(decOf(decimals as Decimal128), rest)), n };
};

const $sum: Acc = (coll, expr, options) => {
  if (expr !== null && isNumeric(expr)) return arith('mul', expr, coll.length);
  return sumOf(inputs(coll, expr, options)).sum;
};

const $avg: Acc = (coll, expr, options) => {
  const { sum, n } = sumOf(inputs(coll, expr, options));
  if (n === 0) return null;
  return sum instanceof Decimal128 ? divide(sum, n) : asDouble(sum) / n;
};

const extreme =
  (sign: 1 | -1): Acc =>
  (coll, expr, options) => {
    let best: unknown = null;
    for (const v of inputs(coll, expr, options))
      if (!nil(v) && (best === null || compareBson(v, best) * sign > 0)) best = v;
    return best;
  };

/** `$match` with the server's own query matcher (BSON types, bounded regexes). */
const $match = (coll: { filter: (f: (d: Doc) => boolean) => unknown }, expr: unknown): unknown => {
  if (!expr || typeof expr !== 'object' || Array.isArray(expr))
    throw new MongoServerError(15959, 'the match filter must be an expression in an object');
  const q = compileQuery(expr as Doc, QUERY_HOOKS);
  return coll.filter((d) => q(d));
};

/** `$sort` with MongoDB's cross-type order and array/number semantics. */
const $sort = (coll: { transform: (f: (xs: Doc[]) => unknown) => unknown }, spec: unknown): unknown =>
  coll.transform((xs) => Lazy(sortDocs(xs, parseSort(spec), (d) => d)));

const OURS: Record<'expression' | 'accumulator' | 'pipeline', Record<string, unknown>> = {
  expression: {
    $add: fold('$add', 'add'),
    $subtract: fold('$subtract', 'sub'),
    $multiply: fold('$multiply', 'mul'),
    $divide,
    $mod,
    $abs: unary('$abs', true),
    $ceil: unary('$ceil', true),
    $floor: unary('$floor', true),
    $round: unary('$round', true),
    $trunc: unary('$trunc', true),
    $sqrt: unary('$sqrt', false),
    $exp: unary('$exp', false),
    $ln: unary('$ln', false),
    $log10: unary('$log10', false),
    $pow: unary('$pow', false),
    $log: unary('$log', false),
    $eq: cmp((d) => d === 0),
    $ne: cmp((d) => d !== 0),
    $gt: cmp((d) => d > 0),
    $gte: cmp((d) => d >= 0),
    $lt: cmp((d) => d < 0),
    $lte: cmp((d) => d <= 0),
    $cmp: (obj: unknown, expr: unknown, options: Options) => {
      const [a, b] = args(obj, expr, options);
      return compareBson(a, b);
    },
    $in,
    $toDecimal: converter(Kind.Decimal, '$toDecimal'),
    $toLong: converter(Kind.Long, '$toLong'),
    $toDouble: converter(Kind.Double, '$toDouble'),
    $toInt: converter(Kind.Int, '$toInt'),
    $toString,
    $type,
    $isNumber,
    $meta: (obj: unknown, expr: unknown) =>
      expr === 'textScore' && obj && typeof obj === 'object' ? TEXT_SCORES.get(obj) : undefined,
  },
  accumulator: { $sum, $avg, $min: extreme(-1), $max: extreme(1) },
  pipeline: { $sort, $match },
};

export const NUMERIC_CONTEXT: Context = Context.init({
  accumulator: { ...accumulators, ...OURS.accumulator } as never,
  expression: { ...expressions, ...OURS.expression } as never,
  pipeline: { ...pipelines, ...OURS.pipeline } as never,
  projection: { ...projections } as never,
  query: { ...queries } as never,
  window: { ...windows } as never,
});

const EVAL_OPTIONS = { context: NUMERIC_CONTEXT, scriptEnabled: false };

/** Evaluates an aggregation expression against one document (`$expr`, computed projection fields). */
export const evaluate = (doc: unknown, expr: unknown): unknown => {
  try {
    return evalExpr(doc, expr, EVAL_OPTIONS);
  } catch (e) {
    if (e instanceof MongoServerError) throw e;
    throw new MongoServerError(2, (e as Error).message);
  }
};

const truthy = (v: unknown): boolean =>
  isNumeric(v) ? !isZero(v) : v !== null && v !== undefined && v !== false;

export const QUERY_HOOKS: MatcherHooks = {
  expr: (expr) => (doc) => truthy(evaluate(doc, expr)),
};

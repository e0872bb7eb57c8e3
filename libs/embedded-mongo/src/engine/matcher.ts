import { BSONRegExp, DBRef, MaxKey, MinKey } from 'bson';
import { compareBson, type StringCompare, typeRank } from '../bson/compare';
import { asDouble, isNumeric } from '../bson/numeric';
import { hasBsonType, validBsonType } from '../bson/types';
import { type Doc, isPlainDoc, keyString } from '../bson/values';
import { geoIntersects, geoWithin, near } from './geo';
import { bitTest } from './match-bits';
import { type Candidate, candidates } from './match-path';
import { compileRegex, type SafeRegex } from './safe-regex';
import { badValue } from './errors';
import { jsonSchemaMatcher } from './json-schema';

/**
 * MongoDB's query language over stored documents as they are (BSON wrappers included), so types compare the way
 * mongod compares them. A matcher also reports the array position a match went through, for the positional `$`.
 */
export interface MatchState {
  /** Index in the first array of the path of the last condition that matched through an array element. */
  pos?: number;
}
export type DocMatcher = (doc: unknown, state?: MatchState) => boolean;
type ValueTest = (cs: Candidate[], state?: MatchState) => boolean;

export interface MatcherHooks {
  /** `$expr`: evaluated by the aggregation engine. */
  expr?: (expr: unknown) => (doc: unknown) => boolean;
  /** Extra top-level or field operators (`$text`, geo) installed by other modules. */
  fieldOps?: Record<string, (arg: unknown, spec: Doc) => (value: unknown) => boolean>;
  topOps?: Record<string, (arg: unknown) => DocMatcher>;
  /** The query's collation (engine/collation.ts): strings compare and equal through it. */
  strCmp?: StringCompare;
}

/** The document being matched, for `$near` (which records each match's distance on it). */
let current: unknown;

const isDbRefShape = (o: Doc): boolean => '$ref' in o && '$id' in o;
const isOperatorDoc = (v: unknown): v is Doc => {
  if (!isPlainDoc(v) || isDbRefShape(v)) return false;
  const k = Object.keys(v)[0];
  return k !== undefined && k.startsWith('$');
};

/** Equality as the query language defines it: numbers by value across types, documents field by field. */
const valueKey = (v: unknown): string => {
  if (v instanceof DBRef) {
    const o: Doc = { $ref: v.collection, $id: v.oid };
    if (v.db) o.$db = v.db;
    return keyString({ ...o, ...v.fields });
  }
  return keyString(v);
};
const isRegex = (v: unknown): v is RegExp | BSONRegExp => v instanceof RegExp || v instanceof BSONRegExp;
const toRegex = (v: RegExp | BSONRegExp): SafeRegex =>
  v instanceof RegExp ? compileRegex(v.source, v.flags) : compileRegex(v.pattern, v.options);
const regexTest = (re: SafeRegex, v: unknown): boolean => typeof v === 'string' && re.test(v);

/** Whether a value holds a string anywhere (only those compare differently under a collation). */
const hasString = (v: unknown): boolean =>
  typeof v === 'string' ||
  (Array.isArray(v) ? v.some(hasString) : isPlainDoc(v) ? Object.values(v).some(hasString) : false);

const equalsTest = (operand: unknown, strCmp?: StringCompare): ((c: Candidate) => boolean) => {
  if (isRegex(operand)) {
    const re = toRegex(operand);
    const key = valueKey(operand);
    return (c) => regexTest(re, c.value) || (isRegex(c.value) && valueKey(c.value) === key);
  }
  if (operand === null) return (c) => c.value === null || (!c.present && !c.element);
  const whole = Array.isArray(operand);
  if (strCmp && hasString(operand))
    return (c) =>
      (whole || !Array.isArray(c.value) || c.element) &&
      c.present &&
      compareBson(c.value, operand, strCmp) === 0;
  const key = valueKey(operand);
  return (c) => (whole || !Array.isArray(c.value) || c.element) && valueKey(c.value) === key;
};

const any =
  (pred: (c: Candidate) => boolean): ValueTest =>
  (cs, state) => {
    for (const c of cs)
      if (pred(c)) {
        if (state && c.pos !== undefined) state.pos = c.pos;
        return true;
      }
    return false;
  };

const compareTest = (op: string, operand: unknown, strCmp?: StringCompare): ((c: Candidate) => boolean) => {
  const ok = (d: number): boolean =>
    op === '$gt' ? d > 0 : op === '$gte' ? d >= 0 : op === '$lt' ? d < 0 : d <= 0;
  if (operand instanceof MinKey || operand instanceof MaxKey)
    return (c) => c.present && ok(compareBson(c.value, operand));
  if (operand === null) return op === '$gte' || op === '$lte' ? equalsTest(null) : () => false;
  const rank = typeRank(operand);
  const whole = Array.isArray(operand);
  return (c) =>
    (whole || !Array.isArray(c.value) || c.element) &&
    c.present &&
    typeRank(c.value) === rank &&
    ok(compareBson(c.value, operand, strCmp));
};

const asArray = (op: string, v: unknown): unknown[] => {
  if (!Array.isArray(v)) throw badValue(`${op} needs an array`);
  return v;
};

const compileOperator = (op: string, arg: unknown, spec: Doc, hooks: MatcherHooks): ValueTest => {
  switch (op) {
    case '$eq':
      return any(equalsTest(arg, hooks.strCmp));
    case '$ne': {
      const t = any(equalsTest(arg, hooks.strCmp));
      return (cs) => !t(cs);
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return any(compareTest(op, arg, hooks.strCmp));
    case '$in': {
      const tests = asArray('$in', arg).map((v) => {
        if (isOperatorDoc(v)) throw badValue('cannot nest $ under $in');
        return equalsTest(v, hooks.strCmp);
      });
      return any((c) => tests.some((t) => t(c)));
    }
    case '$nin': {
      const t = compileOperator('$in', arg, spec, hooks);
      return (cs) => !t(cs);
    }
    case '$exists': {
      const want = !!(isNumeric(arg) ? asDouble(arg) : arg);
      return (cs) => cs.some((c) => c.present && !c.element) === want;
    }
    case '$type': {
      const types = Array.isArray(arg) ? arg : [arg];
      for (const t of types) if (!validBsonType(t)) throw badValue(`Unknown type name alias: ${String(t)}`);
      return any(
        (c) =>
          c.present &&
          types.some((t) => hasBsonType(c.value, t)) &&
          (c.element || !Array.isArray(c.value) || types.includes('array') || types.includes(4)),
      );
    }
    case '$all': {
      const items = asArray('$all', arg);
      if (items.length === 0) return () => false;
      const tests = items.map((v) =>
        isPlainDoc(v) && '$elemMatch' in v
          ? compileOperator('$elemMatch', v.$elemMatch, spec, hooks)
          : any(equalsTest(v, hooks.strCmp)),
      );
      return (cs, state) => tests.every((t) => t(cs, state));
    }
    case '$size': {
      const n = isNumeric(arg) ? asDouble(arg) : NaN;
      if (!Number.isInteger(n)) throw badValue('$size needs a number');
      return any((c) => !c.element && Array.isArray(c.value) && c.value.length === n);
    }
    case '$elemMatch': {
      if (!isPlainDoc(arg)) throw badValue('$elemMatch needs an Object');
      const el =
        isOperatorDoc(arg) && !['$and', '$or', '$nor', '$expr'].includes(Object.keys(arg)[0] as string)
          ? compileOperators(arg, hooks)
          : null;
      const docMatch = el ? null : compileQuery(arg, hooks);
      return (cs, state) => {
        for (const c of cs) {
          if (c.element || !Array.isArray(c.value)) continue;
          const idx = c.value.findIndex((v) =>
            el
              ? el([{ value: v, element: false, present: true }])
              : isPlainDoc(v) && (docMatch as DocMatcher)(v),
          );
          if (idx >= 0) {
            if (state) state.pos = c.pos ?? idx;
            return true;
          }
        }
        return false;
      };
    }
    case '$not': {
      if (isRegex(arg)) {
        const t = any(equalsTest(arg));
        return (cs) => !t(cs);
      }
      if (!isPlainDoc(arg) || Object.keys(arg).length === 0)
        throw badValue('$not needs a regex or a document');
      const t = compileOperators(arg, hooks);
      return (cs) => !t(cs);
    }
    case '$regex': {
      const src = isRegex(arg) ? (arg instanceof RegExp ? arg.source : arg.pattern) : arg;
      if (typeof src !== 'string') throw badValue('$regex has to be a string');
      const flags =
        typeof spec.$options === 'string'
          ? spec.$options
          : isRegex(arg)
            ? arg instanceof RegExp
              ? arg.flags
              : arg.options
            : '';
      const re = compileRegex(src, flags);
      return any((c) => regexTest(re, c.value));
    }
    case '$options':
      if (!('$regex' in spec)) throw badValue('$options needs a $regex');
      return () => true;
    case '$mod': {
      const [d, r] = asArray('$mod', arg);
      if (!isNumeric(d) || !isNumeric(r))
        throw badValue('malformed mod, divisor and remainder must be numbers');
      const dv = Math.trunc(asDouble(d));
      const rv = Math.trunc(asDouble(r));
      if (dv === 0) throw badValue('divisor cannot be 0');
      return any((c) => isNumeric(c.value) && Math.trunc(asDouble(c.value)) % dv === rv);
    }
    case '$bitsAllSet':
    case '$bitsAllClear':
    case '$bitsAnySet':
    case '$bitsAnyClear': {
      const test = bitTest(op, arg);
      return any((c) => c.present && test(c.value));
    }
    case '$geoWithin':
    case '$within': {
      const test = geoWithin(arg);
      return any((c) => c.present && test(c.value));
    }
    case '$geoIntersects': {
      const test = geoIntersects(arg);
      return any((c) => c.present && test(c.value));
    }
    case '$near':
    case '$nearSphere': {
      const test = near(op, arg, spec);
      return (cs) => {
        const doc = current;
        return cs.some((c) => c.present && !c.element && test(c.value, doc as object));
      };
    }
    case '$maxDistance':
    case '$minDistance':
      if (!('$near' in spec) && !('$nearSphere' in spec)) throw badValue(`${op} needs $near or $nearSphere`);
      return () => true;
    case '$comment':
      return () => true;
    default: {
      const ext = hooks.fieldOps?.[op];
      if (ext) {
        const test = ext(arg, spec);
        return (cs) => cs.some((c) => !c.element && test(c.value));
      }
      throw badValue(`unknown operator: ${op}`);
    }
  }
};

/** A set of operators on one path (`{$gt: 1, $lt: 5}`): every operator must hold, each over all candidates. */
const compileOperators = (spec: Doc, hooks: MatcherHooks): ValueTest => {
  const tests = Object.entries(spec).map(([op, arg]) => {
    if (!op.startsWith('$')) throw badValue(`unknown operator: ${op}`);
    return compileOperator(op, arg, spec, hooks);
  });
  return (cs, state) => tests.every((t) => t(cs, state));
};

const subQueries = (op: string, v: unknown, hooks: MatcherHooks): DocMatcher[] => {
  if (!Array.isArray(v) || v.length === 0) throw badValue(`${op} argument must be a non-empty array`);
  return v.map((q) => {
    if (!isPlainDoc(q)) throw badValue(`${op} argument's entries must be objects`);
    return compileQuery(q, hooks);
  });
};

export const compileQuery = (filter: Doc, hooks: MatcherHooks = {}): DocMatcher => {
  const parts: DocMatcher[] = [];
  for (const [key, v] of Object.entries(filter)) {
    if (key.startsWith('$')) {
      switch (key) {
        case '$and': {
          const qs = subQueries(key, v, hooks);
          parts.push((d, s) => qs.every((q) => q(d, s)));
          break;
        }
        case '$or': {
          const qs = subQueries(key, v, hooks);
          parts.push((d, s) => qs.some((q) => q(d, s)));
          break;
        }
        case '$nor': {
          const qs = subQueries(key, v, hooks);
          parts.push((d) => !qs.some((q) => q(d)));
          break;
        }
        case '$comment':
          break;
        case '$jsonSchema': {
          const test = jsonSchemaMatcher(v);
          parts.push((d) => test(d));
          break;
        }
        case '$where':
          throw badValue('no globalScriptEngine in $where parsing');
        case '$expr':
          if (!hooks.expr) throw badValue('$expr is not allowed in this context');
          parts.push(hooks.expr(v));
          break;
        default: {
          const top = hooks.topOps?.[key];
          if (!top) throw badValue(`unknown top level operator: ${key}`);
          parts.push(top(v));
        }
      }
      continue;
    }
    const path = key.split('.');
    const test: ValueTest = isOperatorDoc(v) ? compileOperators(v, hooks) : any(equalsTest(v, hooks.strCmp));
    const expand = !(isOperatorDoc(v) && Object.keys(v).every((k) => k === '$size' || k === '$elemMatch'));
    parts.push((d, s) => {
      current = d;
      return test(candidates(d, path, expand), s);
    });
  }
  if (parts.length === 1) return parts[0] as DocMatcher;
  return (d, s) => parts.every((p) => p(d, s));
};

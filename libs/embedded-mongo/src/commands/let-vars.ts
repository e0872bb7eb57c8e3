import type { Doc } from '../bson/values';
import { MongoServerError } from '../engine/errors';
import { runPipeline } from '../engine/pipeline';
import { asDoc } from './env';

/**
 * A command's `let` variables, bound where MongoDB evaluates them: inside `$expr` of a filter and in
 * aggregation/update-pipeline expressions. Each `$$name` (or `$$name.path`) becomes `{$literal: value}`, so the
 * engine sees constants; system variables ($$ROOT, $$NOW...) and names not in `let` are left alone.
 */
export type LetVars = Map<string, unknown>;

const SYSTEM = new Set([
  'ROOT',
  'CURRENT',
  'NOW',
  'CLUSTER_TIME',
  'REMOVE',
  'DESCEND',
  'PRUNE',
  'KEEP',
  'SEARCH_META',
]);

export const parseLet = (raw: unknown): LetVars | null => {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new MongoServerError(14, "BSON field 'let' is the wrong type, expected type 'object'");
  const vars: LetVars = new Map();
  for (const [name, value] of Object.entries(raw as Doc)) {
    if (!/^[a-z\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/.test(name) || SYSTEM.has(name))
      throw new MongoServerError(
        name.length && /^[A-Z]/.test(name) ? 31324 : 16866,
        `'${name}' starts with an invalid character for a user variable name`,
      );
    vars.set(name, isExpression(value) ? evaluateConstant(value) : value);
  }
  return vars.size ? vars : null;
};

const isExpression = (v: unknown): boolean =>
  isPlain(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'));

/** `let: {r: {$rand: {}}, y: {$literal: '$x'}}`: values are expressions, evaluated once per command. */
const evaluateConstant = (expr: unknown): unknown =>
  runPipeline([{ $project: { _id: 0, v: expr } }], [{}], () => [])[0]?.v;

const follow = (value: unknown, path: string[]): unknown => {
  let v = value;
  for (const p of path) v = v && typeof v === 'object' ? (v as Doc)[p] : undefined;
  return v;
};

const isPlain = (v: unknown): v is Doc =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && (v.constructor === Object || !v.constructor);

/** Replaces references to `vars` throughout an expression (everything under it is expression context). */
export const bindExpression = (x: unknown, vars: LetVars): unknown => {
  if (typeof x === 'string' && x.startsWith('$$')) {
    const [name, ...path] = x.slice(2).split('.');
    if (name !== undefined && vars.has(name)) return { $literal: follow(vars.get(name), path) };
    return x;
  }
  if (Array.isArray(x)) return x.map((e) => bindExpression(e, vars));
  if (isPlain(x)) {
    if ('$literal' in x) return x;
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, bindExpression(v, vars)]));
  }
  return x;
};

/** A query filter: only `$expr` (wherever it sits under $and/$or/$nor) is expression context. */
export const bindFilter = (filter: Doc, vars: LetVars | null): Doc => {
  if (!vars) return filter;
  const walk = (f: Doc): Doc =>
    Object.fromEntries(
      Object.entries(f).map(([k, v]) => {
        if (k === '$expr') return [k, bindExpression(v, vars)];
        if ((k === '$and' || k === '$or' || k === '$nor') && Array.isArray(v))
          return [k, (v as unknown[]).map((c) => (isPlain(c) ? walk(c) : c))];
        return [k, v];
      }),
    );
  return walk(filter);
};

/** An aggregation or update pipeline: `$match` keeps query semantics, other stages are expressions. */
export const bindPipeline = (stages: Doc[], vars: LetVars | null): Doc[] => {
  if (!vars) return stages;
  return stages.map((stage) => {
    const [name] = Object.keys(stage);
    if (name === '$match') return { $match: bindFilter(asDoc(stage.$match), vars) };
    return bindExpression(stage, vars) as Doc;
  });
};

/** An update's `u`: a pipeline binds, operator/replacement documents have no expressions. */
export const bindUpdate = (u: unknown, vars: LetVars | null): unknown =>
  vars && Array.isArray(u) ? bindPipeline(u as Doc[], vars) : u;

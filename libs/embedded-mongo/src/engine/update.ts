import { ObjectId } from 'bson';
import { Aggregator, update as mingoUpdate } from 'mingo';
import { cloneValue, type Doc, keyString, normalize } from '../bson/values';
import { MongoServerError } from './errors';
import { QUERY_HOOKS } from './agg-numeric';
import { compileQuery, type MatchState } from './matcher';
import { NO_SCRIPTS } from './query';
import { applyArrayOp, ARRAY_OPS } from './update-array-ops';
import { applySimpleOp, setPath, SIMPLE_OPS } from './update-ops';

const MINGO_OPS = new Set(['$rename', '$bit']);

export type UpdateKind = 'operators' | 'replacement' | 'pipeline';

export const updateKind = (u: unknown): UpdateKind => {
  if (Array.isArray(u)) return 'pipeline';
  if (!u || typeof u !== 'object')
    throw new MongoServerError(9, 'Update argument must be a document or a pipeline');
  const keys = Object.keys(u);
  const ops = keys.filter((k) => k.startsWith('$')).length;
  if (ops > 0 && ops !== keys.length)
    throw new MongoServerError(9, 'Update document cannot mix operators and fields');
  return ops > 0 ? 'operators' : 'replacement';
};

const immutableId = (): MongoServerError =>
  new MongoServerError(66, "Performing an update on the path '_id' would modify the immutable field '_id'");

/** Rejects two operators touching the same path or a path and its prefix, like MongoDB. */
const checkConflicts = (u: Doc): void => {
  const seen: string[] = [];
  for (const [op, fields] of Object.entries(u)) {
    if (!fields || typeof fields !== 'object')
      throw new MongoServerError(
        9,
        `Modifiers operate on fields but we found type ${typeof fields} instead. For example: {$mod: {<field>: ...}} not {${op}: ${String(fields)}}`,
      );
    const paths = Object.keys(fields);
    if (op === '$rename') paths.push(...Object.values(fields as Doc).map(String));
    for (const p of paths) {
      const base = p.includes('$') ? p.replace(/\.\$(\[[^\]]*\])?(?=\.|$)/g, '') : p;
      for (const q of seen)
        if (q === base || q.startsWith(base + '.') || base.startsWith(q + '.'))
          throw new MongoServerError(40, `Updating the path '${p}' would create a conflict at '${q}'`);
      seen.push(base);
    }
  }
};

export interface UpdateOptions {
  isInsert: boolean;
  arrayFilters?: Doc[];
  query?: Doc;
}

/** Returns the updated copy of `doc` (never mutates it). */
export const applyUpdate = (doc: Doc, u: unknown, opts: UpdateOptions): Doc => {
  const kind = updateKind(u);
  let out: Doc;
  if (kind === 'replacement') {
    const repl = u as Doc;
    if ('_id' in repl && doc._id !== undefined && keyString(repl._id) !== keyString(doc._id))
      throw immutableId();
    out = doc._id === undefined ? { ...cloneValue(repl) } : { _id: doc._id, ...cloneValue(repl) };
    if (doc._id !== undefined) out._id = doc._id;
  } else if (kind === 'pipeline') {
    try {
      const result = new Aggregator(u as Doc[], NO_SCRIPTS).run([cloneValue(doc)])[0];
      out = normalize(result ?? {}).value;
      // a pipeline that leaves _id out ($replaceRoot, $project) keeps the document's own, first as mongod does
      if (out._id === undefined && doc._id !== undefined) out = { _id: doc._id, ...out };
    } catch (e) {
      throw new MongoServerError(9, (e as Error).message);
    }
  } else {
    const ops = u as Doc;
    checkConflicts(ops);
    out = cloneValue(doc);
    const positional = positionalResolver(doc, opts);
    for (const [op, fields] of Object.entries(ops)) {
      if (SIMPLE_OPS.has(op)) {
        for (const [rawPath, arg] of Object.entries(fields as Doc)) {
          const path = positional(rawPath);
          if (needsMingo(path)) {
            if (op === '$setOnInsert' && !opts.isInsert) continue;
            delegate(out, { [op === '$setOnInsert' ? '$set' : op]: { [path]: arg } }, opts);
          } else applySimpleOp(out, op, path, arg, opts.isInsert);
        }
      } else if (ARRAY_OPS.has(op)) {
        for (const [rawPath, arg] of Object.entries(fields as Doc)) {
          const path = positional(rawPath);
          if (needsMingo(path)) delegate(out, { [op]: { [path]: arg } }, opts);
          else applyArrayOp(out, op, path, arg);
        }
      } else if (MINGO_OPS.has(op)) delegate(out, { [op]: fields }, opts);
      else
        throw new MongoServerError(
          9,
          `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
        );
    }
  }
  if (doc._id !== undefined && (out._id === undefined || keyString(out._id) !== keyString(doc._id)))
    throw immutableId();
  return out;
};

/** `$[]` and `$[id]` (and an upsert's `$`) are left to mingo; other `$`-prefixed names are plain fields. */
const needsMingo = (path: string): boolean =>
  path.includes('$') && path.split('.').some((p) => p === '$' || p.startsWith('$['));

/**
 * Replaces the positional `$` of a path with the array index the query matched (mongod does this once per
 * document, so several `a.$.x` paths in one update all address the same element).
 */
const positionalResolver = (doc: Doc, opts: UpdateOptions): ((path: string) => string) => {
  let pos: number | undefined | null = null;
  return (path) => {
    const parts = path.split('.');
    const at = parts.indexOf('$');
    if (at < 0 || opts.isInsert) return path;
    if (pos === null) {
      const state: MatchState = {};
      compileQuery(opts.query ?? {}, QUERY_HOOKS)(doc, state);
      pos = state.pos;
    }
    if (pos === undefined)
      throw new MongoServerError(2, 'The positional operator did not find the match needed from the query.');
    parts[at] = String(pos);
    return parts.join('.');
  };
};

const delegate = (doc: Doc, modifier: Doc, opts: UpdateOptions): void => {
  try {
    // The query only serves the positional `$`; an upsert's new document need not match it.
    const condition = opts.isInsert ? {} : (opts.query ?? {});
    mingoUpdate(doc, modifier, opts.arrayFilters, condition, { cloneMode: 'deep' });
  } catch (e) {
    throw new MongoServerError(2, (e as Error).message);
  }
};

/** The document an upsert starts from: the equality conditions of the query. */
export const upsertSeed = (query: Doc): Doc => {
  const seed: Doc = {};
  const walk = (q: Doc): void => {
    for (const [k, v] of Object.entries(q)) {
      if (k === '$and' && Array.isArray(v)) v.forEach((x) => walk(x as Doc));
      if (k.startsWith('$')) continue;
      if (v !== null && typeof v === 'object' && v.constructor === Object) {
        const keys = Object.keys(v);
        if (keys.length && keys.every((x) => x.startsWith('$'))) {
          if ('$eq' in (v as Doc)) setPath(seed, k, cloneValue((v as Doc).$eq));
          continue;
        }
      }
      if (v instanceof RegExp) continue;
      setPath(seed, k, cloneValue(v));
    }
  };
  walk(query);
  return seed;
};

/** Builds the document an upsert inserts, with `_id` first as MongoDB stores it. */
export const upsertDocument = (query: Doc, u: unknown, arrayFilters?: Doc[]): Doc => {
  const seed = upsertSeed(query);
  const kind = updateKind(u);
  let doc: Doc;
  if (kind === 'replacement') {
    doc = cloneValue(u as Doc);
    if (doc._id === undefined && seed._id !== undefined) doc._id = seed._id;
  } else {
    const withoutId = { ...seed };
    delete withoutId._id;
    doc = applyUpdate(withoutId, u, { isInsert: true, arrayFilters, query });
    if (seed._id !== undefined) {
      if (doc._id !== undefined && keyString(doc._id) !== keyString(seed._id)) throw immutableId();
      doc._id = seed._id;
    }
  }
  const id = doc._id === undefined ? new ObjectId() : doc._id;
  const { _id: _ignored, ...rest } = doc;
  return { _id: id, ...rest };
};

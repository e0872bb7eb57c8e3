import { type Doc, keyString } from '../bson/values';
import { type Collation, parseCollation } from '../engine/collation';
import { MongoServerError } from '../engine/errors';
import { runPipeline } from '../engine/pipeline';
import type { Rec } from '../engine/index-store';
import { compileFilter, findRecords } from '../engine/query';
import { collectionDocs } from './aggregate-db';
import { asDoc, asNumber, type Env, type Handler, nsOf } from './env';
import { distinctValues } from './read';
import { bucketsNs, isTimeseries, specOf } from '../engine/timeseries';

/**
 * Views (`create` with `viewOn` and `pipeline`): a catalog entry whose options name a source and a pipeline.
 * Reads (find, aggregate, count, distinct) run the view's pipeline over its source, views on views included;
 * writes and index commands are refused as mongod refuses them.
 */
export interface ResolvedView {
  /** The backing collection's namespace. */
  ns: string;
  /** The view's default collation (its `create` collation, else simple), which every read on it uses. */
  collation?: Collation | null;
  /** Every view's pipeline from the innermost source out, to run before the command's own stages. */
  pipeline: Doc[];
}

/** mongod's limit on views defined on views. */
const MAX_VIEW_DEPTH = 20;

export const isViewOptions = (options: Doc | undefined): boolean => typeof options?.viewOn === 'string';

/** The source and combined pipeline of `ns` if it is a view, else null. */
export const resolveView = (env: Env, ns: string): ResolvedView | null => {
  let coll = env.ctx.coll(ns);
  if (!coll || !(isViewOptions(coll.options) || isTimeseries(coll))) return null;
  const db = ns.slice(0, ns.indexOf('.'));
  let pipeline: Doc[] = [];
  let current = ns;
  for (let depth = 0; coll && isViewOptions(coll.options); depth++) {
    if (depth >= MAX_VIEW_DEPTH)
      throw new MongoServerError(
        165,
        `View depth too deep or view cycle detected; maximum depth is ${MAX_VIEW_DEPTH}`,
      );
    pipeline = [...((coll.options.pipeline as Doc[] | undefined) ?? []), ...pipeline];
    current = `${db}.${String(coll.options.viewOn)}`;
    coll = env.ctx.coll(current);
  }
  // a time-series collection reads as its buckets unpacked (mongod's view on system.buckets.<name>)
  if (isTimeseries(coll)) {
    const spec = specOf((coll as NonNullable<typeof coll>).options);
    const unpack: Doc = { timeField: spec.timeField, bucketMaxSpanSeconds: spec.bucketMaxSpanSeconds };
    if (spec.metaField) unpack.metaField = spec.metaField;
    pipeline = [{ $_internalUnpackBucket: unpack }, ...pipeline];
    current = bucketsNs(current);
  }
  return { ns: current, pipeline };
};

const notOnView = (ns: string): MongoServerError =>
  new MongoServerError(166, `Namespace ${ns} is a view, not a collection`);

/** The view's documents after `extra` stages, computed in full (count and distinct need every one). */
/**
 * The view's documents matching `query` (the server's own matcher, under the view's collation), computed
 * in full (count and distinct need every one).
 */
const viewDocs = (env: Env, view: ResolvedView, query: unknown): Doc[] => {
  const source = findRecords(env.ctx, view.ns, {
    filter: {},
    sort: [],
    skip: 0,
    limit: 0,
    collation: view.collation ?? null,
  }).map((r) => r.doc);
  const docs = runPipeline(view.pipeline, source, (name) => collectionDocs(env, name), view.collation?.spec);
  const matches = compileFilter(asDoc(query), undefined, view.collation?.compare);
  return docs.filter((doc) => matches({ doc } as Rec));
};

const SIMPLE = { locale: 'simple' };

/**
 * As mongod: a read on a view runs under the view's default collation (simple unless the view was created
 * with one; it never inherits its source's), and a command naming a different collation fails with
 * OptionNotSupportedOnView (167).
 */
const viewCollation = (env: Env, ns: string, requested: unknown): Collation | null => {
  const own = parseCollation(env.ctx.coll(ns)?.options.collation) ?? null;
  if (requested !== undefined) {
    const asked = parseCollation(requested) ?? null;
    if (keyString(asked?.spec ?? SIMPLE) !== keyString(own?.spec ?? SIMPLE))
      throw new MongoServerError(167, "Cannot override a view's default collation");
  }
  return own;
};

const matchStage = (q: unknown): Doc[] => {
  const filter = asDoc(q);
  return Object.keys(filter).length ? [{ $match: filter }] : [];
};

const findOnView = (cmd: Doc, env: Env, view: ResolvedView, aggregate: Handler): Doc | Promise<Doc> => {
  const stages: Doc[] = [...matchStage(cmd.filter)];
  if (cmd.sort && Object.keys(asDoc(cmd.sort)).length) stages.push({ $sort: cmd.sort });
  const skip = asNumber(cmd.skip);
  const limit = Math.abs(asNumber(cmd.limit));
  if (skip) stages.push({ $skip: skip });
  if (limit) stages.push({ $limit: limit });
  if (cmd.projection && Object.keys(asDoc(cmd.projection)).length) stages.push({ $project: cmd.projection });
  const rewritten: Doc = {
    aggregate: view.ns.slice(view.ns.indexOf('.') + 1),
    pipeline: [...view.pipeline, ...stages],
    cursor: cmd.batchSize === undefined ? {} : { batchSize: cmd.batchSize },
  };
  for (const k of ['let', 'collation', 'hint', 'maxTimeMS', 'comment'])
    if (cmd[k] !== undefined) rewritten[k] = cmd[k];
  if (view.collation !== undefined) rewritten.collation = view.collation?.spec ?? SIMPLE;
  return aggregate(rewritten, env);
};

const countOnView = (cmd: Doc, env: Env, view: ResolvedView): Doc => {
  const skip = asNumber(cmd.skip);
  const limit = Math.abs(asNumber(cmd.limit));
  const n = Math.max(0, viewDocs(env, view, cmd.query).length - skip);
  return { n: limit ? Math.min(n, limit) : n, ok: 1 };
};

const distinctOnView = (cmd: Doc, env: Env, view: ResolvedView): Doc => {
  if (typeof cmd.key !== 'string') throw new MongoServerError(14, "'key' must be of type string");
  return {
    values: distinctValues(viewDocs(env, view, cmd.query), cmd.key, view.collation?.compare),
    ok: 1,
  };
};

/** Commands that address one collection by their first field, refused on a view. */
const REFUSED = [
  'insert',
  'update',
  'delete',
  'findAndModify',
  'createIndexes',
  'dropIndexes',
  'listIndexes',
];

/** Wraps the read handlers so they serve views, and the write/index handlers so they refuse them. */
export const withViews = (handlers: Record<string, Handler>): Record<string, Handler> => {
  const out = { ...handlers };
  const aggregate = handlers.aggregate as Handler;
  const target = (env: Env, name: unknown, cmd?: Doc): ResolvedView | null => {
    if (typeof name !== 'string' || !name.length) return null;
    const ns = nsOf(env, name);
    const view = resolveView(env, ns);
    if (!view || !cmd || !isViewOptions(env.ctx.coll(ns)?.options)) return view;
    return { ...view, collation: viewCollation(env, ns, cmd.collation) };
  };
  out.aggregate = (cmd, env) => {
    // a change stream is opened on the namespace itself, which refuses views (166)
    if (Array.isArray(cmd.pipeline) && asDoc(cmd.pipeline[0]).$changeStream !== undefined)
      return aggregate(cmd, env);
    const view = target(env, cmd.aggregate, cmd);
    if (!view || !Array.isArray(cmd.pipeline)) return aggregate(cmd, env);
    return aggregate(
      {
        ...cmd,
        aggregate: view.ns.slice(view.ns.indexOf('.') + 1),
        pipeline: [...view.pipeline, ...(cmd.pipeline as Doc[])],
        ...(view.collation !== undefined ? { collation: view.collation?.spec ?? SIMPLE } : {}),
      },
      env,
    );
  };
  const find = handlers.find as Handler;
  out.find = (cmd, env) => {
    const view = target(env, cmd.find, cmd);
    return view ? findOnView(cmd, env, view, aggregate) : find(cmd, env);
  };
  const count = handlers.count as Handler;
  out.count = (cmd, env) => {
    const view = target(env, cmd.count, cmd);
    return view ? countOnView(cmd, env, view) : count(cmd, env);
  };
  const distinct = handlers.distinct as Handler;
  out.distinct = (cmd, env) => {
    const view = target(env, cmd.distinct, cmd);
    return view ? distinctOnView(cmd, env, view) : distinct(cmd, env);
  };
  for (const name of REFUSED) {
    const inner = handlers[name] as Handler;
    out[name] = (cmd, env) => {
      const ns = typeof cmd[name] === 'string' ? nsOf(env, cmd[name]) : null;
      if (ns && isViewOptions(env.ctx.coll(ns)?.options)) throw notOnView(ns);
      return inner(cmd, env);
    };
  }
  return out;
};

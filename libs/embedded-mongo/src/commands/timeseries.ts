import { ObjectId } from 'bson';
import { type Doc, isPlainDoc } from '../bson/values';
import { effectiveCollation, parseCollation } from '../engine/collation';
import { MongoServerError } from '../engine/errors';
import type { Rec } from '../engine/index-store';
import { compileFilter } from '../engine/query';
import {
  BUCKETS_PREFIX,
  bucketsNs,
  deleteMeasurements,
  insertMeasurement,
  isTimeseries,
  modifiedGranularity,
  parseTimeseries,
  reportedOptions,
  specOf,
} from '../engine/timeseries';
import { asDoc, type Env, type Handler, nsOf } from './env';

/**
 * Time-series collections (`engine/timeseries.ts`) at the command level: `create` makes the entry and its
 * `system.buckets.<name>` collection, `insert` buckets the measurements, reads go through the view machinery
 * (`views.ts` resolves the entry to its buckets with `$_internalUnpackBucket`), `drop` removes both, `collMod`
 * changes `timeseries.granularity` (coarser only) and `expireAfterSeconds`, `delete` removes measurements by
 * any filter. Updates and index commands on the measurements are refused (not implemented here).
 */

/** `create` options that mongod 7.0 refuses together with `timeseries`. */
const NOT_WITH_TIMESERIES = [
  'viewOn',
  'pipeline',
  'clusteredIndex',
  'validator',
  'changeStreamPreAndPostImages',
];

/** Checks and normalizes a `create` with `timeseries`; returns the entry's options and its buckets'. */
export const timeseriesCreateOptions = (options: Doc): { entry: Doc; buckets: Doc } => {
  const bad = NOT_WITH_TIMESERIES.find((k) => options[k] !== undefined);
  if (bad) throw new MongoServerError(72, `Time-series collections cannot be created with '${bad}'`);
  const spec = parseTimeseries(options.timeseries);
  const entry: Doc = { ...options, timeseries: spec };
  if (options.expireAfterSeconds !== undefined) {
    const ttl = Number(options.expireAfterSeconds);
    if (!Number.isInteger(ttl) || ttl < 0)
      throw new MongoServerError(2, `'expireAfterSeconds' must be a non-negative integer: ${ttl}`);
    entry.expireAfterSeconds = ttl;
  }
  const buckets: Doc = { timeseries: spec, bucketsOf: true };
  if (entry.expireAfterSeconds !== undefined) buckets.expireAfterSeconds = entry.expireAfterSeconds;
  return { entry, buckets };
};

/** listCollections' entry for a time-series collection, and for its buckets collection. */
export const listedTimeseries = (name: string, options: Doc): Doc => {
  const spec = specOf(options);
  const reported: Doc = {};
  for (const [k, v] of Object.entries(options))
    if (k !== 'timeseries' && k !== 'bucketsOf' && k !== 'expireAfterSeconds') reported[k] = v;
  if (options.expireAfterSeconds !== undefined) reported.expireAfterSeconds = options.expireAfterSeconds;
  reported.timeseries = reportedOptions(spec);
  if (options.bucketsOf === true)
    return {
      name,
      type: 'collection',
      options: { ...reported, clusteredIndex: true },
      info: { readOnly: false },
    };
  return { name, type: 'timeseries', options: reported, info: { readOnly: false } };
};

const refuseInTransaction = (env: Env, what: string): void => {
  if (env.ctx.txn)
    throw new MongoServerError(
      263,
      `Cannot ${what} a time-series collection in a multi-document transaction.`,
    );
};

const insert = (cmd: Doc, env: Env, ns: string): Doc => {
  refuseInTransaction(env, 'insert into');
  const spec = specOf((env.ctx.coll(ns) as NonNullable<ReturnType<Env['ctx']['coll']>>).options);
  if (!Array.isArray(cmd.documents))
    throw new MongoServerError(9, 'write command requires an array of statements');
  const ordered = cmd.ordered !== false;
  const errors: Doc[] = [];
  let n = 0;
  for (const [i, raw] of (cmd.documents as unknown[]).entries()) {
    const doc = asDoc(raw);
    try {
      insertMeasurement(env.ctx, ns, spec, doc._id === undefined ? { _id: new ObjectId(), ...doc } : doc);
      n++;
    } catch (e) {
      if (!(e instanceof MongoServerError) || e.labels.length) throw e;
      errors.push({ index: i, code: e.code, errmsg: e.message, ...e.extra });
      if (ordered) break;
    }
  }
  return errors.length ? { n, writeErrors: errors, ok: 1 } : { n, ok: 1 };
};

const collMod = (cmd: Doc, env: Env, ns: string): Doc => {
  const coll = env.ctx.coll(ns) as NonNullable<ReturnType<Env['ctx']['coll']>>;
  const options: Doc = {};
  for (const [k, v] of Object.entries(cmd)) {
    if (['collMod', '$db', 'lsid', '$clusterTime', 'writeConcern', 'comment', '$readPreference'].includes(k))
      continue;
    if (k === 'timeseries') options.timeseries = modifiedGranularity(specOf(coll.options), v);
    else if (k === 'expireAfterSeconds') {
      if (v === 'off') options.expireAfterSeconds = undefined;
      else {
        const ttl = Number(v);
        if (typeof v === 'string' || !Number.isInteger(ttl) || ttl < 0)
          throw new MongoServerError(2, `'expireAfterSeconds' must be a non-negative integer or 'off'`);
        options.expireAfterSeconds = ttl;
      }
    } else
      throw new MongoServerError(
        k === 'index' || k === 'validator' ? 72 : 40415,
        k === 'index' || k === 'validator'
          ? `collMod '${k}' on a time-series collection is not supported by the embedded server`
          : `BSON field 'collMod.${k}' is an unknown field.`,
      );
  }
  env.ctx.storage.apply({ t: 'collMod', ns, options });
  env.ctx.storage.apply({ t: 'collMod', ns: bucketsNs(ns), options });
  return { ok: 1 };
};

const del = (cmd: Doc, env: Env, ns: string): Doc => {
  refuseInTransaction(env, 'delete from');
  const coll = env.ctx.coll(ns) as NonNullable<ReturnType<Env['ctx']['coll']>>;
  const spec = specOf(coll.options);
  if (!Array.isArray(cmd.deletes))
    throw new MongoServerError(9, 'write command requires an array of statements');
  let n = 0;
  for (const raw of cmd.deletes as unknown[]) {
    const s = asDoc(raw);
    const collation = effectiveCollation(parseCollation(s.collation), coll.options);
    const matches = compileFilter(asDoc(s.q), undefined, collation?.compare);
    n += deleteMeasurements(env.ctx, ns, spec, (doc) => matches({ doc } as Rec), Number(s.limit) === 1);
  }
  return { n, ok: 1 };
};

/** Commands that address the measurements by their first field and are not implemented for them. */
const UNSUPPORTED = ['update', 'findAndModify', 'createIndexes', 'dropIndexes'];

/** Wraps the handlers that behave differently on a time-series collection (reads: see views.ts). */
export const withTimeseries = (handlers: Record<string, Handler>): Record<string, Handler> => {
  const out = { ...handlers };
  const target = (env: Env, name: unknown): string | null => {
    if (typeof name !== 'string' || !name.length) return null;
    const ns = nsOf(env, name);
    return isTimeseries(env.ctx.coll(ns)) ? ns : null;
  };
  const wrap = (name: string, fn: (cmd: Doc, env: Env, ns: string) => Doc | Promise<Doc>): void => {
    const inner = handlers[name] as Handler;
    out[name] = (cmd, env) => {
      const ns = target(env, cmd[name]);
      return ns ? fn(cmd, env, ns) : inner(cmd, env);
    };
  };
  wrap('insert', insert);
  wrap('delete', del);
  wrap('collMod', collMod);
  wrap('listIndexes', (_cmd, env, ns) => env.engine.cursors.first(ns, { docs: [] }, undefined, true));
  wrap('drop', (cmd, env, ns) => {
    refuseInTransaction(env, 'drop');
    const reply = (handlers.drop as Handler)(cmd, env) as Doc;
    if (env.ctx.coll(bucketsNs(ns))) env.ctx.storage.apply({ t: 'drop', ns: bucketsNs(ns) });
    return reply;
  });
  for (const name of UNSUPPORTED)
    wrap(name, () => {
      throw new MongoServerError(
        115,
        `${name} on a time-series collection is not supported by the embedded server (inserts and reads are)`,
      );
    });
  const rename = handlers.renameCollection as Handler;
  out.renameCollection = (cmd, env) => {
    const from = String(cmd.renameCollection);
    const coll = env.ctx.coll(from);
    if (isTimeseries(coll) || (coll && isPlainDoc(coll.options.timeseries)))
      throw new MongoServerError(72, `Renaming a time-series collection is not allowed: ${from}`);
    return rename(cmd, env);
  };
  return out;
};

export const isBucketsName = (name: string): boolean => name.startsWith(BUCKETS_PREFIX);

import { Binary } from 'bson';
import { Query } from 'mingo';
import type { Doc } from '../bson/values';
import { validateNs } from '../engine/context';
import { MongoServerError } from '../engine/errors';
import { clusteredIndexSpec, normalizeClusteredIndex } from '../engine/clustered';
import { checkValidationOptions } from '../engine/validation';
import { checkCreateOptions } from './create-options';
import { isViewOptions } from './views';
import { asDoc, type Handler, nsOf } from './env';
import { listedTimeseries, timeseriesCreateOptions } from './timeseries';
import { bucketsNs } from '../engine/timeseries';

/** Generic command fields: they shape how `create` runs, they are not options of the new collection. */
const NOT_OPTIONS = new Set([
  'create',
  '$db',
  'lsid',
  '$clusterTime',
  'txnNumber',
  'autocommit',
  'startTransaction',
  'writeConcern',
  'readConcern',
  'comment',
  'maxTimeMS',
  '$readPreference',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
]);

const create: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.create);
  validateNs(ns);
  if (env.ctx.coll(ns)) throw new MongoServerError(48, `Collection ${ns} already exists.`);
  const options = Object.fromEntries(Object.entries(cmd).filter(([k]) => !NOT_OPTIONS.has(k)));
  checkCreateOptions(options);
  checkValidationOptions(options);
  if (options.timeseries !== undefined) {
    const { entry, buckets } = timeseriesCreateOptions(options);
    if (env.ctx.txn)
      throw new MongoServerError(
        263,
        'Cannot create a time-series collection in a multi-document transaction.',
      );
    if (env.ctx.coll(bucketsNs(ns)))
      throw new MongoServerError(48, `Collection ${bucketsNs(ns)} already exists.`);
    env.ctx.createCollection(ns, entry);
    env.ctx.createCollection(bucketsNs(ns), buckets);
    return { ok: 1 };
  }
  normalizeClusteredIndex(options);
  env.ctx.createCollection(ns, options);
  return { ok: 1 };
};

const drop: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.drop);
  const coll = env.ctx.coll(ns);
  if (!coll) throw new MongoServerError(26, 'ns not found');
  env.engine.txns.abortTouching(ns);
  env.ctx.storage.apply({ t: 'drop', ns });
  return { nIndexesWas: coll.indexes.size, ns, ok: 1 };
};

const dropDatabase: Handler = (_cmd, env) => {
  for (const c of env.ctx.catalog.inDb(env.db)) env.engine.txns.abortTouching(c.ns);
  env.ctx.storage.apply({ t: 'dropDb', db: env.db });
  return { dropped: env.db, ok: 1 };
};

/** Atomic swap: readers see either the old target or the new one, never a missing collection in between. */
const renameCollection: Handler = (cmd, env) => {
  const from = String(cmd.renameCollection);
  const to = String(cmd.to);
  validateNs(from);
  validateNs(to);
  const source = env.ctx.coll(from);
  if (!source) throw new MongoServerError(26, `Source collection ${from} does not exist`);
  if (from === to) throw new MongoServerError(20, "Can't rename a collection to itself");
  if (env.ctx.coll(to) && cmd.dropTarget !== true) throw new MongoServerError(48, 'target namespace exists');
  env.engine.txns.abortTouching(from);
  env.engine.txns.abortTouching(to);
  env.ctx.storage.apply({ t: 'rename', from, to });
  return { ok: 1 };
};

const listCollections: Handler = (cmd, env) => {
  const nameOnly = cmd.nameOnly === true;
  const all = env.ctx.catalog.inDb(env.db).map((c): Doc => {
    if (c.options.timeseries !== undefined) {
      const listed = listedTimeseries(c.name, c.options);
      return nameOnly ? { name: c.name, type: listed.type } : listed;
    }
    const type = isViewOptions(c.options) ? 'view' : 'collection';
    if (nameOnly) return { name: c.name, type };
    if (type === 'view')
      return {
        name: c.name,
        type,
        options: { viewOn: c.options.viewOn, pipeline: c.options.pipeline ?? [], ...c.options },
        info: { readOnly: true },
      };
    return {
      name: c.name,
      type: 'collection',
      options: c.options,
      info: { readOnly: false, uuid: new Binary(c.uuid, 4) },
      // a clustered collection has no separate _id index
      ...(clusteredIndexSpec(c.options) ? {} : { idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } }),
    };
  });
  const filter = asDoc(cmd.filter);
  const q = Object.keys(filter).length ? new Query(filter, { scriptEnabled: false }) : null;
  const docs = q ? all.filter((d) => q.test(d)) : all;
  return env.engine.cursors.first(`${env.db}.$cmd.listCollections`, { docs }, undefined, true);
};

const listDatabases: Handler = (cmd, env) => {
  const dbs = env.ctx.catalog.databases().map((name) => {
    const size = env.ctx.catalog
      .inDb(name)
      .reduce((n, c) => n + [...c.records.values()].reduce((s, r) => s + r.bytes.length, 0), 0);
    return cmd.nameOnly === true ? { name } : { name, sizeOnDisk: size, empty: size === 0 };
  });
  const totalSize = dbs.reduce((n, d) => n + ((d as { sizeOnDisk?: number }).sizeOnDisk ?? 0), 0);
  return { databases: dbs, totalSize, totalSizeMb: Math.round(totalSize / 1e6), ok: 1 };
};

const dbStats: Handler = (_cmd, env) => {
  const colls = env.ctx.catalog.inDb(env.db);
  const objects = colls.reduce((n, c) => n + c.records.size, 0);
  const dataSize = colls.reduce(
    (n, c) => n + [...c.records.values()].reduce((s, r) => s + r.bytes.length, 0),
    0,
  );
  const indexes = colls.reduce((n, c) => n + c.indexes.size, 0);
  return {
    db: env.db,
    collections: colls.length,
    views: 0,
    objects,
    avgObjSize: objects ? dataSize / objects : 0,
    dataSize,
    storageSize: dataSize,
    indexes,
    ok: 1,
  };
};

export const ddlCommands: Record<string, Handler> = {
  dbStats,
  create,
  drop,
  dropDatabase,
  renameCollection,
  listCollections,
  listDatabases,
};

import { isTextIndex, textIndexSpec } from '../engine/text-search';
import type { Doc } from '../bson/values';
import { compareBson } from '../bson/compare';
import { clusteredIndexSpec } from '../engine/clustered';
import { MongoServerError } from '../engine/errors';
import type { IndexSpec } from '../engine/index-store';
import { checkHashedBuild, checkHashedSpec } from '../engine/hashed-index';
import { asDoc, type Handler, nsOf } from './env';

const OPTION_KEYS = [
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'collation',
  'hidden',
];

const sameKey = (a: Doc, b: Doc): boolean =>
  JSON.stringify(Object.keys(a)) === JSON.stringify(Object.keys(b)) &&
  Object.keys(a).every((k) => compareBson(a[k], b[k]) === 0);

const INDEX_TYPES = new Set(['text', 'hashed', '2dsphere', '2d']);

const createIndexes: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.createIndexes);
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0)
    throw new MongoServerError(2, 'Must specify at least one index to create');
  const existed = !!env.ctx.coll(ns);
  const coll = env.ctx.ensureCollection(ns);
  const before = coll.indexes.size;
  for (const raw of cmd.indexes as Doc[]) {
    const key = asDoc(raw.key);
    if (Object.keys(key).length === 0) throw new MongoServerError(67, 'Index keys cannot be empty.');
    for (const v of Object.values(key))
      if (
        typeof v === 'string'
          ? !INDEX_TYPES.has(v)
          : typeof v !== 'number' && !(typeof v === 'object' && v !== null && 'valueOf' in v)
      )
        throw new MongoServerError(67, `Unknown index plugin '${String(v)}'`);
    checkHashedSpec(key, raw);
    const name =
      typeof raw.name === 'string'
        ? raw.name
        : Object.entries(key)
            .map(([k, v]) => `${k}_${String(v)}`)
            .join('_');
    const isText = Object.values(key).includes('text');
    if (isText && [...coll.indexes.values()].some((i) => isTextIndex(i.spec) && i.name !== name))
      throw new MongoServerError(85, 'only one text index per collection allowed');
    const spec: IndexSpec = isText
      ? textIndexSpec(key, raw, name)
      : {
          v: 2,
          // hashed/2dsphere/2d keys keep their type; the entries are ordered by the raw value, which serves
          // equality (hashed) exactly and leaves geo predicates to the matcher
          key: Object.fromEntries(
            Object.entries(key).map(([k, v]) => [k, typeof v === 'string' ? v : Number(v) < 0 ? -1 : 1]),
          ),
          name,
        };
    for (const o of OPTION_KEYS) if (raw[o] !== undefined) spec[o] = raw[o];
    const byName = coll.indexes.get(name);
    if (byName) {
      if (!sameKey(byName.spec.key, spec.key))
        throw new MongoServerError(
          86,
          `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}`,
        );
      if (Boolean(byName.spec.unique) !== Boolean(spec.unique) && name !== '_id_')
        throw new MongoServerError(85, `Index already exists with a different options: ${name}`);
      continue;
    }
    const byKey = [...coll.indexes.values()].find((i) => sameKey(i.spec.key, spec.key));
    if (byKey) {
      if (Boolean(byKey.spec.unique) === Boolean(spec.unique) && !spec.partialFilterExpression)
        throw new MongoServerError(85, `Index already exists with a different name: ${byKey.name}`);
      throw new MongoServerError(
        86,
        `An index with the same key pattern but different options exists: ${byKey.name}`,
      );
    }
    checkHashedBuild(coll, spec);
    env.ctx.createIndex(ns, spec);
  }
  return {
    numIndexesBefore: before,
    numIndexesAfter: coll.indexes.size,
    createdCollectionAutomatically: !existed,
    ok: 1,
  };
};

const listIndexes: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.listIndexes);
  const coll = env.ctx.coll(ns);
  if (!coll) throw new MongoServerError(26, `ns does not exist: ${ns}`);
  const clustered = clusteredIndexSpec(coll.options);
  const docs = coll.specs().map((s) => (clustered && s.name === '_id_' ? { ...clustered } : { ...s }));
  return env.engine.cursors.first(ns, { docs }, undefined, true);
};

const dropIndexes: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.dropIndexes);
  const coll = env.ctx.coll(ns);
  if (!coll) throw new MongoServerError(26, `ns not found ${ns}`);
  const before = coll.indexes.size;
  const target = cmd.index;
  let names: string[];
  if (target === '*') names = [...coll.indexes.keys()].filter((n) => n !== '_id_');
  else if (typeof target === 'string') names = [target];
  else if (Array.isArray(target)) names = target.map(String);
  else {
    const found = [...coll.indexes.values()].find((i) => sameKey(i.spec.key, asDoc(target)));
    if (!found) throw new MongoServerError(27, `can't find index with key: ${JSON.stringify(target)}`);
    names = [found.name];
  }
  for (const name of names) {
    if (name === '_id_') throw new MongoServerError(72, 'cannot drop _id index');
    if (!coll.indexes.has(name)) throw new MongoServerError(27, `index not found with name [${name}]`);
  }
  for (const name of names) env.ctx.storage.apply({ t: 'dropIndex', ns, name });
  return { nIndexesWas: before, ok: 1 };
};

export const indexCommands: Record<string, Handler> = { createIndexes, listIndexes, dropIndexes };

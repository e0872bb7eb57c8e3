import type { Doc } from '../bson/values';
import { compareBson } from '../bson/compare';
import { MongoServerError } from '../engine/errors';
import { type Collection } from '../engine/collection';
import { IndexStore } from '../engine/index-store';
import { checkValidationOptions } from '../engine/validation';
import { asDoc, type Handler, nsOf } from './env';

/** Collection options collMod may change (stored and reported by listCollections). */
const OPTIONS = new Set([
  'validator',
  'validationLevel',
  'validationAction',
  'changeStreamPreAndPostImages',
  'expireAfterSeconds',
]);
const GENERIC = new Set([
  'collMod',
  '$db',
  'lsid',
  '$clusterTime',
  'writeConcern',
  'comment',
  '$readPreference',
]);

const sameKey = (a: Doc, b: Doc): boolean =>
  Object.keys(a).join('\0') === Object.keys(b).join('\0') &&
  Object.keys(a).every((k) => compareBson(a[k], b[k]) === 0);

const asBool = (value: unknown, field: string): boolean => {
  if (typeof value !== 'boolean')
    throw new MongoServerError(
      14,
      `BSON field 'collMod.index.${field}' is the wrong type, expected type 'bool'`,
    );
  return value;
};

/**
 * Converting an index to unique as mongod 7.0 does it, in two steps: `prepareUnique: true` makes the index
 * refuse writes that add a key another document holds (existing duplicates stay), then `unique: true`
 * succeeds when no duplicates are left, or fails with CannotConvertIndexToUnique (359) listing the `_id`s of
 * each group of documents sharing a key. The fields to set on the index spec.
 */
const uniqueConversion = (coll: Collection, target: IndexStore, spec: Doc, reply: Doc): Doc => {
  const set: Doc = {};
  if (spec.prepareUnique !== undefined) {
    const on = asBool(spec.prepareUnique, 'prepareUnique');
    if (target.name === '_id_' || target.unique) {
      if (on) return set; // already refuses duplicates
    }
    reply.prepareUnique_old = target.spec.prepareUnique === true;
    reply.prepareUnique_new = on;
    set.prepareUnique = on;
  }
  if (spec.unique !== undefined) {
    if (!asBool(spec.unique, 'unique'))
      throw new MongoServerError(2, "The field 'unique' can only be set to true in collMod");
    if (target.unique || target.name === '_id_') return set;
    if (!target.prepareUnique && set.prepareUnique !== true)
      throw new MongoServerError(
        72,
        "Cannot make index unique with 'prepareUnique: false'. Run collMod to set it first.",
      );
    const violations = duplicateGroups(coll, target);
    if (violations.length)
      throw new MongoServerError(
        359,
        'Cannot convert the index to unique. Please resolve conflicting documents before running collMod again.',
        { violations: violations.map((ids) => ({ ids })) },
      );
    reply.unique_new = true;
    set.unique = true;
  }
  return set;
};

/** `_id` values of the documents sharing each duplicated key, in `_id` order. */
const duplicateGroups = (coll: Collection, index: IndexStore): unknown[][] => {
  // A prepareUnique index tracks its holders; otherwise build a trial index to find them.
  const tracked = index.prepareUnique ? index : trialPrepared(coll, index);
  return tracked.duplicates().map((ids) => ids.map((id) => coll.get(id)?.doc._id).sort(compareBson));
};

const trialPrepared = (coll: Collection, index: IndexStore): IndexStore => {
  const trial = new IndexStore({ ...index.spec, prepareUnique: true });
  trial.build(coll.records.values());
  return trial;
};

/**
 * `collMod`: changes collection options and an index's `hidden`/`expireAfterSeconds`/`prepareUnique`/
 * `unique`, journaled as one op.
 */
const collMod: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.collMod);
  const coll = env.ctx.coll(ns);
  if (!coll) throw new MongoServerError(26, `ns does not exist: ${ns}`);
  const options: Doc = {};
  for (const [k, v] of Object.entries(cmd)) {
    if (GENERIC.has(k) || k === 'index') continue;
    if (!OPTIONS.has(k)) throw new MongoServerError(40415, `BSON field 'collMod.${k}' is an unknown field.`);
    options[k] = v;
  }
  checkValidationOptions(options);
  const reply: Doc = { ok: 1 };
  let index: { name: string; set: Doc } | undefined;
  if (cmd.index !== undefined) {
    const spec = asDoc(cmd.index);
    const target = [...coll.indexes.values()].find((i) =>
      typeof spec.name === 'string' ? i.name === spec.name : sameKey(i.spec.key, asDoc(spec.keyPattern)),
    );
    if (!target)
      throw new MongoServerError(27, `cannot find index ${JSON.stringify(spec.name ?? spec.keyPattern)}`);
    const set: Doc = {};
    for (const k of ['hidden', 'expireAfterSeconds'] as const)
      if (spec[k] !== undefined) {
        if (target.name === '_id_' && k === 'hidden') throw new MongoServerError(72, 'cannot hide _id index');
        reply[`${k}_old`] = target.spec[k];
        reply[`${k}_new`] = spec[k];
        set[k] = spec[k];
      }
    Object.assign(set, uniqueConversion(coll, target, spec, reply));
    index = { name: target.name, set };
  }
  env.ctx.storage.apply({ t: 'collMod', ns, options, ...(index ? { index } : {}) });
  return reply;
};

export const collModCommands: Record<string, Handler> = { collMod };

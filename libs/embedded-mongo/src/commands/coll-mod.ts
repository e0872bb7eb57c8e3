import type { Doc } from '../bson/values';
import { compareBson } from '../bson/compare';
import { MongoServerError } from '../engine/errors';
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

/**
 * `collMod`: changes collection options and an index's `hidden`/`expireAfterSeconds`, journaled as one op.
 * Converting an index to unique (`prepareUnique`/`unique`) is refused rather than pretended.
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
    if (spec.prepareUnique !== undefined || spec.unique !== undefined)
      throw new MongoServerError(
        115,
        'collMod prepareUnique/unique (converting an index to unique) is not supported by the embedded server',
      );
    const set: Doc = {};
    for (const k of ['hidden', 'expireAfterSeconds'] as const)
      if (spec[k] !== undefined) {
        if (target.name === '_id_' && k === 'hidden') throw new MongoServerError(72, 'cannot hide _id index');
        reply[`${k}_old`] = target.spec[k];
        reply[`${k}_new`] = spec[k];
        set[k] = spec[k];
      }
    index = { name: target.name, set };
  }
  env.ctx.storage.apply({ t: 'collMod', ns, options, ...(index ? { index } : {}) });
  return reply;
};

export const collModCommands: Record<string, Handler> = { collMod };

import { enforceValidator } from '../engine/validation';
import { ObjectId } from 'bson';
import { compareBson } from '../bson/compare';
import { type Doc, getPathValues } from '../bson/values';
import { Collection, duplicateKeyError } from '../engine/collection';
import { MongoServerError } from '../engine/errors';
import { runPipeline } from '../engine/pipeline';
import { findRecords } from '../engine/query';
import { asDoc, type Env } from './env';
import { bindPipeline, type LetVars } from './let-vars';

/**
 * `$out` and `$merge`: the last stage of a pipeline writes its results to a collection instead of returning
 * them. `$out` replaces the target's contents all at once (validated in full before anything changes, so a
 * duplicate key leaves the target as it was); `$merge` upserts document by document, as mongod does.
 */
export interface OutputStage {
  kind: '$out' | '$merge';
  spec: unknown;
}

export const takeOutput = (pipeline: Doc[]): { stages: Doc[]; output: OutputStage | null } => {
  pipeline.forEach((s, i) => {
    for (const kind of ['$out', '$merge'] as const)
      if (s[kind] !== undefined && i !== pipeline.length - 1)
        throw new MongoServerError(40601, `${kind} can only be the final stage in the pipeline`);
  });
  const last = pipeline[pipeline.length - 1];
  if (last?.$out !== undefined)
    return { stages: pipeline.slice(0, -1), output: { kind: '$out', spec: last.$out } };
  if (last?.$merge !== undefined)
    return { stages: pipeline.slice(0, -1), output: { kind: '$merge', spec: last.$merge } };
  return { stages: pipeline, output: null };
};

const targetNs = (env: Env, target: unknown, stage: string): string => {
  if (typeof target === 'string' && target) return `${env.db}.${target}`;
  const t = asDoc(target);
  if (typeof t.coll === 'string' && t.coll)
    return `${typeof t.db === 'string' && t.db ? t.db : env.db}.${t.coll}`;
  throw new MongoServerError(
    stage === '$out' ? 13406 : 51178,
    `${stage} needs a target collection name or {db, coll}`,
  );
};

const withId = (d: Doc): Doc => (d._id === undefined ? { _id: new ObjectId(), ...d } : d);

const writeOut = (env: Env, spec: unknown, docs: Doc[]): void => {
  const ns = targetNs(env, spec, '$out');
  if (ns.split('.')[1]?.startsWith('system.'))
    throw new MongoServerError(17385, `Can't $out to special collection: ${ns}`);
  const { ctx } = env;
  const existing = ctx.coll(ns);
  const full = docs.map(withId);
  // Dry run against an empty copy of the target's indexes: any duplicate key fails before the target changes.
  const trial = new Collection(ns, existing?.options ?? {});
  for (const spec of existing?.specs() ?? []) if (spec.name !== '_id_') trial.createIndex(spec);
  for (const d of full) {
    const rec = ctx.makeRec(d);
    if (trial.get(rec.id)) throw duplicateKeyError(ns, trial.indexes.get('_id_')!, [d._id]);
    trial.checkUnique(rec);
    enforceValidator(trial, rec, undefined, ctx.bypassValidation);
    trial.put(rec);
  }
  if (existing) for (const rec of [...existing.records.values()]) ctx.remove(ns, rec);
  else ctx.ensureCollection(ns);
  for (const d of full) ctx.put(ns, ctx.makeRec(d), undefined);
};

interface MergeSpec {
  ns: string;
  on: string[];
  whenMatched: string | Doc[];
  whenNotMatched: string;
  vars: LetVars;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

const parseMerge = (env: Env, raw: unknown, vars: LetVars | null): MergeSpec => {
  const spec = typeof raw === 'string' ? { into: raw } : asDoc(raw);
  const ns = targetNs(env, spec.into, '$merge');
  const on = spec.on === undefined ? ['_id'] : Array.isArray(spec.on) ? spec.on.map(text) : [text(spec.on)];
  const matched: unknown = spec.whenMatched ?? 'merge';
  const whenNotMatched = text(spec.whenNotMatched ?? 'insert');
  const whenMatched = Array.isArray(matched) ? (matched as Doc[]) : text(matched);
  if (typeof whenMatched === 'string' && !['merge', 'replace', 'keepExisting', 'fail'].includes(whenMatched))
    throw new MongoServerError(
      2,
      `Enumeration value '${whenMatched}' for field 'whenMatched' is not a valid value.`,
    );
  if (!['insert', 'discard', 'fail'].includes(whenNotMatched))
    throw new MongoServerError(
      2,
      `Enumeration value '${whenNotMatched}' for field 'whenNotMatched' is not a valid value.`,
    );
  const own = new Map(vars ?? []);
  for (const [k, v] of Object.entries(asDoc(spec.let))) own.set(k, v);
  return { ns, on, whenMatched, whenNotMatched, vars: own };
};

const sameFields = (a: string[], b: string[]): boolean =>
  a.length === b.length && [...a].sort().every((f, i) => f === [...b].sort()[i]);

const writeMerge = (env: Env, raw: unknown, docs: Doc[], vars: LetVars | null): void => {
  const m = parseMerge(env, raw, vars);
  const { ctx } = env;
  const coll = ctx.coll(m.ns);
  if (!sameFields(m.on, ['_id'])) {
    const unique = [...(coll?.indexes.values() ?? [])].some(
      (i) => i.unique && sameFields(Object.keys(i.spec.key), m.on),
    );
    if (!unique)
      throw new MongoServerError(51183, 'Cannot find index to verify that join fields will be unique');
  }
  for (const source of docs) {
    const filter: Doc = {};
    for (const f of m.on) {
      const values = getPathValues(source, f);
      if (values.length !== 1 || Array.isArray(values[0]))
        throw new MongoServerError(
          51132,
          `$merge write error: 'on' field '${f}' cannot be missing, null or an array`,
        );
      filter[f] = values[0] === undefined ? null : values[0];
    }
    const [match] = findRecords(ctx, m.ns, { filter, sort: [], skip: 0, limit: 1 });
    if (!match) {
      if (m.whenNotMatched === 'discard') continue;
      if (m.whenNotMatched === 'fail')
        throw new MongoServerError(
          13113,
          '$merge could not find a matching document in the target collection',
        );
      ctx.put(m.ns, ctx.makeRec(withId(source)), undefined);
      continue;
    }
    const wm = m.whenMatched;
    if (wm === 'keepExisting') continue;
    if (wm === 'fail') throw duplicateKeyError(m.ns, ctx.coll(m.ns)!.indexes.get('_id_')!, [match.doc._id]);
    let next: Doc;
    if (Array.isArray(wm)) {
      const stages = bindPipeline(wm, new Map([...m.vars, ['new', source]]));
      const [out] = runPipeline(stages, [match.doc], () => []);
      next = { ...(out ?? {}), _id: match.doc._id };
    } else if (wm === 'replace') next = { ...source, _id: match.doc._id };
    else next = { ...match.doc, ...source, _id: match.doc._id };
    if (source._id !== undefined && compareBson(source._id, match.doc._id) !== 0)
      throw new MongoServerError(
        66,
        '$merge failed to update the matching document, did you attempt to modify the _id or the shard key?',
      );
    ctx.put(m.ns, ctx.makeRec(next, match), match);
  }
};

export const writeOutput = (env: Env, output: OutputStage, docs: Doc[], vars: LetVars | null): void => {
  if (env.ctx.txn) throw new MongoServerError(263, `${output.kind} cannot be used in a transaction`);
  if (output.kind === '$out') writeOut(env, output.spec, docs);
  else writeMerge(env, output.spec, docs, vars);
};

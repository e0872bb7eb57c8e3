import { parseSort, type SortSpec } from '../bson/compare';
import type { Doc } from '../bson/values';
import { effectiveCollation, parseCollation } from '../engine/collation';
import { MongoServerError } from '../engine/errors';
import { geoNearStage } from '../engine/geo-near';
import { runPipeline } from '../engine/pipeline';
import { findRecords } from '../engine/query';
import { SEARCH_STAGES, searchNotEnabled } from './search-indexes';
import { asDoc, asNumber, type Handler, nsOf } from './env';
import { bindPipeline, parseLet } from './let-vars';
import { takeOutput, writeOutput } from './aggregate-out';
import { collectionDocs, databaseSource } from './aggregate-db';
import { collStatsStage } from './coll-stats';

interface Prefix {
  filter: Doc;
  sort: SortSpec;
  skip: number;
  limit: number;
  rest: Doc[];
}

/**
 * Leading $match/$sort/$skip/$limit stages run on the server's own query engine (indexes, BSON-typed sort);
 * only what follows goes to mingo.
 */
const splitPrefix = (pipeline: Doc[]): Prefix => {
  const matches: Doc[] = [];
  let i = 0;
  while (i < pipeline.length && pipeline[i]?.$match !== undefined) matches.push(asDoc(pipeline[i++]?.$match));
  let sort: SortSpec = [];
  let skip = 0;
  let limit = 0;
  if (pipeline[i]?.$sort !== undefined) sort = parseSort(pipeline[i++]?.$sort);
  if (pipeline[i]?.$skip !== undefined) skip = asNumber(pipeline[i++]?.$skip);
  if (pipeline[i]?.$limit !== undefined) limit = asNumber(pipeline[i++]?.$limit);
  const filter = matches.length === 0 ? {} : matches.length === 1 ? (matches[0] as Doc) : { $and: matches };
  return { filter, sort, skip, limit, rest: pipeline.slice(i) };
};

/** `{$group: {_id: <constant>, n: {$sum: 1}}}` – what countDocuments sends; answered without materializing. */
const countOnly = (rest: Doc[]): { id: unknown; fields: string[] } | null => {
  if (rest.length !== 1) return null;
  const g = rest[0]?.$group as Doc | undefined;
  if (
    !g ||
    (typeof g._id === 'object' && g._id !== null) ||
    (typeof g._id === 'string' && g._id.startsWith('$'))
  )
    return null;
  const fields = Object.keys(g).filter((k) => k !== '_id');
  const ok = fields.every((f) => {
    const acc = g[f] as Doc | undefined;
    return acc && Object.keys(acc).length === 1 && acc.$sum === 1;
  });
  return ok ? { id: g._id, fields } : null;
};

const aggregate: Handler = (cmd, env) => {
  if (!Array.isArray(cmd.pipeline))
    throw new MongoServerError(14, "'pipeline' option must be specified as an array");
  if (asDoc((cmd.pipeline as Doc[])[0]).$changeStream !== undefined)
    return env.engine.streams.openCursor(cmd, env, cmd.pipeline as Doc[], () =>
      env.engine.cursors.allocateId(),
    );
  const vars = parseLet(cmd.let);
  const { stages, output } = takeOutput(bindPipeline(cmd.pipeline as Doc[], vars));
  const pipeline = stages;
  if (output && asDoc(cmd.readConcern).level === 'linearizable')
    throw new MongoServerError(72, `readConcern level linearizable cannot be used with ${output.kind}`);
  if (pipeline.some((s) => SEARCH_STAGES.some((k) => s[k] !== undefined))) throw searchNotEnabled();
  if (pipeline.some((s) => s.$changeStream !== undefined))
    throw new MongoServerError(40602, '$changeStream is only valid as the first stage in a pipeline');
  const cursor = asDoc(cmd.cursor);
  const batchSize = cursor.batchSize === undefined ? undefined : asNumber(cursor.batchSize);
  const respond = (ns: string, docs: Doc[], sizes?: number[]): Doc => {
    if (!output) return env.engine.cursors.first(ns, { docs, sizes }, batchSize, false);
    writeOutput(env, output, docs, vars);
    return env.engine.cursors.first(ns, { docs: [] }, batchSize, false);
  };
  if (typeof cmd.aggregate !== 'string') {
    const source = databaseSource(env, cmd.aggregate, pipeline);
    return respond(
      `${env.db}.$cmd.aggregate`,
      runPipeline(pipeline.slice(1), source, (name) => collectionDocs(env, name)),
    );
  }
  const ns = nsOf(env, cmd.aggregate);
  if (pipeline.slice(1).some((s) => s.$collStats !== undefined))
    throw new MongoServerError(40602, '$collStats is only valid as the first stage in a pipeline');
  // first stages that make their own documents instead of reading the collection's
  const first = pipeline[0];
  const made =
    first?.$collStats !== undefined
      ? collStatsStage(env, ns, first.$collStats)
      : first?.$geoNear !== undefined
        ? geoNearStage(env.ctx, ns, first.$geoNear)
        : undefined;
  if (made) {
    const rest = pipeline.slice(1);
    return respond(ns, rest.length ? runPipeline(rest, made, (name) => collectionDocs(env, name)) : made);
  }
  const p = splitPrefix(pipeline);
  const collation = parseCollation(cmd.collation);
  const recs = findRecords(env.ctx, ns, { ...p, hint: cmd.hint, collation });
  const mingoCollation = effectiveCollation(collation, env.ctx.coll(ns)?.options)?.spec;
  let docs: Doc[];
  const counting = countOnly(p.rest);
  if (counting) {
    docs = recs.length
      ? [{ _id: counting.id, ...Object.fromEntries(counting.fields.map((f) => [f, recs.length])) }]
      : [];
  } else if (p.rest.length === 0) {
    docs = recs.map((r) => r.doc);
  } else {
    const collection = (name: string): Doc[] =>
      findRecords(env.ctx, `${env.db}.${name}`, { filter: {}, sort: [], skip: 0, limit: 0 }).map(
        (r) => r.doc,
      );
    docs = runPipeline(
      p.rest,
      recs.map((r) => r.doc),
      collection,
      mingoCollation,
    );
  }
  const sizes = p.rest.length === 0 ? recs.map((r) => r.bytes.length) : undefined;
  return respond(ns, docs, sizes);
};

export const aggregateCommands: Record<string, Handler> = { aggregate };

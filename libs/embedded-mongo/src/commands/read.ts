import { Long } from 'bson';
import { compareBson, parseSort, type StringCompare } from '../bson/compare';
import { type Doc, getPathValues, keyString } from '../bson/values';
import { parseCollation } from '../engine/collation';
import { SERVER_VERSION } from '../engine/context';
import { MongoServerError } from '../engine/errors';
import { applyProjection, type ExecStats, findRecords, type FindSpec, queryCollation } from '../engine/query';
import { asDoc, asNumber, type Handler, nsOf } from './env';
import { bindFilter, parseLet } from './let-vars';

const findSpec = (cmd: Doc): FindSpec & { single: boolean } => {
  const limit = asNumber(cmd.limit);
  const skip = asNumber(cmd.skip);
  if (skip < 0) throw new MongoServerError(2, 'skip value must be non-negative');
  return {
    filter: bindFilter(asDoc(cmd.filter), parseLet(cmd.let)),
    sort: parseSort(cmd.sort),
    skip,
    limit: Math.abs(limit),
    hint: cmd.hint,
    collation: parseCollation(cmd.collation),
    single: cmd.singleBatch === true || limit < 0,
  };
};

const find: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.find);
  const spec = findSpec(cmd);
  const recs = findRecords(env.ctx, ns, spec);
  const projection = cmd.projection as Doc | undefined;
  const project =
    projection && Object.keys(projection).length
      ? (d: Doc[]) => applyProjection(d, projection, spec.filter)
      : undefined;
  const batchSize = cmd.batchSize === undefined ? undefined : asNumber(cmd.batchSize);
  const source = { docs: recs.map((r) => r.doc), sizes: recs.map((r) => r.bytes.length), project };
  return env.engine.cursors.first(ns, source, batchSize, spec.single);
};

const getMore: Handler = (cmd, env) => {
  const id = cmd.getMore instanceof Long ? cmd.getMore : Long.fromNumber(asNumber(cmd.getMore));
  if (env.engine.streams.has(id)) return env.engine.streams.more(cmd, env, id, nsOf(env, cmd.collection));
  const batchSize = cmd.batchSize === undefined ? undefined : asNumber(cmd.batchSize);
  return env.engine.cursors.more(id, nsOf(env, cmd.collection), batchSize);
};

const killCursors: Handler = (cmd, env) => {
  const ids = (Array.isArray(cmd.cursors) ? cmd.cursors : []).map((c) =>
    c instanceof Long ? c : Long.fromNumber(asNumber(c)),
  );
  const streams = ids.filter((id) => env.engine.streams.kill(id));
  const reply = env.engine.cursors.kill(ids.filter((id) => !streams.includes(id)));
  return { ...reply, cursorsKilled: [...streams, ...(reply.cursorsKilled as Long[])] };
};

const count: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.count);
  const spec = {
    filter: asDoc(cmd.query),
    sort: [],
    skip: asNumber(cmd.skip),
    limit: Math.abs(asNumber(cmd.limit)),
    hint: cmd.hint,
    collation: parseCollation(cmd.collation),
  };
  const coll = env.ctx.coll(ns);
  if (Object.keys(spec.filter).length === 0 && !env.ctx.txn && coll && spec.hint === undefined) {
    const total = Math.max(0, coll.records.size - spec.skip);
    return { n: spec.limit ? Math.min(total, spec.limit) : total, ok: 1 };
  }
  return { n: findRecords(env.ctx, ns, spec).length, ok: 1 };
};

const distinct: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.distinct);
  if (typeof cmd.key !== 'string') throw new MongoServerError(14, "'key' must be of type string");
  const key = cmd.key;
  const collation = parseCollation(cmd.collation);
  const recs = findRecords(env.ctx, ns, { filter: asDoc(cmd.query), sort: [], skip: 0, limit: 0, collation });
  const strCmp = queryCollation(env.ctx.coll(ns), { collation });
  return {
    values: distinctValues(
      recs.map((r) => r.doc),
      key,
      strCmp,
    ),
    ok: 1,
  };
};

/** `distinct`'s answer: the different values at `key` (array elements one by one), sorted. */
export const distinctValues = (docs: Doc[], key: string, strCmp?: StringCompare): unknown[] => {
  const seen = new Map<string, unknown>();
  for (const d of docs)
    for (const v of getPathValues(d, key)) {
      if (v === undefined) continue;
      const k = keyString(v);
      if (!seen.has(k)) seen.set(k, v);
    }
  const sorted = [...seen.values()].sort((a, b) => compareBson(a, b, strCmp));
  if (!strCmp) return sorted;
  // values equal under the collation ("PING", "ping" at strength 2) are one: the first seen in order stays
  return sorted.filter((v, i) => i === 0 || compareBson(sorted[i - 1], v, strCmp) !== 0);
};

/** `explain` for find/count/distinct: the plan and how much it read, so callers can verify index use. */
const explain: Handler = (cmd, env) => {
  const inner = asDoc(cmd.explain);
  const ns = nsOf(env, inner.find ?? inner.count ?? inner.distinct ?? inner.aggregate);
  const spec =
    inner.find !== undefined
      ? findSpec(inner)
      : {
          filter: asDoc(inner.query ?? asDoc((inner.pipeline as Doc[] | undefined)?.[0]).$match),
          sort: [],
          skip: 0,
          limit: 0,
        };
  const stats: ExecStats = { stage: 'COLLSCAN', keysExamined: 0, docsExamined: 0 };
  const recs = findRecords(env.ctx, ns, spec, stats);
  const input =
    stats.stage === 'IXSCAN'
      ? { stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: stats.indexName } }
      : { stage: stats.stage };
  return {
    queryPlanner: { namespace: ns, parsedQuery: spec.filter, winningPlan: input, rejectedPlans: [] },
    executionStats: {
      executionSuccess: true,
      nReturned: recs.length,
      totalKeysExamined: stats.keysExamined,
      totalDocsExamined: stats.docsExamined,
      executionStages: input,
    },
    serverInfo: { host: env.conn.localAddress, version: SERVER_VERSION },
    ok: 1,
  };
};

export const readCommands: Record<string, Handler> = { find, getMore, killCursors, count, distinct, explain };

import { calculateObjectSize } from 'bson';
import type { Doc } from '../bson/values';
import { cappedLimits, isCapped } from '../engine/capped';
import { MongoServerError } from '../engine/errors';
import { asDoc, asNumber, type Env } from './env';

/**
 * `$collStats` / `collStats`: sizes computed from the stored BSON (there is no compression, so `storageSize`
 * is the data size) and index sizes estimated from the key values each index holds (plus 16 bytes of entry
 * overhead per key); `latencyStats` counts the commands this server ran on the namespace.
 */
export const storageStats = (env: Env, ns: string, scale: number): Doc => {
  const coll = env.ctx.coll(ns);
  if (!coll)
    throw new MongoServerError(
      26,
      `Unable to retrieve storageStats in $collStats stage :: caused by :: Collection [${ns}] not found.`,
    );
  if (!(scale >= 1)) throw new MongoServerError(2, 'scale has to be >= 1');
  let size = 0;
  for (const r of coll.records.values()) size += r.bytes.length;
  const indexSizes: Doc = {};
  let totalIndexSize = 0;
  for (const index of coll.indexes.values()) {
    let bytes = 0;
    for (const r of coll.records.values())
      for (const k of index.keysOf(r)) bytes += calculateObjectSize({ k }) + 16;
    indexSizes[index.name] = Math.floor(bytes / scale);
    totalIndexSize += bytes;
  }
  const count = coll.records.size;
  const capped = isCapped(coll);
  return {
    size: Math.floor(size / scale),
    count,
    avgObjSize: count ? Math.floor(size / count) : 0,
    numOrphanDocs: 0,
    storageSize: Math.floor(size / scale),
    freeStorageSize: 0,
    capped,
    ...(capped ? { max: coll.options.max ?? 0, maxSize: Math.floor(cappedLimits(coll).bytes / scale) } : {}),
    nindexes: coll.indexes.size,
    indexDetails: {},
    indexBuilds: [],
    totalIndexSize: Math.floor(totalIndexSize / scale),
    totalSize: Math.floor((size + totalIndexSize) / scale),
    indexSizes,
    scaleFactor: scale,
  };
};

/** The old `collStats` command's fields (what `db.runCommand({collStats})` still answers). */
export const collStatsDoc = (env: Env, ns: string, scale: number): Doc => ({
  ns,
  ...storageStats(env, ns, scale),
});

const STAGE_FIELDS = new Set(['latencyStats', 'storageStats', 'count', 'queryExecStats']);

/** The `$collStats` stage: one document for the collection (this server is a single shard-less node). */
export const collStatsStage = (env: Env, ns: string, spec: unknown): Doc[] => {
  const s = asDoc(spec);
  for (const k of Object.keys(s))
    if (!STAGE_FIELDS.has(k))
      throw new MongoServerError(40415, `BSON field '$collStats.${k}' is an unknown field.`);
  if (s.queryExecStats !== undefined)
    throw new MongoServerError(115, '$collStats queryExecStats is not supported by the embedded server');
  const out: Doc = { ns, host: env.conn.localAddress, localTime: new Date() };
  if (s.latencyStats !== undefined) out.latencyStats = env.engine.ops.latency(ns);
  if (s.storageStats !== undefined) {
    const scale = asDoc(s.storageStats).scale;
    out.storageStats = storageStats(env, ns, scale === undefined ? 1 : asNumber(scale, NaN));
  }
  if (s.count !== undefined) {
    const coll = env.ctx.coll(ns);
    if (!coll)
      throw new MongoServerError(
        26,
        `Unable to retrieve count in $collStats stage :: caused by :: Collection [${ns}] not found.`,
      );
    out.count = coll.records.size;
  }
  return [out];
};

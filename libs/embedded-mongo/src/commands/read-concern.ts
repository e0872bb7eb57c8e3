import { Timestamp } from 'bson';
import { type Doc, isPlainDoc } from '../bson/values';
import type { Ctx } from '../engine/context';
import { MongoServerError } from '../engine/errors';
import type { Engine } from './env';

/** What mongod 7.0 runs under `readConcern: {level: "snapshot"}` outside a transaction. */
const SNAPSHOT_READS = new Set(['find', 'aggregate', 'distinct']);
/** Where atClusterTime goes in the reply: the cursor (find, aggregate) or the body (distinct). */
const ON_CURSOR = new Set(['find', 'aggregate']);

const show = (rc: Doc): string => {
  const at = rc.atClusterTime instanceof Timestamp ? rc.atClusterTime : null;
  return `{ readConcern: { level: "${String(rc.level)}"${at ? `, atClusterTime: Timestamp(${at.high}, ${at.low})` : ''} } }`;
};

const tsKey = (t: Timestamp): bigint => t.toBigInt();

/**
 * Checks a command's read concern the way mongod 7.0 does and, for a snapshot read outside a transaction,
 * binds the context to its cluster time (`atClusterTime`, else now). Returns that time, or null.
 */
export const bindReadConcern = (
  engine: Engine,
  name: string,
  cmd: Doc,
  ctx: Ctx,
  startsTransaction: boolean,
): Timestamp | null => {
  const rc = cmd.readConcern;
  if (rc === undefined) return null;
  if (!isPlainDoc(rc))
    throw new MongoServerError(14, "BSON field 'readConcern' is the wrong type, expected type 'object'");
  const at = rc.atClusterTime;
  if (at !== undefined) {
    if (!(at instanceof Timestamp))
      throw new MongoServerError(
        14,
        "BSON field 'readConcern.atClusterTime' is the wrong type, expected type 'timestamp'",
      );
    if (rc.level !== 'snapshot')
      throw new MongoServerError(72, 'atClusterTime field can be set only if level is equal to snapshot');
    if (rc.afterClusterTime !== undefined)
      throw new MongoServerError(72, 'Can not specify both atClusterTime and afterClusterTime');
    if (at.isZero())
      throw new MongoServerError(72, 'readConcern atClusterTime value must not be a null timestamp');
  }
  if (rc.level !== 'snapshot') return null;
  const now = engine.clusterTime();
  if (at instanceof Timestamp && tsKey(at) > tsKey(now))
    throw new MongoServerError(
      72,
      `readConcern atClusterTime value must not be greater than the current clusterTime. Requested clusterTime: Timestamp(${at.high}, ${at.low}); current clusterTime: Timestamp(${now.high}, ${now.low})`,
    );
  if (ctx.txn) {
    // A transaction reads from the snapshot taken at its first operation; an earlier one cannot be rebuilt
    // for writes, so only an atClusterTime no change has happened after is accepted.
    const last = engine.changes.lastTs;
    if (startsTransaction && at instanceof Timestamp && last && tsKey(at) < tsKey(last))
      throw new MongoServerError(
        72,
        'atClusterTime before the latest write is not supported in a transaction by the embedded server',
      );
    return null;
  }
  if (!SNAPSHOT_READS.has(name))
    throw new MongoServerError(
      72,
      `Command ${name} does not support ${show(rc)} :: caused by :: read concern not supported`,
    );
  const readAt = at instanceof Timestamp ? at : now;
  if (!engine.changes.retainsAfter({ t: readAt.high, i: readAt.low, idx: Number.MAX_SAFE_INTEGER }))
    throw new MongoServerError(
      239,
      `Read timestamp Timestamp(${readAt.high}, ${readAt.low}) is older than the oldest available timestamp.`,
    );
  ctx.readAt = readAt;
  engine.changes.keepFull();
  return readAt;
};

/** The reply of a snapshot read says which cluster time it read at. */
export const withAtClusterTime = (reply: Doc, name: string, at: Timestamp): Doc => {
  if (reply.ok !== 1) return reply;
  if (ON_CURSOR.has(name) && isPlainDoc(reply.cursor))
    return { ...reply, cursor: { ...reply.cursor, atClusterTime: at } };
  return name === 'distinct' ? { ...reply, atClusterTime: at } : reply;
};

import { deadlineOf, withDeadline } from '../engine/deadline';
import { Binary, Long, type Timestamp } from 'bson';
import type { Doc } from '../bson/values';
import { Ctx } from '../engine/context';
import { errorLabelsFor, type LabelContext } from '../engine/error-labels';
import { MongoServerError } from '../engine/errors';
import type { FailAction } from '../engine/failpoints';
import { type Transaction, txnInfo } from '../engine/transactions';
import type { Request } from '../wire/codec';
import type { ConnectionInfo } from '../wire/connection';
import { aggregateCommands } from './aggregate';
import { ddlCommands } from './ddl';
import type { Engine, Env, Handler } from './env';
import { failPointCommands } from './failpoints';
import { findAndModifyCommands } from './find-and-modify';
import { handshakeCommands } from './handshake';
import { indexCommands } from './indexes';
import { readCommands } from './read';
import { bindReadConcern, withAtClusterTime } from './read-concern';
import { collModCommands } from './coll-mod';
import { operatorCommands, operatorTestCommands } from './operator';
import { searchIndexCommands } from './search-indexes';
import { lsidOf, sessionCommands } from './sessions';
import { withViews } from './views';
import { withTimeseries } from './timeseries';
import { writeCommands } from './write';

const HANDLERS: Record<string, Handler> = withTimeseries(
  withViews({
    ...handshakeCommands,
    ...readCommands,
    ...writeCommands,
    ...findAndModifyCommands,
    ...aggregateCommands,
    ...ddlCommands,
    ...indexCommands,
    ...sessionCommands,
    ...searchIndexCommands,
    ...collModCommands,
    ...operatorCommands,
  }),
);
const TEST_HANDLERS: Record<string, Handler> = { ...failPointCommands, ...operatorTestCommands };

/** Thrown to drop the client's connection without a reply (a `closeConnection` fail point). */
export class CloseConnection extends Error {}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const lookup = (engine: Engine, name: string): Handler | undefined => {
  if (Object.prototype.hasOwnProperty.call(HANDLERS, name)) return HANDLERS[name];
  if (engine.options.enableTestCommands && Object.prototype.hasOwnProperty.call(TEST_HANDLERS, name))
    return TEST_HANDLERS[name];
  return undefined;
};

const injectedError = (action: FailAction, labels: LabelContext): MongoServerError => {
  const e = action.error as NonNullable<FailAction['error']>;
  const err = new MongoServerError(e.code, e.errmsg ?? "Failing command via 'failCommand' failpoint");
  for (const l of e.labels ?? errorLabelsFor(labels, e.code)) err.withLabel(l);
  return err;
};

/** A one-member replica set can satisfy w:1 and w:"majority"; more nodes or unknown modes fail like mongod. */
const writeConcernProblem = (wc: unknown): Doc | null => {
  if (!wc || typeof wc !== 'object') return null;
  const w = (wc as Doc).w;
  if (w === undefined || w === 'majority') return null;
  if (typeof w === 'string')
    return {
      code: 79,
      codeName: 'UnknownReplWriteConcern',
      errmsg: `No write concern mode named '${w}' found in replica set configuration`,
    };
  const n = Number((w as { valueOf(): unknown }).valueOf());
  if (n > 1)
    return { code: 100, codeName: 'UnsatisfiableWriteConcern', errmsg: 'Not enough data-bearing nodes' };
  return null;
};

const withWriteConcernError = (
  reply: Doc,
  wce: Doc,
  action: FailAction | null,
  labels: LabelContext,
): Doc => {
  const code = typeof wce.code === 'number' ? wce.code : Number(wce.code);
  const given = action?.error?.labels;
  const errorLabels = given ?? errorLabelsFor(labels, undefined, code);
  return { ...reply, writeConcernError: wce, ...(errorLabels.length ? { errorLabels } : {}) };
};

const IN_TXN = new Set([
  'find',
  'getMore',
  'killCursors',
  'insert',
  'update',
  'delete',
  'findAndModify',
  'findandmodify',
  'aggregate',
  'distinct',
  'create',
  'createIndexes',
  'commitTransaction',
  'abortTransaction',
]);
const TXN_CONTROL = new Set(['commitTransaction', 'abortTransaction']);
const RETRYABLE = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);

const sigHash = new Binary(Buffer.alloc(20), 0);

/** Routes one command, binding it to its session's transaction and answering errors the way mongod does. */
export const runCommand = async (engine: Engine, req: Request, conn: ConnectionInfo): Promise<Doc> => {
  const cmd = req.command;
  const name = Object.keys(cmd)[0] ?? '';
  const db = typeof cmd.$db === 'string' ? cmd.$db : 'admin';
  const lsid = lsidOf(cmd);
  if (lsid) engine.touchSession(lsid, (cmd.lsid as Doc).id);
  let txn: Transaction | null = null;
  let reply: Doc;
  let wroteAt: Timestamp | null = null;
  const ctx = new Ctx(engine.storage, engine.txns, null);
  const appliedBefore = engine.storage.applied;
  const labels: LabelContext = {
    command: name,
    inTransaction: cmd.autocommit === false,
    hasTxnNumber: cmd.txnNumber !== undefined,
    changeStream: name === 'getMore' && cmd.getMore instanceof Long && engine.streams.has(cmd.getMore),
  };
  engine.stats.count(name, cmd);
  const own = lookup(engine, name);
  const handler = engine.guard ? engine.guard.handler(name, own) : own;
  const fail =
    handler && engine.options.enableTestCommands ? engine.failPoints.check(name, conn.appName) : null;
  if (fail?.blockMs) await sleep(fail.blockMs);
  if (fail?.close) throw new CloseConnection(`fail point closed the connection on '${name}'`);
  try {
    if (!handler) throw new MongoServerError(59, `no such command: '${name}'`);
    engine.guard?.authorize(name, cmd, db, conn);
    // An injected error fails the command before it runs: an open transaction stays open, as on mongod.
    if (fail?.error) {
      reply = injectedError(fail, labels).toReply();
      return finish(engine, reply);
    }
    const info = txnInfo(cmd, lsid);
    if (info && !TXN_CONTROL.has(name)) {
      if (!IN_TXN.has(name))
        throw new MongoServerError(263, `Cannot run '${name}' in a multi-document transaction.`);
      txn = info.start
        ? engine.txns.start(info.lsid, info.txnNumber)
        : engine.txns.current(info.lsid, info.txnNumber);
    }
    const env: Env = { engine, db, ctx: txn ? new Ctx(engine.storage, engine.txns, txn) : ctx, conn, lsid };
    env.ctx.bypassValidation = cmd.bypassDocumentValidation === true;
    const readAt = bindReadConcern(engine, name, cmd, env.ctx, info?.start === true);
    const retryKey = !info && lsid && cmd.txnNumber !== undefined && RETRYABLE.has(name) ? lsid : null;
    const txnNumber = retryKey ? BigInt((cmd.txnNumber as Long).toString()) : 0n;
    const previous = retryKey ? engine.retries.get(retryKey) : undefined;
    if (previous && previous.txnNumber === txnNumber) {
      reply = previous.reply;
    } else {
      const deadline = deadlineOf(cmd.maxTimeMS);
      const op = engine.ops.begin(conn, db, name, cmd);
      try {
        reply = await withDeadline(deadline, () => handler(cmd, env));
      } finally {
        engine.ops.end(op);
      }
      if (retryKey) engine.retries.set(retryKey, { txnNumber, reply });
      if (readAt) reply = withAtClusterTime(reply, name, readAt);
      if (engine.storage.applied !== appliedBefore) wroteAt = engine.changes.lastTs;
    }
    if (fail?.writeConcernError) reply = withWriteConcernError(reply, fail.writeConcernError, fail, labels);
    else {
      const unsatisfiable = writeConcernProblem(cmd.writeConcern);
      if (unsatisfiable && reply.ok === 1) reply = withWriteConcernError(reply, unsatisfiable, null, labels);
    }
  } catch (e) {
    const err =
      e instanceof MongoServerError ? e : new MongoServerError(1, e instanceof Error ? e.message : String(e));
    if (txn) engine.txns.abort(txn);
    reply = err.toReply();
  }
  try {
    // Acknowledge only once durable; pure reads never wait for others' fsyncs.
    if (engine.storage.applied !== appliedBefore) await engine.storage.sync();
  } catch (e) {
    reply = new MongoServerError(1, `journal write failed: ${(e as Error).message}`).toReply();
  }
  return finish(engine, reply, wroteAt);
};

const finish = (engine: Engine, reply: Doc, wroteAt: Timestamp | null = null): Doc => {
  const t = engine.clusterTime();
  const opTime = wroteAt ?? t;
  return {
    ...reply,
    $clusterTime: { clusterTime: t, signature: { hash: sigHash, keyId: Long.ZERO } },
    operationTime: opTime,
  };
};

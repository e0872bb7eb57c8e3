import { Binary, Long } from 'bson';
import type { Doc } from '../bson/values';
import { Ctx } from '../engine/context';
import { MongoServerError } from '../engine/errors';
import { type Transaction, txnInfo } from '../engine/transactions';
import type { Request } from '../wire/codec';
import type { ConnectionInfo } from '../wire/connection';
import { aggregateCommands } from './aggregate';
import { ddlCommands } from './ddl';
import type { Engine, Env, Handler } from './env';
import { findAndModifyCommands } from './find-and-modify';
import { handshakeCommands } from './handshake';
import { indexCommands } from './indexes';
import { readCommands } from './read';
import { lsidOf, sessionCommands } from './sessions';
import { writeCommands } from './write';

const HANDLERS: Record<string, Handler> = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...findAndModifyCommands,
  ...aggregateCommands,
  ...ddlCommands,
  ...indexCommands,
  ...sessionCommands,
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
  'count',
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
  let txn: Transaction | null = null;
  let reply: Doc;
  const ctx = new Ctx(engine.storage, engine.txns, null);
  const appliedBefore = engine.storage.applied;
  try {
    const own = Object.prototype.hasOwnProperty.call(HANDLERS, name) ? HANDLERS[name] : undefined;
    const handler = engine.guard ? engine.guard.handler(name, own) : own;
    if (!handler) throw new MongoServerError(59, `no such command: '${name}'`);
    engine.guard?.authorize(name, cmd, db, conn);
    const info = txnInfo(cmd, lsid);
    if (info && !TXN_CONTROL.has(name)) {
      if (!IN_TXN.has(name))
        throw new MongoServerError(263, `Cannot run '${name}' in a multi-document transaction.`);
      txn = info.start
        ? engine.txns.start(info.lsid, info.txnNumber)
        : engine.txns.current(info.lsid, info.txnNumber);
    }
    const env: Env = { engine, db, ctx: txn ? new Ctx(engine.storage, engine.txns, txn) : ctx, conn, lsid };
    const retryKey = !info && lsid && cmd.txnNumber !== undefined && RETRYABLE.has(name) ? lsid : null;
    const txnNumber = retryKey ? BigInt((cmd.txnNumber as Long).toString()) : 0n;
    const previous = retryKey ? engine.retries.get(retryKey) : undefined;
    if (previous && previous.txnNumber === txnNumber) {
      reply = previous.reply;
    } else {
      reply = await handler(cmd, env);
      if (retryKey) engine.retries.set(retryKey, { txnNumber, reply });
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
  const t = engine.clusterTime();
  return {
    ...reply,
    $clusterTime: { clusterTime: t, signature: { hash: sigHash, keyId: Long.ZERO } },
    operationTime: t,
  };
};

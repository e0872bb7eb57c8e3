import { Binary, Long } from 'bson';
import type { Doc } from '../bson/values';
import { MongoServerError } from '../engine/errors';
import { noSuchTransaction, txnInfo } from '../engine/transactions';
import { type Handler, SESSION_UID } from './env';

export const lsidOf = (cmd: Doc): string | null => {
  const id = (cmd.lsid as Doc | undefined)?.id;
  return id instanceof Binary ? Buffer.from(id.buffer.subarray(0, id.position)).toString('hex') : null;
};

const commitTransaction: Handler = async (cmd, env) => {
  const info = txnInfo(cmd, env.lsid);
  if (!info) throw new MongoServerError(50768, 'commitTransaction must be run within a transaction');
  const txn = env.engine.txns.bySession.get(info.lsid);
  if (!txn || txn.txnNumber !== info.txnNumber) throw noSuchTransaction(info.txnNumber);
  if (txn.state === 'committed') return { ok: 1 }; // a retried commit of a committed transaction succeeds
  if (txn.state === 'aborted') throw noSuchTransaction(info.txnNumber, txn);
  const storage = env.ctx.storage;
  const ops = txn.ops();
  const writes = [...txn.writes];
  // Release the snapshot first: the commit's own old versions need not be kept for it.
  env.engine.txns.finish(txn, 'committed');
  const changes = env.engine.changes;
  changes.beginTxn(
    {
      lsid: { id: (cmd.lsid as Doc).id, uid: SESSION_UID },
      txnNumber: cmd.txnNumber instanceof Long ? cmd.txnNumber : Long.fromBigInt(info.txnNumber),
    },
    writes,
  );
  try {
    for (const op of ops) storage.apply(op);
  } catch (e) {
    changes.abandonTxn();
    throw e;
  }
  changes.endTxn(storage.catalog);
  await storage.sync();
  return { ok: 1 };
};

const abortTransaction: Handler = (cmd, env) => {
  const info = txnInfo(cmd, env.lsid);
  if (!info) throw new MongoServerError(50768, 'abortTransaction must be run within a transaction');
  const txn = env.engine.txns.bySession.get(info.lsid);
  if (!txn || txn.txnNumber !== info.txnNumber) throw noSuchTransaction(info.txnNumber);
  if (txn.state === 'committed') throw new MongoServerError(256, 'Transaction has been committed');
  env.engine.txns.abort(txn);
  return { ok: 1 };
};

const endSessions: Handler = (cmd, env) => {
  for (const s of Array.isArray(cmd.endSessions) ? (cmd.endSessions as Doc[]) : []) {
    const id = lsidOf({ lsid: s });
    if (id) {
      env.engine.txns.endSession(id);
      env.engine.retries.delete(id);
      env.engine.forgetSession(id);
    }
  }
  return { ok: 1 };
};

/** Ends every session's open transaction (what test runners send between tests). */
const killAllSessions: Handler = (_cmd, env) => {
  for (const txn of [...env.engine.txns.bySession.values()]) env.engine.txns.abort(txn);
  return { ok: 1 };
};

export const sessionCommands: Record<string, Handler> = {
  killAllSessions,
  commitTransaction,
  abortTransaction,
  endSessions,
  killSessions: endSessions,
  refreshSessions: () => ({ ok: 1 }),
  startSession: () => ({ ok: 1 }),
};

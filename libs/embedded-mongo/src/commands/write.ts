import { ObjectId } from 'bson';
import { parseSort } from '../bson/compare';
import type { Doc } from '../bson/values';
import { parseCollation } from '../engine/collation';
import { MongoServerError } from '../engine/errors';
import { findRecords } from '../engine/query';
import { applyUpdate, updateKind, upsertDocument } from '../engine/update';
import { asDoc, asNumber, type Env, type Handler, nsOf } from './env';
import { bindFilter, bindUpdate, parseLet } from './let-vars';

type WriteError = Doc & { index: number };

const toWriteError = (index: number, e: unknown): WriteError => {
  if (!(e instanceof MongoServerError)) throw e;
  return { index, code: e.code, errmsg: e.message, ...e.extra };
};

/** Runs the statements of one write command, collecting per-statement errors like MongoDB (ordered stops). */
const eachStatement = (
  env: Env,
  cmd: Doc,
  items: unknown,
  run: (s: Doc, i: number) => void,
): WriteError[] => {
  if (!Array.isArray(items)) throw new MongoServerError(9, 'write command requires an array of statements');
  const ordered = cmd.ordered !== false;
  const errors: WriteError[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      run(asDoc(items[i]), i);
    } catch (e) {
      // Transient failures (WriteConflict) fail the whole command so the driver's retry logic sees the label.
      if (e instanceof MongoServerError && e.labels.length) throw e;
      errors.push(toWriteError(i, e));
      if (ordered) break;
    }
  }
  // A failed statement aborts the surrounding transaction, as on a real server.
  if (errors.length && env.ctx.txn) env.engine.txns.abort(env.ctx.txn);
  return errors;
};

const withErrors = (reply: Doc, errors: WriteError[]): Doc =>
  errors.length ? { ...reply, writeErrors: errors } : reply;

const insert: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.insert);
  const { ctx } = env;
  let n = 0;
  const errors = eachStatement(env, cmd, cmd.documents, (doc) => {
    const full = doc._id === undefined ? { _id: new ObjectId(), ...doc } : doc;
    if (Array.isArray(full._id) || full._id instanceof RegExp)
      throw new MongoServerError(2, `can't use an array or regex for _id`);
    checkIdForStorage(full._id);
    ctx.put(ns, ctx.makeRec(full), undefined);
    n++;
  });
  return withErrors({ n, ok: 1 }, errors);
};

/** mongod refuses `{_id: {$a: 1}}`: an _id that looks like an operator could never be queried for. */
const checkIdForStorage = (id: unknown): void => {
  if (!id || typeof id !== 'object' || id.constructor !== Object) return;
  const bad = Object.keys(id).find((k) => k.startsWith('$'));
  if (bad)
    throw new MongoServerError(
      53,
      `_id fields may not contain '$'-prefixed fields: ${bad} is not valid for storage.`,
    );
};

const update: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.update);
  // `sort` in an update statement is 8.0; this server implements (and claims) 7.0, which refuses it.
  if (Array.isArray(cmd.updates) && cmd.updates.some((u) => asDoc(u).sort !== undefined))
    throw new MongoServerError(40415, "BSON field 'update.updates.sort' is an unknown field.");
  const { ctx } = env;
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const vars = parseLet(cmd.let);
  const errors = eachStatement(env, cmd, cmd.updates, (s, index) => {
    const q = bindFilter(asDoc(s.q), vars);
    const u = bindUpdate(s.u, vars);
    const multi = s.multi === true;
    const arrayFilters = Array.isArray(s.arrayFilters) ? (s.arrayFilters as Doc[]) : undefined;
    if (multi && updateKind(u) === 'replacement')
      throw new MongoServerError(9, 'multi update is not supported for replacement-style update');
    const matched = findRecords(ctx, ns, {
      filter: q,
      sort: parseSort(s.sort),
      skip: 0,
      limit: multi ? 0 : 1,
      collation: parseCollation(s.collation),
    });
    if (matched.length === 0) {
      if (s.upsert !== true) return;
      const doc = upsertDocument(q, u, arrayFilters);
      ctx.put(ns, ctx.makeRec(doc), undefined);
      upserted.push({ index, _id: doc._id });
      n++;
      return;
    }
    for (const rec of matched) {
      const next = ctx.makeRec(applyUpdate(rec.doc, u, { isInsert: false, arrayFilters, query: q }), rec);
      n++;
      if (next.bytes.equals(rec.bytes)) continue;
      const kind = updateKind(u);
      if (kind === 'replacement') next.replace = true;
      ctx.put(ns, next, rec, kind === 'operators' ? (u as Doc) : undefined);
      nModified++;
    }
  });
  return withErrors({ n, nModified, ...(upserted.length ? { upserted } : {}), ok: 1 }, errors);
};

const del: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.delete);
  const { ctx } = env;
  let n = 0;
  const vars = parseLet(cmd.let);
  const errors = eachStatement(env, cmd, cmd.deletes, (s) => {
    const limit = asNumber(s.limit);
    const matched = findRecords(ctx, ns, {
      filter: bindFilter(asDoc(s.q), vars),
      sort: [],
      skip: 0,
      limit: limit === 1 ? 1 : 0,
      collation: parseCollation(s.collation),
    });
    for (const rec of matched) {
      ctx.remove(ns, rec);
      n++;
    }
  });
  return withErrors({ n, ok: 1 }, errors);
};

export const writeCommands: Record<string, Handler> = { insert, update, delete: del };

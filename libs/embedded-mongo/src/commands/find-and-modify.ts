import { parseSort } from '../bson/compare';
import type { Doc } from '../bson/values';
import { MongoServerError } from '../engine/errors';
import { parseCollation } from '../engine/collation';
import { applyProjection, findRecords } from '../engine/query';
import { applyUpdate, updateKind, upsertDocument } from '../engine/update';
import { asDoc, type Handler, nsOf } from './env';
import { bindFilter, bindUpdate, parseLet } from './let-vars';

const project = (doc: Doc | null, fields: unknown): Doc | null =>
  doc === null ? null : (applyProjection([doc], fields as Doc | undefined)[0] ?? null);

const findAndModify: Handler = (cmd, env) => {
  const ns = nsOf(env, cmd.findAndModify ?? cmd.findandmodify);
  const { ctx } = env;
  const vars = parseLet(cmd.let);
  const query = bindFilter(asDoc(cmd.query), vars);
  const update = bindUpdate(cmd.update, vars);
  const remove = cmd.remove === true;
  if (!remove && cmd.update === undefined)
    throw new MongoServerError(9, 'Either an update or remove=true must be specified');
  if (remove && (cmd.update !== undefined || cmd.upsert === true))
    throw new MongoServerError(9, 'Cannot specify both an update and remove=true');
  const arrayFilters = Array.isArray(cmd.arrayFilters) ? (cmd.arrayFilters as Doc[]) : undefined;
  const [rec] = findRecords(ctx, ns, {
    filter: query,
    sort: parseSort(cmd.sort),
    skip: 0,
    limit: 1,
    collation: parseCollation(cmd.collation),
  });
  if (remove) {
    if (rec) ctx.remove(ns, rec);
    return { lastErrorObject: { n: rec ? 1 : 0 }, value: project(rec?.doc ?? null, cmd.fields), ok: 1 };
  }
  if (rec) {
    const next = ctx.makeRec(applyUpdate(rec.doc, update, { isInsert: false, arrayFilters, query }), rec);
    const kind = updateKind(update);
    if (kind === 'replacement') next.replace = true;
    if (!next.bytes.equals(rec.bytes))
      ctx.put(ns, next, rec, kind === 'operators' ? (update as Doc) : undefined);
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: project(cmd.new === true ? next.doc : rec.doc, cmd.fields),
      ok: 1,
    };
  }
  if (cmd.upsert !== true) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
  const doc = upsertDocument(query, update, arrayFilters);
  ctx.put(ns, ctx.makeRec(doc), undefined);
  return {
    lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
    value: project(cmd.new === true ? doc : null, cmd.fields),
    ok: 1,
  };
};

export const findAndModifyCommands: Record<string, Handler> = { findAndModify, findandmodify: findAndModify };

import { type AnyBulkWriteOperation, type BulkWriteResult, type Collection, type Db, Int32 } from 'mongodb';
import { driverOptions, type EntityMap, plainNumbers, UnsupportedError } from './entities';

type Doc = Record<string, any>;

/** Int32 wrappers (canonical extended JSON) become JS numbers, which the driver encodes as int32 again. */
export const docArg = (v: any): any => {
  if (v instanceof Int32) return v.valueOf();
  if (Array.isArray(v)) return v.map(docArg);
  if (v && typeof v === 'object' && v.constructor === Object)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, docArg(x)]));
  return v;
};

const NUMERIC_OPTIONS = new Set(['batchSize', 'limit', 'skip', 'maxTimeMS', 'maxAwaitTimeMS', 'timeoutMS']);

/** Splits `arguments` into positional values and the driver's options object (session resolved). */
const options = (entities: EntityMap, args: Doc, positional: string[]): Doc => {
  const out: Doc = {};
  for (const [k, v] of Object.entries(args)) {
    if (positional.includes(k)) continue;
    if (k === 'session') out.session = entities.session(v);
    else if (k === 'returnDocument') out.returnDocument = String(v).toLowerCase();
    else if (k === 'readPreference' || k === 'writeConcern' || k === 'readConcern')
      Object.assign(out, driverOptions({ [k]: v }));
    else if (NUMERIC_OPTIONS.has(k)) out[k] = plainNumbers(v);
    else out[k] = docArg(v);
  }
  return out;
};

const bulkResult = (r: BulkWriteResult): Doc => ({
  insertedCount: r.insertedCount,
  matchedCount: r.matchedCount,
  modifiedCount: r.modifiedCount,
  deletedCount: r.deletedCount,
  upsertedCount: r.upsertedCount,
  upsertedIds: { ...r.upsertedIds },
  insertedIds: { ...r.insertedIds },
});

const updateResult = (r: Doc): Doc => ({
  matchedCount: r.matchedCount,
  modifiedCount: r.modifiedCount,
  upsertedCount: r.upsertedCount,
  ...(r.upsertedId != null ? { upsertedId: r.upsertedId } : {}),
});

export const resultOfError = (e: unknown): Doc | undefined => {
  const r = (e as { result?: unknown }).result;
  if (r && typeof r === 'object' && 'insertedCount' in r) return bulkResult(r as BulkWriteResult);
  return undefined;
};

const collectionOp = async (
  entities: EntityMap,
  coll: Collection,
  name: string,
  a: Doc,
): Promise<unknown> => {
  const o = (...positional: string[]) => options(entities, a, positional);
  switch (name) {
    case 'insertOne':
      return { insertedId: (await coll.insertOne(docArg(a.document), o('document'))).insertedId };
    case 'insertMany': {
      const r = await coll.insertMany(docArg(a.documents), o('documents'));
      return { insertedCount: r.insertedCount, insertedIds: { ...r.insertedIds } };
    }
    case 'bulkWrite':
      return bulkResult(await coll.bulkWrite(docArg(a.requests) as AnyBulkWriteOperation[], o('requests')));
    case 'updateOne':
      return updateResult(await coll.updateOne(docArg(a.filter), docArg(a.update), o('filter', 'update')));
    case 'updateMany':
      return updateResult(await coll.updateMany(docArg(a.filter), docArg(a.update), o('filter', 'update')));
    case 'replaceOne':
      return updateResult(
        await coll.replaceOne(docArg(a.filter), docArg(a.replacement), o('filter', 'replacement')),
      );
    case 'deleteOne':
      return { deletedCount: (await coll.deleteOne(docArg(a.filter), o('filter'))).deletedCount };
    case 'deleteMany':
      return { deletedCount: (await coll.deleteMany(docArg(a.filter), o('filter'))).deletedCount };
    case 'find':
      return coll.find(docArg(a.filter ?? {}), o('filter')).toArray();
    case 'findOne':
      return coll.findOne(docArg(a.filter ?? {}), o('filter'));
    case 'aggregate':
      return coll.aggregate(docArg(a.pipeline), o('pipeline')).toArray();
    case 'countDocuments':
      return coll.countDocuments(docArg(a.filter), o('filter'));
    case 'estimatedDocumentCount':
      return coll.estimatedDocumentCount(o());
    case 'count':
      return coll.count(docArg(a.filter), o('filter'));
    case 'distinct':
      return coll.distinct(a.fieldName, docArg(a.filter ?? {}), o('fieldName', 'filter'));
    case 'findOneAndUpdate':
      return coll.findOneAndUpdate(docArg(a.filter), docArg(a.update), o('filter', 'update'));
    case 'findOneAndReplace':
      return coll.findOneAndReplace(docArg(a.filter), docArg(a.replacement), o('filter', 'replacement'));
    case 'findOneAndDelete':
      return coll.findOneAndDelete(docArg(a.filter), o('filter'));
    case 'createIndex':
      return coll.createIndex(docArg(a.keys), o('keys'));
    case 'dropIndex':
      return coll.dropIndex(a.name, o('name'));
    case 'dropIndexes':
      return coll.dropIndexes(o());
    case 'listIndexes':
      return coll.listIndexes(o()).toArray();
    case 'createSearchIndex':
      return coll.createSearchIndex(docArg(a.model));
    case 'createSearchIndexes':
      return coll.createSearchIndexes(docArg(a.models));
    case 'dropSearchIndex':
      return coll.dropSearchIndex(a.name);
    case 'updateSearchIndex':
      return coll.updateSearchIndex(a.name, docArg(a.definition));
    case 'listSearchIndexes':
      return (
        a.name === undefined
          ? coll.listSearchIndexes(docArg(a.aggregationOptions ?? {}))
          : coll.listSearchIndexes(a.name, docArg(a.aggregationOptions ?? {}))
      ).toArray();
    default:
      throw new UnsupportedError(`collection operation ${name}`);
  }
};

const databaseOp = async (entities: EntityMap, db: Db, name: string, a: Doc): Promise<unknown> => {
  const o = (...positional: string[]) => options(entities, a, positional);
  switch (name) {
    case 'createCollection':
      await db.createCollection(a.collection, o('collection'));
      return undefined;
    case 'dropCollection':
      return db.dropCollection(a.collection, o('collection'));
    case 'listCollections':
      return db.listCollections(docArg(a.filter ?? {}), o('filter')).toArray();
    case 'listCollectionNames':
      return (await db.listCollections(docArg(a.filter ?? {}), o('filter')).toArray()).map((c) => c.name);
    case 'runCommand':
      return db.command(docArg(a.command), o('command', 'commandName'));
    case 'aggregate':
      return db.aggregate(docArg(a.pipeline), o('pipeline')).toArray();
    case 'modifyCollection': {
      const { collection, session, ...rest } = a;
      return db.command(
        { collMod: collection, ...docArg(rest) },
        session ? { session: entities.session(session) } : {},
      );
    }
    default:
      throw new UnsupportedError(`database operation ${name}`);
  }
};

/** Runs one entity operation and returns its result in the shape the format expects. */
export const runEntityOperation = async (
  entities: EntityMap,
  op: { object: string; name: string; arguments?: Doc },
): Promise<unknown> => {
  const e = entities.get(op.object);
  const a = op.arguments ?? {};
  switch (e.kind) {
    case 'collection':
      return collectionOp(entities, e.coll, op.name, a);
    case 'database':
      return databaseOp(entities, e.db, op.name, a);
    case 'session': {
      const s = e.session;
      switch (op.name) {
        case 'startTransaction':
          s.startTransaction(driverOptions(a));
          return undefined;
        case 'commitTransaction':
          await s.commitTransaction();
          return undefined;
        case 'abortTransaction':
          await s.abortTransaction();
          return undefined;
        case 'endSession':
          await s.endSession();
          return undefined;
        default:
          throw new UnsupportedError(`session operation ${op.name}`);
      }
    }
    case 'client':
      switch (op.name) {
        case 'listDatabases':
          return (
            await e.client
              .db('admin')
              .admin()
              .listDatabases(options(entities, a, []))
          ).databases;
        default:
          throw new UnsupportedError(`client operation ${op.name}`);
      }
    case 'value':
      throw new Error(`entity '${op.object}' is a value, not an object with operations`);
  }
};

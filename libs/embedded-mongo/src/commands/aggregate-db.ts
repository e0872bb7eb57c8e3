import type { Doc } from '../bson/values';
import { MongoServerError } from '../engine/errors';
import { findRecords } from '../engine/query';
import type { Env } from './env';
import { currentOpDocs } from './operator';

/** All documents of a collection of the command's database (for $lookup and friends). */
export const collectionDocs = (env: Env, name: string): Doc[] =>
  findRecords(env.ctx, `${env.db}.${name}`, { filter: {}, sort: [], skip: 0, limit: 0 }).map((r) => r.doc);

/**
 * `{aggregate: 1}`: a pipeline with no collection, which must start with a stage that produces documents
 * itself. Returns that stage's output; the caller runs the remaining stages over it.
 */
export const databaseSource = (env: Env, aggregate: unknown, pipeline: Doc[]): Doc[] => {
  const first = pipeline[0] ?? {};
  const stage = Object.keys(first)[0];
  if (Number(aggregate) !== 1) throw new MongoServerError(14, "'aggregate' must be a collection name or 1");
  switch (stage ?? '') {
    case '$documents': {
      const docs = first.$documents;
      if (!Array.isArray(docs)) throw new MongoServerError(5858203, '$documents needs an array of documents');
      return docs as Doc[];
    }
    case '$listLocalSessions':
      return env.engine.localSessions();
    case '$currentOp':
      if (env.db !== 'admin')
        throw new MongoServerError(
          73,
          "$currentOp must be run against the 'admin' database with {aggregate: 1}",
        );
      return currentOpDocs(env);
    default:
      throw new MongoServerError(
        73,
        `{aggregate: 1} is not valid for '${stage ?? 'an empty pipeline'}'; a collection is required.`,
      );
  }
};

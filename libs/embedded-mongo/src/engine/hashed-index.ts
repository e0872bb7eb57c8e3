import type { Doc } from '../bson/values';
import type { Collection } from './collection';
import { MongoServerError } from './errors';
import type { IndexSpec } from './index-store';

/**
 * `hashed` index rules as mongod enforces them: one hashed field per index, never unique, and no array
 * anywhere on the hashed path (the write or the index build fails with 16766). Entries are kept in value
 * order, which answers equality and `$in` exactly; the planner uses them for nothing else (no ranges, no sort).
 */
export const isHashedField = (spec: IndexSpec, path: string): boolean => spec.key[path] === 'hashed';

/** The paths a key pattern hashes. */
export const hashedPathsOf = (key: Doc): string[] => Object.keys(key).filter((k) => key[k] === 'hashed');

export const checkHashedSpec = (key: Doc, options: Doc): void => {
  const hashed = Object.values(key).filter((v) => v === 'hashed').length;
  if (hashed === 0) return;
  if (hashed > 1)
    throw new MongoServerError(
      31303,
      `A maximum of one index field is allowed to be hashed but found ${hashed} for 'key' ${JSON.stringify(key)}`,
    );
  if (options.unique === true)
    throw new MongoServerError(
      16764,
      'Currently hashed indexes cannot guarantee uniqueness. Use a regular index.',
    );
};

const arrayOnPath = (doc: unknown, parts: string[]): boolean => {
  let cur: unknown = doc;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return false;
    cur = (cur as Doc)[p];
    if (Array.isArray(cur)) return true;
  }
  return false;
};

const checkDoc = (paths: string[], doc: Doc): void => {
  for (const path of paths)
    if (arrayOnPath(doc, path.split('.')))
      throw new MongoServerError(
        16766,
        `Error: hashed indexes do not currently support array values. Found array for path: ${path}`,
      );
};

/** Refuses a document that a hashed index of `coll` could not hold. */
export const checkHashedKeys = (coll: Collection, doc: Doc): void => {
  for (const index of coll.indexes.values()) if (index.hashedPaths.length) checkDoc(index.hashedPaths, doc);
};

/** Refuses building a hashed index over documents holding arrays on its path. */
export const checkHashedBuild = (coll: Collection, spec: IndexSpec): void => {
  const paths = hashedPathsOf(spec.key);
  if (!paths.length) return;
  for (const rec of coll.records.values()) checkDoc(paths, rec.doc);
};

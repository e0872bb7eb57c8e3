import { type Doc, isPlainDoc } from '../bson/values';
import { MongoServerError } from './errors';

/**
 * Clustered collections (`create` with `clusteredIndex`): documents are kept by `_id`, which is all this
 * server's primary map ever does, so what clustering changes is the contract: the key must be `{_id: 1}` and
 * unique, the collection has no separate `_id_` index, and listIndexes/listCollections report the clustered
 * index (`clustered: true`, `v: 2`, the name given or `_id_`).
 */
const isIdAscending = (key: unknown): boolean => {
  if (!isPlainDoc(key)) return false;
  const entries = Object.entries(key);
  return entries.length === 1 && entries[0]?.[0] === '_id' && Number(entries[0]?.[1]) === 1;
};

/** Validates a `create`'s clusteredIndex the way mongod 7.0 does and stores it complete (`v`, `name`). */
export const normalizeClusteredIndex = (options: Doc): void => {
  const ci = options.clusteredIndex;
  if (!isPlainDoc(ci)) return;
  const allowed = new Set(['key', 'unique', 'name', 'v']);
  for (const k of Object.keys(ci))
    if (!allowed.has(k))
      throw new MongoServerError(40415, `BSON field 'create.clusteredIndex.${k}' is an unknown field.`);
  if (ci.key === undefined)
    throw new MongoServerError(
      40414,
      "BSON field 'create.clusteredIndex.key' is missing but a required field",
    );
  if (ci.unique === undefined)
    throw new MongoServerError(
      40414,
      "BSON field 'create.clusteredIndex.unique' is missing but a required field",
    );
  if (ci.unique !== true)
    throw new MongoServerError(5979700, 'The clusteredIndex option requires unique: true to be specified');
  if (!isIdAscending(ci.key))
    throw new MongoServerError(197, 'The clusteredIndex option is only supported for key: {_id: 1}');
  if (ci.v !== undefined && Number(ci.v) !== 2)
    throw new MongoServerError(197, 'Invalid clusteredIndex specification: v must be 2');
  options.clusteredIndex = {
    v: 2,
    key: { _id: 1 },
    name: typeof ci.name === 'string' ? ci.name : '_id_',
    unique: true,
  };
};

/** The clustered index as listIndexes reports it, or null for an ordinary collection. */
export const clusteredIndexSpec = (options: Doc | undefined): Doc | null => {
  const ci = options?.clusteredIndex;
  if (!isPlainDoc(ci)) return null;
  return { v: ci.v ?? 2, key: { _id: 1 }, name: ci.name ?? '_id_', unique: true, clustered: true };
};

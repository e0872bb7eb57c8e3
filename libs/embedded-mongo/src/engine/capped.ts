import { asDouble, isNumeric } from '../bson/numeric';
import type { Collection } from './collection';
import { MongoServerError } from './errors';
import type { Rec } from './index-store';

/**
 * Capped collections: `size` (bytes, rounded up to a multiple of 256 with a 4096 floor, as mongod does) and
 * optional `max` (documents) bound the collection; an insert past either bound removes the oldest documents
 * in insertion order (the collection's natural order). Writes in transactions are refused, as in mongod.
 */
export const isCapped = (coll: Collection): boolean => {
  const c = coll.options.capped;
  return c === true || (isNumeric(c) && asDouble(c) !== 0);
};

export const cappedLimits = (coll: Collection): { bytes: number; max: number } => {
  const size = isNumeric(coll.options.size) ? asDouble(coll.options.size) : 0;
  const max = isNumeric(coll.options.max) ? asDouble(coll.options.max) : 0;
  return { bytes: Math.max(4096, Math.ceil(size / 256) * 256), max: max > 0 ? max : Infinity };
};

export const refuseInTransaction = (coll: Collection): void => {
  if (isCapped(coll))
    throw new MongoServerError(
      263,
      `Collection '${coll.ns}' is a capped collection. Writes in transactions are not allowed on capped collections.`,
    );
};

/** The oldest documents to remove so that `coll` fits its bounds again (the newest one always stays). */
export const cappedOverflow = (coll: Collection): Rec[] => {
  const { bytes, max } = cappedLimits(coll);
  let total = 0;
  for (const r of coll.records.values()) total += r.bytes.length;
  let count = coll.records.size;
  const out: Rec[] = [];
  for (const r of coll.records.values()) {
    if ((total <= bytes && count <= max) || count <= 1) break;
    out.push(r);
    total -= r.bytes.length;
    count--;
  }
  return out;
};

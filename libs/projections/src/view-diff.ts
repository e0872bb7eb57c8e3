import { type ProjectionDefinition } from '@shop/event-sourcing';
import { type Db, type Document } from 'mongodb';
import { isDeepStrictEqual } from 'node:util';
import { physicalCollections } from './collections';

export interface ViewDifference {
  collection: string;
  id: unknown;
  kind: 'missing' | 'unexpected' | 'different';
  /** The live document (absent when missing). */
  live?: Document;
  /** What a fresh fold of the events produces (absent when unexpected). */
  expected?: Document;
}

/**
 * Compares the live collections with the verify copies, document by document in _id order (a merge of
 * two sorted cursors: memory stays flat however large the view). Stops after `limit` differences.
 */
export async function diffViews(
  db: Db,
  definition: ProjectionDefinition,
  limit: number,
): Promise<{ compared: number; differences: ViewDifference[] }> {
  const live = physicalCollections(definition, 'live');
  const verify = physicalCollections(definition, 'verify');
  const differences: ViewDifference[] = [];
  let compared = 0;
  for (const logical of Object.keys(definition.collections)) {
    const actual = db.collection(live[logical]!).find({}).sort({ _id: 1 });
    const wanted = db.collection(verify[logical]!).find({}).sort({ _id: 1 });
    let a = await actual.next();
    let w = await wanted.next();
    while ((a || w) && differences.length < limit) {
      compared++;
      const order = a && w ? compareIds(a._id, w._id) : a ? -1 : 1;
      if (order === 0) {
        if (!isDeepStrictEqual(a, w))
          differences.push({ collection: logical, id: a!._id, kind: 'different', live: a!, expected: w! });
        a = await actual.next();
        w = await wanted.next();
      } else if (order < 0) {
        differences.push({ collection: logical, id: a!._id, kind: 'unexpected', live: a! });
        a = await actual.next();
      } else {
        differences.push({ collection: logical, id: w!._id, kind: 'missing', expected: w! });
        w = await wanted.next();
      }
    }
    await Promise.all([actual.close(), wanted.close()]);
  }
  return { compared, differences };
}

// Read models key their documents by string ids; other id types fall back to their string form.
const compareIds = (a: unknown, b: unknown): number => {
  const x = typeof a === 'string' ? a : JSON.stringify(a);
  const y = typeof b === 'string' ? b : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

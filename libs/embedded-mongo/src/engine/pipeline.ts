import { Aggregator } from 'mingo/aggregator';
import { TEXT_SCORES } from '../bson/compare';
import { cloneValue, type Doc } from '../bson/values';
import { NUMERIC_CONTEXT } from './agg-numeric';
import { tick } from './deadline';
import { MongoServerError } from './errors';
import { NO_SCRIPTS } from './query';
import { unpackBuckets } from './timeseries';

/**
 * Runs pipeline stages in mingo over copies of the stored documents, BSON numeric types included (see
 * agg-numeric.ts); stages may modify their input documents, so the stored ones are never handed out.
 */
export const runPipeline = (
  stages: Doc[],
  docs: Doc[],
  collection: (name: string) => Doc[],
  collation?: Doc,
): Doc[] => {
  // a time-series collection's reads: its buckets unpacked into measurements, then the remaining stages
  const unpack = stages[0]?.$_internalUnpackBucket;
  if (unpack !== undefined) {
    const measurements = unpackBuckets(docs, unpack);
    return stages.length > 1
      ? runPipeline(stages.slice(1), measurements, collection, collation)
      : measurements;
  }
  try {
    return new Aggregator(stages, {
      ...NO_SCRIPTS,
      ...(collation ? { collation } : {}),
      context: NUMERIC_CONTEXT,
      collectionResolver: (name: string) => collection(name).map(cloneValue),
    }).run<Doc>(
      docs.map((d) => {
        tick();
        const copy = cloneValue(d);
        const score = TEXT_SCORES.get(d);
        if (score !== undefined) TEXT_SCORES.set(copy, score);
        return copy;
      }),
    );
  } catch (e) {
    if (e instanceof MongoServerError) throw e;
    throw new MongoServerError(2, (e as Error).message);
  }
};

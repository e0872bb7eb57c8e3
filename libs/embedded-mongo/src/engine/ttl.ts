import type { Storage } from '../storage/storage';
import { Ctx } from './context';
import { findRecords } from './query';
import type { TransactionManager } from './transactions';
import { expiredBuckets, specOf } from './timeseries';

/**
 * TTL indexes: like mongod's background monitor, periodically deletes documents whose indexed date is older than
 * `expireAfterSeconds`. Only single-field indexes on dates count; anything else is ignored, as in MongoDB.
 */
export const expireTtl = (storage: Storage, txns: TransactionManager, now = Date.now()): Promise<void> => {
  const ctx = new Ctx(storage, txns, null);
  for (const coll of storage.catalog.collections.values()) {
    // a time-series collection's buckets: each goes once its newest measurement has expired
    const ttlSeconds = coll.options.expireAfterSeconds;
    if (coll.options.bucketsOf === true && typeof ttlSeconds === 'number')
      for (const rec of expiredBuckets(coll, specOf(coll.options), ttlSeconds, now)) ctx.remove(coll.ns, rec);
    for (const index of coll.indexes.values()) {
      const ttl = index.spec.expireAfterSeconds;
      if (typeof ttl !== 'number' || index.fields.length !== 1) continue;
      const [path] = index.fields[0] as [string, 1 | -1];
      const cutoff = new Date(now - ttl * 1000);
      const expired = findRecords(ctx, coll.ns, {
        filter: { [path]: { $lt: cutoff } },
        sort: [],
        skip: 0,
        limit: 0,
      });
      for (const rec of expired) ctx.remove(coll.ns, rec);
    }
  }
  return storage.sync();
};

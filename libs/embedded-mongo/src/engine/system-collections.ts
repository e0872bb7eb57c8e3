import type { Doc } from '../bson/values';
import { cloneValue } from '../bson/values';
import type { Storage } from '../storage/storage';
import { Ctx, SERVER_VERSION } from './context';
import type { TransactionManager } from './transactions';
import { replSetConfig } from './replset-config';

/**
 * The system collections a fresh mongod replica-set member has, so `show dbs` lists `admin`, `config` and
 * `local` and `rs.conf()` can read `local.system.replset`: the feature-compatibility document, the sessions
 * collection with its TTL index, the replica-set configuration (rewritten when the advertised host changes)
 * and one `local.startup_log` entry per start (a capped collection, as in mongod).
 */
export const ensureSystemCollections = async (
  storage: Storage,
  txns: TransactionManager,
  opts: { setName: string; host: string; replicaSetId: string; startedAt: Date },
): Promise<void> => {
  const ctx = new Ctx(storage, txns, null);
  const upsert = (ns: string, doc: Doc): void => {
    const prev = ctx.lookup(ns, ctx.makeRec(doc).id);
    const next = ctx.makeRec(doc, prev);
    if (prev?.bytes.equals(next.bytes)) return;
    ctx.put(ns, next, prev);
  };
  upsert('admin.system.version', { _id: 'featureCompatibilityVersion', version: '7.0' });
  if (!ctx.coll('config.system.sessions')) {
    ctx.createCollection('config.system.sessions', {});
    ctx.createIndex('config.system.sessions', {
      v: 2,
      key: { lastUse: 1 },
      name: 'lsidTTLIndex',
      expireAfterSeconds: 1800,
    });
  }
  upsert('local.system.replset', cloneValue(replSetConfig(opts.setName, opts.host, opts.replicaSetId)));
  if (!ctx.coll('local.startup_log'))
    ctx.createCollection('local.startup_log', { capped: true, size: 10485760 });
  ctx.put(
    'local.startup_log',
    ctx.makeRec({
      _id: `embedded-${opts.startedAt.getTime()}`,
      hostname: opts.host,
      startTime: opts.startedAt,
      startTimeLocal: opts.startedAt.toString(),
      pid: process.pid,
      buildinfo: { version: SERVER_VERSION, gitVersion: 'embedded' },
    }),
    undefined,
  );
  await storage.sync();
};

// A projection worker in its own process, for crash tests: the parent kills it with SIGKILL mid-batch.
import { EventStoreDBClient } from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { EventSerializer } from '@shop/eventstore';
import { MongoClient } from 'mongodb';
import { ProjectionManager } from '../projection-manager';
import { tallyKit } from './tally-projection';

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const { ESDB_URL, MONGO_URL, DB_NAME, PROJECTION, LEASE_TTL_MS } = process.env;
  const esdb = EventStoreDBClient.connectionString(ESDB_URL!);
  const mongo = await new MongoClient(MONGO_URL!).connect();
  const manager = new ProjectionManager(
    mongo,
    mongo.db(DB_NAME),
    esdb,
    new EventSerializer(),
    [tallyKit(PROJECTION!).projection],
    // Small batches: a kill lands inside a batch more often.
    { batchSize: 7, watchdogIntervalMs: 200, leaseTtlMs: Number(LEASE_TTL_MS ?? 1_000) },
  );
  await manager.onApplicationBootstrap();
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed: ${String(error)}\n`);
  process.exit(1);
});

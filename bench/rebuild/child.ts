/**
 * `node bench/rebuild/child.ts <eventstore-url> <mongo-uri> <rounds>`: the raw read and the rebuild measured
 * in a fresh process, as `eventshop projections rebuild` or a starting worker runs them. Prints one JSON line.
 */
import { EventStoreDBClient } from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { readAndRebuild } from './measure';

async function main(): Promise<void> {
  const [eventStoreUrl, mongoUri, rounds] = process.argv.slice(2);
  if (!eventStoreUrl || !mongoUri) throw new Error('usage: child.ts <eventstore-url> <mongo-uri> [rounds]');
  Logger.overrideLogger(['error']);
  const esdb = EventStoreDBClient.connectionString(eventStoreUrl);
  const mongo = await new MongoClient(mongoUri).connect();
  try {
    const rates = await readAndRebuild(esdb, mongo, Number(rounds ?? 1));
    process.stdout.write(`${JSON.stringify(rates)}\n`);
  } finally {
    await mongo.close();
    await esdb.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

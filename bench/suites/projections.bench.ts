import { EventStoreDBClient, jsonEvent, START } from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { startEmbeddedMongo } from '@shop/embedded-mongo';
import { EventSerializer } from '@shop/eventstore';
import { productsProjection } from '@shop/inventory';
import { ProjectionManager } from '@shop/projections';
import { MongoClient } from 'mongodb';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';

const EVENTS = 100_000;
const PER_PRODUCT = 100;

/** 100,000 product events (1,000 products x registered + 99 stock movements), appended in batches. */
async function seed(esdb: EventStoreDBClient): Promise<void> {
  const occurredAt = new Date().toISOString();
  const meta = () => ({
    eventId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    schemaVersion: 1,
    occurredAt,
  });
  const appends: Promise<unknown>[] = [];
  for (let p = 0; p < EVENTS / PER_PRODUCT; p++) {
    const productId = randomUUID();
    const events = [
      jsonEvent({
        type: 'ProductRegistered',
        data: { productId, sku: `SKU-${p}`, name: `Product ${p}`, priceCents: 100 + p, currency: 'EUR' },
        metadata: meta(),
      }),
      ...Array.from({ length: PER_PRODUCT - 1 }, (_, i) =>
        i % 3 === 0
          ? jsonEvent({ type: 'StockReceived', data: { productId, quantity: 5 }, metadata: meta() })
          : jsonEvent({
              type: i % 3 === 1 ? 'StockReserved' : 'StockReservationReleased',
              data: { productId, orderId: `order-${i}`, quantity: 1 },
              metadata: meta(),
            }),
      ),
    ];
    appends.push(esdb.appendToStream(`product-${productId}`, events));
    if (appends.length >= 8) await Promise.all(appends.splice(0));
  }
  await Promise.all(appends);
}

interface Rates {
  seed: number;
  read: number;
  rebuild: number;
}

/** Seeds 100,000 events, reads $all raw (the baseline), then rebuilds the products projection. */
async function measure(eventStoreUrl: string, mongoUri: string): Promise<Rates> {
  const esdb = EventStoreDBClient.connectionString(eventStoreUrl);
  const mongo = await new MongoClient(mongoUri).connect();
  try {
    const seedStarted = performance.now();
    await seed(esdb);
    const seedRate = EVENTS / ((performance.now() - seedStarted) / 1000);

    // Baseline: read every event of $all through the same client, nothing else.
    let read = 0;
    const readStarted = performance.now();
    for await (const resolved of esdb.readAll({ fromPosition: START, maxCount: Number.MAX_SAFE_INTEGER })) {
      if (resolved.event && !resolved.event.type.startsWith('$')) read++;
    }
    const readRate = read / ((performance.now() - readStarted) / 1000);

    const db = mongo.db(`bench_${randomUUID().slice(0, 8)}`);
    const manager = new ProjectionManager(mongo, db, esdb, new EventSerializer(), [productsProjection], {
      runWorkers: false,
    });
    await manager.onApplicationBootstrap();
    const rebuildStarted = performance.now();
    const progress = await manager.rebuild(productsProjection.name);
    const rebuildRate = progress.processed / ((performance.now() - rebuildStarted) / 1000);
    await manager.onApplicationShutdown();
    const products = await db.collection('products').countDocuments();
    if (progress.processed < EVENTS || products !== EVENTS / PER_PRODUCT) {
      throw new Error(`rebuild incomplete: ${progress.processed} events, ${products} products`);
    }
    return { seed: seedRate, read: readRate, rebuild: rebuildRate };
  } finally {
    await mongo.close();
    await esdb.dispose();
  }
}

/**
 * The servers in their own process, as `npm run devstack` runs them (durable, on disk): closer to
 * production, where EventStoreDB and MongoDB do not share the projection's event loop.
 */
async function startDevstack(): Promise<{ eventStoreUrl: string; mongoUri: string; stop: () => void }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-devstack-'));
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/devstack/src/main.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      DEVSTACK_EVENTSTORE_PORT: '0',
      DEVSTACK_MONGO_PORT: '0',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  let out = '';
  const urls = await new Promise<{ eventStoreUrl: string; mongoUri: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`devstack exited (${code})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const eventStoreUrl = /EVENTSTORE_URL=(\S+)/.exec(out)?.[1];
      const mongoUri = /MONGO_URL=(\S+)/.exec(out)?.[1];
      if (eventStoreUrl && mongoUri) resolve({ eventStoreUrl, mongoUri });
    });
  }).catch((error: unknown) => {
    stop();
    throw error;
  });
  return { ...urls, stop };
}

const suite: BenchSuite = {
  name: 'projections',
  async run(): Promise<BenchEntry[]> {
    Logger.overrideLogger(['error']);
    const eventStore = await startEmbeddedEventStore({ inMemory: true, port: 0 });
    const mongoServer = await startEmbeddedMongo({ inMemory: true, port: 0 });
    const rssBefore = process.memoryUsage().rss;
    let local: Rates;
    let peakRss: number;
    try {
      local = await measure(eventStore.url, mongoServer.uri);
      peakRss = Math.max(process.memoryUsage().rss, rssBefore) / 2 ** 20;
    } finally {
      await mongoServer.stop();
      await eventStore.stop();
    }
    const devstack = await startDevstack();
    let remote: Rates;
    try {
      remote = await measure(devstack.eventStoreUrl, devstack.mongoUri);
    } finally {
      devstack.stop();
    }
    return [
      entry('seed 100,000 events (batches of 100, 8 in flight)', local.seed, 'events/s'),
      entry('raw $all read', local.read, 'events/s'),
      entry(
        'products rebuild (baseline: raw $all read)',
        local.rebuild,
        'events/s',
        local.read,
        '>= 0.5 and >= 25000',
      ),
      entry('bench process RSS after rebuild (in-process servers)', peakRss, 'MiB'),
      entry('raw $all read, servers in their own process (devstack, on disk)', remote.read, 'events/s'),
      entry(
        'products rebuild, servers in their own process (baseline: that raw read)',
        remote.rebuild,
        'events/s',
        remote.read,
      ),
    ];
  },
};

export default suite;

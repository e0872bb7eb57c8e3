import { type EventStoreDBClient, jsonEvent, START } from '@eventstore/db-client';
import { EventSerializer } from '@shop/eventstore';
import { productsProjection } from '@shop/inventory';
import { ProjectionManager } from '@shop/projections';
import { type MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';

export const EVENTS = 100_000;
const PER_PRODUCT = 100;

/** 100,000 product events (1,000 products x registered + 99 stock movements), appended in batches. */
export async function seedProducts(esdb: EventStoreDBClient): Promise<number> {
  const started = performance.now();
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
  return EVENTS / ((performance.now() - started) / 1000);
}

/** The baseline: every event of $all read through the same client, nothing else done with it. */
export async function rawReadRate(esdb: EventStoreDBClient): Promise<number> {
  let read = 0;
  const started = performance.now();
  for await (const resolved of esdb.readAll({ fromPosition: START, maxCount: Number.MAX_SAFE_INTEGER })) {
    if (resolved.event && !resolved.event.type.startsWith('$')) read++;
  }
  return read / ((performance.now() - started) / 1000);
}

/** A full shadow rebuild of the products projection into a fresh database, checked for completeness. */
export async function rebuildRate(esdb: EventStoreDBClient, mongo: MongoClient): Promise<number> {
  const db = mongo.db(`bench_${randomUUID().slice(0, 8)}`);
  const manager = new ProjectionManager(mongo, db, esdb, new EventSerializer(), [productsProjection], {
    runWorkers: false,
  });
  try {
    await manager.onApplicationBootstrap();
    const started = performance.now();
    const progress = await manager.rebuild(productsProjection.name);
    const rate = progress.processed / ((performance.now() - started) / 1000);
    const products = await db.collection('products').countDocuments();
    if (progress.processed < EVENTS || products !== EVENTS / PER_PRODUCT) {
      throw new Error(`rebuild incomplete: ${progress.processed} events, ${products} products`);
    }
    return rate;
  } finally {
    await manager.onApplicationShutdown().finally(() => db.dropDatabase());
  }
}

export interface ReadAndRebuild {
  read: number;
  rebuild: number;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Alternates the raw read and the rebuild `rounds` times and reports the median of each. */
export async function readAndRebuild(
  esdb: EventStoreDBClient,
  mongo: MongoClient,
  rounds: number,
): Promise<ReadAndRebuild> {
  const reads: number[] = [];
  const rebuilds: number[] = [];
  for (let round = 0; round < rounds; round++) {
    reads.push(await rawReadRate(esdb));
    rebuilds.push(await rebuildRate(esdb, mongo));
  }
  return { read: median(reads), rebuild: median(rebuilds) };
}

import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { startEmbeddedMongo } from '@shop/embedded-mongo';
import { EventSerializer } from '@shop/eventstore';
import { productsProjection } from '@shop/inventory';
import { ProjectionManager } from '@shop/projections';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';

const RATE = 1_000;
const WINDOW_MS = 10_000;
const PRODUCTS = 100;
/** Open loop, bounded: a machine that cannot keep up shows as skipped sends, not as an ever-growing queue. */
const MAX_IN_FLIGHT = 200;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

const meta = () => ({
  eventId: randomUUID(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
});

/**
 * Live projection lag: single-event appends at a steady 1,000/s (stock receipts over 100 products), each
 * timed from the append call until the products projection's checkpoint has passed the event (ProjectionManager
 * .waitFor, which the queries' `?position=` uses). Durable servers in this process, as `npm start` runs them.
 */
const suite: BenchSuite = {
  name: 'projection-lag',
  async run(): Promise<BenchEntry[]> {
    Logger.overrideLogger(['error']);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-lag-'));
    const eventStore = await startEmbeddedEventStore({ dataDir: path.join(dataDir, 'esdb'), port: 0 });
    const mongoServer = await startEmbeddedMongo({ dbPath: path.join(dataDir, 'mongo'), port: 0 });
    const esdb = EventStoreDBClient.connectionString(eventStore.url);
    const mongo = await new MongoClient(mongoServer.uri).connect();
    const db = mongo.db('bench_lag');
    const manager = new ProjectionManager(mongo, db, esdb, new EventSerializer(), [productsProjection]);
    try {
      const products = Array.from({ length: PRODUCTS }, () => randomUUID());
      for (const [i, productId] of products.entries()) {
        await esdb.appendToStream(
          `product-${productId}`,
          jsonEvent({
            type: 'ProductRegistered',
            data: { productId, sku: `LAG-${i}`, name: `Lag ${i}`, priceCents: 100, currency: 'EUR' },
            metadata: meta(),
          }),
        );
      }
      await manager.onApplicationBootstrap();

      const latencies: number[] = [];
      const inFlight = new Set<Promise<void>>();
      let sent = 0;
      let skipped = 0;
      let late = 0;
      const started = performance.now();
      while (performance.now() - started < WINDOW_MS) {
        const due = Math.floor(((performance.now() - started) / 1000) * RATE);
        for (; sent < due; sent++) {
          if (inFlight.size >= MAX_IN_FLIGHT) {
            skipped++;
            continue;
          }
          const productId = products[sent % PRODUCTS]!;
          const op = (async () => {
            const t0 = performance.now();
            const { position } = await esdb.appendToStream(
              `product-${productId}`,
              jsonEvent({ type: 'StockReceived', data: { productId, quantity: 1 }, metadata: meta() }),
            );
            if (!position) throw new Error('append returned no position');
            if (await manager.waitFor(productsProjection.name, position, 30_000)) {
              latencies.push(performance.now() - t0);
            } else late++;
          })();
          inFlight.add(op);
          void op.finally(() => inFlight.delete(op));
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await Promise.all(inFlight);
      const elapsed = (performance.now() - started) / 1000;
      if (late > 0) throw new Error(`${late} events not visible within 30 s`);
      latencies.sort((a, b) => a - b);
      return [
        entry(
          `appends/s achieved (open loop at ${RATE}/s, at most ${MAX_IN_FLIGHT} in flight)`,
          latencies.length / elapsed,
          'appends/s',
          RATE,
        ),
        entry(`sends skipped (${MAX_IN_FLIGHT} already in flight)`, skipped, 'sends'),
        entry(
          'append-to-visible p50 (products projection, durable in-process servers)',
          percentile(latencies, 0.5),
          'ms',
        ),
        entry('append-to-visible p99', percentile(latencies, 0.99), 'ms'),
      ];
    } finally {
      await manager.onApplicationShutdown();
      await mongo.close();
      await esdb.dispose();
      await mongoServer.stop();
      await eventStore.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default suite;

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { createEventStoreServices } from '@shop/eventstore';
import {
  inventoryUpcasters,
  type ProductEvent,
  productDecider,
  productRegistered,
  productStreamName,
  reserveStock,
  stockReceived,
  stockReservationCommitted,
  stockReservationReleased,
  stockReserved,
} from '@shop/inventory';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';

/**
 * A busy product: every order reserves one unit, then ships (commit) or is cancelled (release). What it costs
 * to fold, load and decide on a product with 100,000 orders in its history, against the state shape it had
 * before (every settled order id kept and the map copied on each event: quadratic, so measured at 3,000).
 */
const ORDERS = 100_000;
const OLD_SHAPE_ORDERS = 3_000;

const orderId = (i: number) => `0b7f4b52-2c1e-4f0a-8a8e-${i.toString(16).padStart(12, '0')}`;

function* history(productId: string, orders: number): Generator<ProductEvent> {
  yield productRegistered({ productId, sku: 'BUSY-1', name: 'Busy', priceCents: 100, currency: 'EUR' });
  yield stockReceived({ productId, quantity: orders + 10 });
  for (let i = 0; i < orders; i++) {
    const data = { productId, orderId: orderId(i), quantity: 1 };
    yield stockReserved(data);
    yield i % 2 === 0 ? stockReservationCommitted(data) : stockReservationReleased(data);
  }
}

/** The former `settled` handling, kept only here as the baseline. */
const oldShapeFold = (events: Iterable<ProductEvent>): number => {
  let state = { reservations: {} as Record<string, number>, settled: {} as Record<string, string> };
  for (const event of events) {
    if (event.type === 'StockReserved') {
      state = { ...state, reservations: { ...state.reservations, [event.data.orderId]: 1 } };
    } else if (event.type === 'StockReservationCommitted' || event.type === 'StockReservationReleased') {
      const { [event.data.orderId]: _gone, ...reservations } = state.reservations;
      state = { reservations, settled: { ...state.settled, [event.data.orderId]: event.type } };
    }
  }
  return JSON.stringify(state).length;
};

const timeMs = (op: () => unknown): number => {
  const started = performance.now();
  op();
  return performance.now() - started;
};

const suite: BenchSuite = {
  name: 'product-history',
  async run(): Promise<BenchEntry[]> {
    const productId = randomUUID();
    const fold = (orders: number) =>
      [...history(productId, orders)].reduce(
        (state, event) => productDecider.evolve(state, event),
        productDecider.initialState(),
      );
    const log = (what: string) => process.stderr.write(`  product-history: ${what}\n`);
    const oldAt10k = timeMs(() => oldShapeFold(history(productId, OLD_SHAPE_ORDERS)));
    const newAt10k = timeMs(() => fold(OLD_SHAPE_ORDERS));
    let state = productDecider.initialState();
    const newAt100k = timeMs(() => (state = fold(ORDERS)));
    const stateBytes = JSON.stringify(state).length;
    const oldBytesAt10k = oldShapeFold(history(productId, OLD_SHAPE_ORDERS));

    log(`folds done (${Math.round(newAt100k)} ms)`);
    const dataDir = await mkdtemp(join(tmpdir(), 'product-history-bench-'));
    const server = await startEmbeddedEventStore({ dataDir, port: 0 });
    const client = EventStoreDBClient.connectionString(server.url);
    try {
      const { store } = createEventStoreServices(client, { upcasters: inventoryUpcasters() });
      const stream = productStreamName(productId);
      let batch: ReturnType<typeof jsonEvent>[] = [];
      for (const event of history(productId, ORDERS)) {
        batch.push(jsonEvent({ type: event.type, data: event.data, metadata: { schemaVersion: 1 } }));
        if (batch.length === 2_000) {
          await client.appendToStream(stream, batch);
          batch = [];
        }
      }
      if (batch.length > 0) await client.appendToStream(stream, batch);
      log('seeded');
      // A new order on the busy product, as the checkout sends it: the first one replays the whole stream
      // (no snapshot of this state version yet) and writes a snapshot at the stream's end.
      const reserve = (i: number) =>
        store.handle(
          productDecider,
          stream,
          reserveStock({ productId, orderId: orderId(ORDERS + i), quantity: 1 }, { now: new Date() }),
        );
      const firstCommand = performance.now();
      await reserve(0);
      const firstCommandMs = performance.now() - firstCommand;
      const fromSnapshot = performance.now();
      const loaded = await store.load(productDecider, stream, { useCache: false });
      const fromSnapshotMs = performance.now() - fromSnapshot;
      if (loaded.state.status !== 'registered' || loaded.state.onHand !== ORDERS / 2 + 10) {
        throw new Error(`the folded product is wrong: ${JSON.stringify(loaded.state).slice(0, 200)}`);
      }
      const cached = performance.now();
      for (let i = 1; i <= 100; i++) await reserve(i);
      const cachedCommandMs = (performance.now() - cached) / 100;
      return [
        entry(`fold a product with ${OLD_SHAPE_ORDERS} orders, former state shape`, oldAt10k, 'ms'),
        entry(
          `fold a product with ${OLD_SHAPE_ORDERS} orders (baseline: former shape)`,
          newAt10k,
          'ms',
          oldAt10k,
        ),
        entry(`fold a product with ${ORDERS} orders (200,002 events, in memory)`, newAt100k, 'ms'),
        entry(
          `product state after ${ORDERS} orders (baseline: former shape after ${OLD_SHAPE_ORDERS})`,
          stateBytes,
          'bytes',
          oldBytesAt10k,
        ),
        entry(
          `first order on a ${ORDERS}-order product: full replay from EventStoreDB`,
          firstCommandMs,
          'ms',
        ),
        entry('load that product from its snapshot', fromSnapshotMs, 'ms'),
        entry('a further order on it (cached state)', cachedCommandMs, 'ms'),
      ];
    } finally {
      await client.dispose();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

export default suite;

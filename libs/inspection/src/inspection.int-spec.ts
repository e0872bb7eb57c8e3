import { EventStoreDBClient } from '@eventstore/db-client';
import { startEmbeddedEventStore, type EmbeddedEventStore } from '@shop/embedded-eventstore';
import { createEventStoreServices, type EventStoreServices } from '@shop/eventstore';
import { productDecider, productStreamName, receiveStock, registerProduct } from '@shop/inventory';
import { deciderForStream } from '@shop/workers';
import { randomUUID } from 'node:crypto';
import { InspectionService } from './inspection.service';

describe('InspectionService (official client, embedded server)', () => {
  let server: EmbeddedEventStore;
  let client: EventStoreDBClient;
  let services: EventStoreServices;
  let inspection: InspectionService;
  const productId = randomUUID();
  const stream = productStreamName(productId);
  const correlationId = randomUUID();
  const times: Date[] = [];

  beforeAll(async () => {
    server = await startEmbeddedEventStore({ inMemory: true, port: 0, systemProjections: true });
    client = EventStoreDBClient.connectionString(server.url);
    services = createEventStoreServices(client);
    inspection = new InspectionService(client, services.serializer, services.inspector, deciderForStream);
    const context = { correlationId };
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, i));
    times.push(at(0), at(1), at(2));
    await services.store.handle(
      productDecider,
      stream,
      registerProduct(
        { productId, sku: `SKU-${productId.slice(0, 8)}`, name: 'Mug', priceCents: 900, currency: 'EUR' },
        { now: at(0) },
      ),
      { context },
    );
    await services.store.handle(
      productDecider,
      stream,
      receiveStock({ productId, quantity: 5 }, { now: at(1) }),
      { context },
    );
    await services.store.handle(
      productDecider,
      stream,
      receiveStock({ productId, quantity: 7 }, { now: at(2) }),
    );
  });

  afterAll(async () => {
    await client.dispose();
    await server.stop();
  });

  it('lists streams by prefix', async () => {
    expect(await inspection.listStreams('product-', 100)).toContain(stream);
    expect(await inspection.listStreams('nothing-', 100)).toEqual([]);
  });

  it('pages through a stream forwards and backwards', async () => {
    const first = await inspection.readStream(stream, { limit: 2, backwards: false });
    expect(first.events.map((e) => e.type)).toEqual(['ProductRegistered', 'StockReceived']);
    expect(first.next).toBe('2');
    const back = await inspection.readStream(stream, { limit: 1, backwards: true });
    expect(back.events[0]).toMatchObject({ type: 'StockReceived', revision: '2', data: { quantity: 7 } });
    await expect(inspection.readStream('product-nope', { limit: 1, backwards: false })).rejects.toMatchObject(
      {
        code: 'stream_not_found',
      },
    );
  });

  it('travels in time by revision and by timestamp, matching the state at that revision', async () => {
    const byRevision = await inspection.stateAt(stream, { revision: 1n });
    expect(byRevision).toMatchObject({ revision: '1', state: { onHand: 5 } });
    const byTime = await inspection.stateAt(stream, { time: new Date(times[1]!.getTime() + 1_000) });
    expect(byTime).toEqual(byRevision);
    expect(await inspection.stateAt(stream, { revision: 2n })).toMatchObject({ state: { onHand: 12 } });
  });

  it('diffs two revisions', async () => {
    const diff = await inspection.diff(stream, 1n, 2n);
    expect(diff.events.map((e) => e.type)).toEqual(['StockReceived']);
    expect(diff.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('onHand') })]),
    );
  });

  it('searches $all by type and correlation id, and traces causation', async () => {
    const byType = await inspection.search({ type: 'ProductRegistered' });
    expect(byType.map((e) => e.stream)).toContain(stream);
    const correlated = await inspection.search({ correlationId });
    expect(correlated.map((e) => e.type)).toEqual(['ProductRegistered', 'StockReceived']);
    const trace = await inspection.trace(correlationId);
    expect(trace.events).toBe(2);
    await expect(inspection.trace(randomUUID())).rejects.toMatchObject({ code: 'trace_not_found' });
  });

  it('tails new events live', async () => {
    const abort = new AbortController();
    const tail = inspection.tail(stream, undefined, abort.signal);
    const next = tail.next();
    // The subscription starts at the end: append once it is open (retrying until an event arrives).
    let received: IteratorResult<unknown> | undefined;
    const deadline = Date.now() + 10_000;
    while (!received && Date.now() < deadline) {
      await services.store.handle(
        productDecider,
        stream,
        receiveStock({ productId, quantity: 1 }, { now: new Date() }),
      );
      received = await Promise.race([
        next,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 200)),
      ]);
    }
    expect(received?.value).toMatchObject({ type: 'StockReceived', stream });
    abort.abort();
  });

  it('rejects raw input that is not a stream name, and streams that are not aggregates', async () => {
    await expect(inspection.stateAt('$$product-x', { revision: 0n })).rejects.toMatchObject({
      code: 'invalid_stream_name',
    });
    await expect(inspection.stateAt('other-1', { revision: 0n })).rejects.toMatchObject({
      code: 'not_an_aggregate',
    });
  });
});

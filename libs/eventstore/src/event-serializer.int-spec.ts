import { jsonEvent } from '@eventstore/db-client';
import { UnknownSchemaVersionError, UpcasterRegistry } from '@shop/event-sourcing';
import { startTestEventStore, type TestEventStore, uniqueStream } from './testing/embedded-store';
import { add, tally, type TallyEvent } from './testing/tally';

// `Added` v1 stored `{ amount }`; v2 renamed it to `by` and added `at`.
const upcasters = new UpcasterRegistry().register('Added', 1, (data) => ({
  by: data.amount,
  at: '1970-01-01T00:00:00.000Z',
}));

describe('event serialization and upcasting', () => {
  let es: TestEventStore;
  beforeAll(async () => {
    es = await startTestEventStore();
  });
  afterAll(() => es.stop());

  it('upcasts an old event version on read, so deciders only see the current shape', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(
      stream,
      jsonEvent({ type: 'Added', data: { amount: 4 }, metadata: { schemaVersion: 1, correlationId: 'c' } }),
    );
    const { store, inspector } = es.services({ upcasters });
    const [stored] = (await inspector.readPage<TallyEvent>(stream)).events;
    expect(stored!.event).toEqual({ type: 'Added', data: { by: 4, at: '1970-01-01T00:00:00.000Z' } });
    expect(stored!.metadata).toMatchObject({ schemaVersion: 1, correlationId: 'c' });

    await store.handle(tally, stream, add(3));
    expect((await store.load(tally, stream)).state.value).toBe(7);
    const [, written] = (await inspector.readPage(stream)).events;
    expect(written!.metadata.schemaVersion).toBe(2);
  });

  it('refuses to fold an event written by newer code', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(
      stream,
      jsonEvent({ type: 'Added', data: { by: 1, at: 'x', extra: true }, metadata: { schemaVersion: 3 } }),
    );
    await expect(es.services({ upcasters }).store.load(tally, stream)).rejects.toBeInstanceOf(
      UnknownSchemaVersionError,
    );
  });

  it('reads events appended by other tools, without our metadata, as version 1 with store-derived ids', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, jsonEvent({ type: 'Tagged', data: { label: 'legacy' } }));
    const [stored] = (await es.services().inspector.readPage(stream)).events;
    expect(stored!.metadata).toEqual({
      eventId: expect.any(String),
      correlationId: stored!.metadata.eventId,
      causationId: stored!.metadata.eventId,
      schemaVersion: 1,
      occurredAt: stored!.recordedAt.toISOString(),
    });
  });

  it('rejects non-JSON event data before appending, instead of leaving the append pending', async () => {
    const stream = uniqueStream();
    const bigintDecider = {
      ...tally,
      decide: () => [{ type: 'Added' as const, data: { by: 1n as never, at: 'x' } }],
    };
    await expect(es.services().store.handle(bigintDecider, stream, add(1))).rejects.toThrow(
      /not JSON-serialisable/,
    );
  });
});

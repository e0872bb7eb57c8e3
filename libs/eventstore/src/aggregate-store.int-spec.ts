import { jsonEvent } from '@eventstore/db-client';
import { contextFromEvent, RuleViolatedError } from '@shop/event-sourcing';
import {
  EventStoreUnavailableError,
  ExpectedRevisionMismatchError,
  NO_STREAM_REVISION,
  StreamContentionError,
  StreamDeletedError,
} from '@shop/eventstore';
import { interceptAppends } from './testing/append-interceptor';
import { startTestEventStore, type TestEventStore, uniqueStream } from './testing/embedded-store';
import { add, reset, tag, tally, type TallyEvent } from './testing/tally';

describe('AggregateStore.handle', () => {
  let es: TestEventStore;
  beforeAll(async () => {
    es = await startTestEventStore();
  });
  afterAll(() => es.stop());

  it('creates a stream with no_stream, then appends at the loaded revision', async () => {
    const { store } = es.services();
    const stream = uniqueStream();
    const first = await store.handle(tally, stream, add(2));
    expect(first).toMatchObject({ nextRevision: 0n, outcome: 'appended', events: [{ type: 'Added' }] });
    expect(first.position?.commit).toEqual(expect.any(BigInt));
    const second = await store.handle(tally, stream, add(3));
    expect(second.nextRevision).toBe(1n);
    expect(second.position!.commit).toBeGreaterThan(first.position!.commit);
    const loaded = await store.load(tally, stream);
    expect(loaded).toMatchObject({ revision: 1n, state: { value: 5, count: 2 } });
  });

  it('appends nothing for a no-op and returns the current revision', async () => {
    const { store } = es.services();
    const stream = uniqueStream();
    expect(await store.handle(tally, stream, reset())).toEqual({
      nextRevision: NO_STREAM_REVISION,
      events: [],
      outcome: 'unchanged',
    });
    await store.handle(tally, stream, tag('a'));
    expect(await store.handle(tally, stream, tag('a'))).toEqual({
      nextRevision: 0n,
      events: [],
      outcome: 'unchanged',
    });
    expect((await es.services().inspector.readPage(stream)).events).toHaveLength(1);
  });

  it('surfaces domain errors from decide unchanged and appends nothing', async () => {
    const { store } = es.services();
    const stream = uniqueStream();
    await store.handle(tally, stream, tag('locked'));
    await expect(store.handle(tally, stream, add(1))).rejects.toBeInstanceOf(RuleViolatedError);
    expect((await store.load(tally, stream)).revision).toBe(0n);
  });

  it('serializes events as JSON with metadata that carries correlation and causation', async () => {
    const { store, inspector } = es.services();
    const stream = uniqueStream();
    const now = new Date('2026-05-01T12:00:00.000Z');
    const context = {
      correlationId: 'req-1',
      causationId: 'req-1',
      userId: 'user-7',
      traceparent: '00-t-s-01',
    };
    await store.handle(tally, stream, add(1, { now }), { context });
    const [cause] = (await inspector.readPage<TallyEvent>(stream)).events;
    expect(cause!.metadata).toEqual({
      eventId: expect.any(String),
      correlationId: 'req-1',
      causationId: 'req-1',
      userId: 'user-7',
      traceparent: '00-t-s-01',
      schemaVersion: 1,
      occurredAt: now.toISOString(),
    });
    for await (const raw of es.client.readStream(stream, { maxCount: 1 })) {
      expect(raw.event).toMatchObject({
        type: 'Added',
        isJson: true,
        data: { by: 1, at: now.toISOString() },
      });
    }

    const effect = uniqueStream();
    await store.handle(tally, effect, add(2), { context: contextFromEvent(cause!) });
    const [caused] = (await inspector.readPage(effect)).events;
    expect(caused!.metadata).toMatchObject({
      correlationId: 'req-1',
      causationId: cause!.metadata.eventId,
      userId: 'user-7',
    });
  });

  it('starts a conversation when there is no context: correlation = causation = first event id', async () => {
    const { store, inspector } = es.services();
    const stream = uniqueStream();
    await store.handle(tally, stream, add(1));
    const [event] = (await inspector.readPage(stream)).events;
    expect(event!.metadata.correlationId).toBe(event!.metadata.eventId);
    expect(event!.metadata.causationId).toBe(event!.metadata.eventId);
  });

  it('N parallel commands on one stream produce exactly N events with contiguous revisions', async () => {
    // One store per caller, like N processes: within one store, commands on a stream are queued instead.
    const settings = { retry: { conflictRetries: 100, maxDelayMs: 50 } };
    const stream = uniqueStream();
    const n = 20;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => es.services(settings).store.handle(tally, stream, add(i + 1))),
    );
    expect(results.map((r) => r.nextRevision).sort((a, b) => (a < b ? -1 : 1))).toEqual(
      Array.from({ length: n }, (_, i) => BigInt(i)),
    );
    const page = await es.services().inspector.readPage(stream, { pageSize: 100 });
    expect(page.events.map((e) => e.revision)).toEqual(Array.from({ length: n }, (_, i) => BigInt(i)));
    expect((await es.services().store.load(tally, stream)).state.value).toBe((n * (n + 1)) / 2);
  });

  it('queues parallel commands on one stream within one store instead of letting them race', async () => {
    // Without retries, any race lost would reject.
    const { store } = es.services({ retry: { conflictRetries: 0 } });
    const stream = uniqueStream();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => store.handle(tally, stream, add(1))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await store.load(tally, stream)).revision).toBe(9n);
  });

  describe('when another writer wins the race between load and append', () => {
    const competitor = (stream: string, races: number) =>
      interceptAppends(es.client, {
        before: async (_name, call) => {
          if (call <= races)
            await es.client.appendToStream(
              stream,
              jsonEvent({ type: 'Tagged', data: { label: `c${call}` } }),
            );
        },
      });

    it('reloads, decides again on the new state and appends', async () => {
      const stream = uniqueStream();
      const { store } = es.services({}, competitor(stream, 2));
      const result = await store.handle(tally, stream, add(1));
      expect(result).toMatchObject({ nextRevision: 2n, outcome: 'appended' });
      expect((await store.load(tally, stream)).state).toMatchObject({ value: 1, tags: ['c1', 'c2'] });
    });

    it('gives up after bounded retries with a typed, transient error', async () => {
      const stream = uniqueStream();
      const { store } = es.services(
        { retry: { conflictRetries: 2, initialDelayMs: 1 } },
        competitor(stream, 99),
      );
      const error = await store.handle(tally, stream, add(1)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamContentionError);
      expect(error).toMatchObject({
        code: 'stream_contention',
        category: 'unavailable',
        details: { attempts: 3 },
      });
      expect((await store.load(tally, stream)).state).toMatchObject({ value: 0, tags: ['c1', 'c2', 'c3'] });
    });

    it('does not retry when the caller gave an expected revision', async () => {
      const stream = uniqueStream();
      await es.services().store.handle(tally, stream, add(1));
      const { store } = es.services({}, competitor(stream, 99));
      const error = await store
        .handle(tally, stream, add(1), { expectedRevision: 0n })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExpectedRevisionMismatchError);
      expect(error).toMatchObject({ expectedRevision: 0n, actualRevision: 1n });
      expect((await store.load(tally, stream)).state).toMatchObject({ value: 1, tags: ['c1'] });
    });
  });

  describe('on an aggregate this store wrote last (cached)', () => {
    const otherWriter = (stream: string, type: 'Tagged' | 'Added', data: Record<string, string | number>) =>
      es.client.appendToStream(stream, jsonEvent({ type, data }));

    it('appends at the cached revision without reading the stream first', async () => {
      const { store } = es.services();
      const stream = uniqueStream();
      await store.handle(tally, stream, add(1));
      const reads = jest.spyOn(es.client, 'readStream');
      try {
        expect(await store.handle(tally, stream, add(2))).toMatchObject({ nextRevision: 1n });
        expect(reads).not.toHaveBeenCalled();
      } finally {
        reads.mockRestore();
      }
      expect((await store.load(tally, stream)).state).toMatchObject({ value: 3, count: 2 });
    });

    it('decides again on fresh state when another writer appended since (here: now refused)', async () => {
      const { store } = es.services();
      const stream = uniqueStream();
      await store.handle(tally, stream, tag('a'));
      await otherWriter(stream, 'Tagged', { label: 'locked' });
      await expect(store.handle(tally, stream, add(1))).rejects.toBeInstanceOf(RuleViolatedError);
      expect((await store.load(tally, stream)).revision).toBe(1n);
    });

    it('confirms a no-op against fresh state and returns the fresh revision', async () => {
      const { store } = es.services();
      const stream = uniqueStream();
      await store.handle(tally, stream, tag('a'));
      await otherWriter(stream, 'Added', { by: 5, at: '2026-01-01T00:00:00.000Z' });
      expect(await store.handle(tally, stream, tag('a'))).toEqual({
        nextRevision: 1n,
        events: [],
        outcome: 'unchanged',
      });
    });

    it('reports the real revision when If-Match matched only the stale cache', async () => {
      const { store } = es.services();
      const stream = uniqueStream();
      await store.handle(tally, stream, add(1));
      await otherWriter(stream, 'Tagged', { label: 'b' });
      const error = await store
        .handle(tally, stream, add(1), { expectedRevision: 0n })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExpectedRevisionMismatchError);
      expect(error).toMatchObject({ expectedRevision: 0n, actualRevision: 1n });
    });
  });

  describe('latest (the state this store last saw, for a stream it alone writes)', () => {
    it('answers from the cache without reading after this store appended', async () => {
      const { store } = es.services();
      const stream = uniqueStream();
      await store.handle(tally, stream, add(4));
      const reads = jest.spyOn(es.client, 'readStream');
      try {
        expect(await store.latest(tally, stream)).toMatchObject({ revision: 0n, state: { value: 4 } });
        expect(reads).not.toHaveBeenCalled();
      } finally {
        reads.mockRestore();
      }
    });

    it('loads the stream when this store has not seen it', async () => {
      const { store } = es.services();
      const stream = uniqueStream();
      await es.services().store.handle(tally, stream, add(2));
      expect(await store.latest(tally, stream)).toMatchObject({ revision: 0n, state: { value: 2 } });
    });

    it('returns the initial state for a stream that does not exist', async () => {
      const { store } = es.services();
      expect(await store.latest(tally, uniqueStream())).toMatchObject({ revision: NO_STREAM_REVISION });
    });
  });

  describe('when the caller expects a new stream (fresh id)', () => {
    it('creates it without reading first', async () => {
      const { store } = es.services();
      const stream = uniqueStream();
      const reads = jest.spyOn(es.client, 'readStream');
      try {
        expect(await store.handle(tally, stream, add(4), { expectNew: true })).toMatchObject({
          nextRevision: 0n,
          outcome: 'appended',
        });
        expect(reads).not.toHaveBeenCalled();
      } finally {
        reads.mockRestore();
      }
    });

    it('takes the normal path when the stream exists after all', async () => {
      const stream = uniqueStream();
      await es.services().store.handle(tally, stream, add(1));
      const { store } = es.services();
      expect(await store.handle(tally, stream, add(2), { expectNew: true })).toMatchObject({
        nextRevision: 1n,
      });
      expect((await store.load(tally, stream)).state).toMatchObject({ value: 3 });
      await es.services().store.handle(tally, stream, tag('locked'));
      await expect(
        es.services().store.handle(tally, stream, add(1), { expectNew: true }),
      ).rejects.toBeInstanceOf(RuleViolatedError);
    });
  });

  describe('with an explicit expected revision (If-Match)', () => {
    it('appends when it matches', async () => {
      const { store } = es.services();
      const stream = uniqueStream();
      await store.handle(tally, stream, add(1), { expectedRevision: NO_STREAM_REVISION });
      const result = await store.handle(tally, stream, add(1), { expectedRevision: 0n });
      expect(result.nextRevision).toBe(1n);
    });

    it('fails with ExpectedRevisionMismatchError and appends nothing when stale', async () => {
      const { store } = es.services();
      const stream = uniqueStream();
      await store.handle(tally, stream, add(1));
      await store.handle(tally, stream, add(1));
      const error = await store
        .handle(tally, stream, add(1), { expectedRevision: 0n })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExpectedRevisionMismatchError);
      expect(error).toMatchObject({
        category: 'concurrency',
        code: 'expected_revision_mismatch',
        actualRevision: 1n,
      });
      await expect(
        store.handle(tally, uniqueStream(), add(1), { expectedRevision: 3n }),
      ).rejects.toBeInstanceOf(ExpectedRevisionMismatchError);
      expect((await store.load(tally, stream)).revision).toBe(1n);
    });
  });

  it('maps a tombstoned stream to StreamDeletedError (not_found category)', async () => {
    const { store } = es.services();
    const stream = uniqueStream();
    await store.handle(tally, stream, add(1));
    await es.client.tombstoneStream(stream);
    const error = await store.handle(tally, stream, add(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamDeletedError);
    expect(error).toMatchObject({ code: 'stream_deleted', category: 'not_found', streamName: stream });
  });
});

describe('AggregateStore when EventStoreDB is down', () => {
  it('fails with EventStoreUnavailableError after retrying the (safe) load', async () => {
    const es = await startTestEventStore();
    const { store } = es.services({ retry: { initialDelayMs: 1, maxDelayMs: 5 } });
    await es.server.stop();
    const error = await store.handle(tally, uniqueStream(), add(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(error).toMatchObject({ code: 'eventstore_unavailable', category: 'unavailable' });
    await es.client.dispose();
  });
});

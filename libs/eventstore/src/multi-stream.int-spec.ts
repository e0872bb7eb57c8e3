import { jsonEvent } from '@eventstore/db-client';
import { RuleViolatedError } from '@shop/event-sourcing';
import {
  CommandStepError,
  commandStep,
  ExpectedRevisionMismatchError,
  MultiStreamAppender,
  StreamContentionError,
} from '@shop/eventstore';
import { startTestEventStore, type TestEventStore, uniqueStream } from './testing/embedded-store';
import { add, tag, tally } from './testing/tally';
import { InterferedAppender } from './testing/interfered-appender';

const typesIn = async (es: TestEventStore, stream: string) =>
  (await es.services().inspector.readPage(stream)).events.map((e) => e.event.type);

describe('AggregateStore.handleTogether (atomic multi-stream appends)', () => {
  let es: TestEventStore;
  beforeAll(async () => {
    es = await startTestEventStore();
  });
  afterAll(() => es.stop());

  const services = (settings: Parameters<TestEventStore['services']>[0] = {}) => es.services(settings);

  it('appends both streams in one transaction and reads them back with their metadata', async () => {
    const { store, inspector } = services();
    const [a, b] = [uniqueStream(), uniqueStream()];
    await store.handle(tally, b, add(1));
    const context = { correlationId: 'corr-1', causationId: 'cause-1', userId: 'u-1' };
    const [ra, rb] = await store.handleTogether([
      commandStep(tally, a, add(2, { idempotencyKey: 'k-a' }), { context }),
      commandStep(tally, b, add(3), { context }),
    ]);
    expect(ra).toMatchObject({ outcome: 'appended', nextRevision: 0n, events: [{ type: 'Added' }] });
    expect(rb).toMatchObject({ outcome: 'appended', nextRevision: 1n });
    // One transaction: both report its position, the commit position of its last event.
    expect(ra!.position).toEqual(rb!.position);
    const [readA] = (await inspector.readPage(a)).events;
    const readB = (await inspector.readPage(b)).events;
    expect(readB[1]!.position!.commit).toBe(rb!.position!.commit);
    expect(readA!.metadata).toMatchObject({ correlationId: 'corr-1', causationId: 'cause-1', userId: 'u-1' });
    // The newer protocol stores metadata values as strings; typed fields read back typed.
    expect(readA!.metadata.schemaVersion).toBe(1);
    expect(readA!.metadata.idempotencyKey).toBe('k-a');
    expect((await store.load(tally, a)).state.value).toBe(2);
    expect((await store.load(tally, b, { useCache: false })).state.value).toBe(4);
  });

  it.each([
    ['the first', 0],
    ['the second', 1],
  ])('writes neither stream when %s stream moved meanwhile (no retries left)', async (_, moved) => {
    const [a, b] = [uniqueStream(), uniqueStream()];
    const interloper = [a, b][moved] as string;
    const appender = new InterferedAppender(es.client, () =>
      es.client.appendToStream(interloper, jsonEvent({ type: 'Tagged', data: { label: 'other writer' } })),
    );
    const { store } = services({ multiStreamAppender: appender, retry: { conflictRetries: 0 } });
    const error = await store
      .handleTogether([commandStep(tally, a, add(1)), commandStep(tally, b, add(2))])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamContentionError);
    expect(await typesIn(es, a)).toEqual(moved === 0 ? ['Tagged'] : []);
    expect(await typesIn(es, b)).toEqual(moved === 1 ? ['Tagged'] : []);
  });

  describe('on streams this store wrote last (cached)', () => {
    it('decides on the cached states and appends both without reading either first', async () => {
      const { store } = services();
      const [a, b] = [uniqueStream(), uniqueStream()];
      await store.handle(tally, a, add(1));
      await store.handle(tally, b, add(2));
      const reads = jest.spyOn(es.client, 'readStream');
      try {
        const results = await store.handleTogether([
          commandStep(tally, a, add(3)),
          commandStep(tally, b, add(4)),
        ]);
        expect(results.map((r) => [r.outcome, r.nextRevision])).toEqual([
          ['appended', 1n],
          ['appended', 1n],
        ]);
        expect(reads).not.toHaveBeenCalled();
      } finally {
        reads.mockRestore();
      }
      expect((await store.load(tally, a, { useCache: false })).state.value).toBe(4);
      expect((await store.load(tally, b, { useCache: false })).state.value).toBe(6);
    });

    it('decides again on fresh state when another writer appended since (here: now refused)', async () => {
      const { store } = services();
      const [a, b] = [uniqueStream(), uniqueStream()];
      await store.handle(tally, a, add(1));
      await store.handle(tally, b, add(1));
      await es.client.appendToStream(a, jsonEvent({ type: 'Tagged', data: { label: 'locked' } }));
      const error = await store
        .handleTogether([commandStep(tally, a, add(1)), commandStep(tally, b, add(1))])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CommandStepError);
      expect((error as CommandStepError).cause).toBeInstanceOf(RuleViolatedError);
      expect(await typesIn(es, a)).toEqual(['Added', 'Tagged']);
      expect(await typesIn(es, b)).toEqual(['Added']);
    });

    it('confirms a no-op against fresh state instead of trusting the cache', async () => {
      const { store } = services();
      const [a, b] = [uniqueStream(), uniqueStream()];
      await store.handle(tally, a, tag('x'));
      await store.handle(tally, b, add(1));
      await es.client.appendToStream(
        a,
        jsonEvent({ type: 'Added', data: { by: 1, at: '2026-01-01T00:00:00.000Z' } }),
      );
      const [ra, rb] = await store.handleTogether([
        commandStep(tally, a, tag('x')),
        commandStep(tally, b, add(1)),
      ]);
      expect(ra).toMatchObject({ outcome: 'unchanged', nextRevision: 1n });
      expect(rb).toMatchObject({ outcome: 'appended', nextRevision: 1n });
    });

    it('starts a stream marked expectNew without reading it, and reads it when it exists after all', async () => {
      const { store } = services();
      const [a, fresh, existing] = [uniqueStream(), uniqueStream(), uniqueStream()];
      await store.handle(tally, a, add(1));
      const reads = jest.spyOn(es.client, 'readStream');
      try {
        const [, rf] = await store.handleTogether([
          commandStep(tally, a, add(1)),
          commandStep(tally, fresh, add(5), { expectNew: true }),
        ]);
        expect(rf).toMatchObject({ outcome: 'appended', nextRevision: 0n });
        expect(reads).not.toHaveBeenCalled();
      } finally {
        reads.mockRestore();
      }
      await services().store.handle(tally, existing, add(2));
      const [, re] = await store.handleTogether([
        commandStep(tally, a, add(1)),
        commandStep(tally, existing, add(5), { expectNew: true }),
      ]);
      expect(re).toMatchObject({ outcome: 'appended', nextRevision: 1n });
      expect((await store.load(tally, existing, { useCache: false })).state.value).toBe(7);
    });
  });

  it('after a conflict reloads both streams, decides again and writes both once', async () => {
    const [a, b] = [uniqueStream(), uniqueStream()];
    const appender = new InterferedAppender(es.client, () =>
      es.client.appendToStream(b, jsonEvent({ type: 'Tagged', data: { label: 'locked' } })),
    );
    const { store } = services({ multiStreamAppender: appender });
    // The other writer locked b: deciding again on fresh state refuses b's step, and a gets nothing.
    const error = await store
      .handleTogether([commandStep(tally, a, add(1)), commandStep(tally, b, add(2))])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandStepError);
    expect(error).toMatchObject({ index: 1, streamName: b });
    expect((error as CommandStepError).cause).toBeInstanceOf(RuleViolatedError);
    expect(appender.attempts).toBe(1);
    expect(await typesIn(es, a)).toEqual([]);
    expect(await typesIn(es, b)).toEqual(['Tagged']);

    const [c, d] = [uniqueStream(), uniqueStream()];
    const retried = new InterferedAppender(es.client, () =>
      es.client.appendToStream(d, jsonEvent({ type: 'Tagged', data: { label: 'other writer' } })),
    );
    const [rc, rd] = await services({ multiStreamAppender: retried }).store.handleTogether([
      commandStep(tally, c, add(1)),
      commandStep(tally, d, add(2)),
    ]);
    expect(retried.attempts).toBe(2);
    expect([rc!.nextRevision, rd!.nextRevision]).toEqual([0n, 1n]);
    expect(await typesIn(es, c)).toEqual(['Added']);
    expect(await typesIn(es, d)).toEqual(['Tagged', 'Added']);
  });

  it('refuses the whole write when a step refuses or its If-Match does not hold', async () => {
    const { store } = services();
    const [a, b] = [uniqueStream(), uniqueStream()];
    await store.handle(tally, b, tag('locked'));
    const refused = await store
      .handleTogether([commandStep(tally, a, add(1)), commandStep(tally, b, add(1))])
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ index: 1, streamName: b });
    const mismatch = await store
      .handleTogether([
        commandStep(tally, a, add(1), { expectedRevision: 5n }),
        commandStep(tally, b, tag('x')),
      ])
      .catch((e: unknown) => e);
    expect(mismatch).toMatchObject({ index: 0, streamName: a });
    expect((mismatch as CommandStepError).cause).toBeInstanceOf(ExpectedRevisionMismatchError);
    expect(await typesIn(es, a)).toEqual([]);
    expect(await typesIn(es, b)).toEqual(['Tagged']);
  });

  it('is a no-op for a repeated write: a duplicate key and an accepted no-op append nothing', async () => {
    const { store } = services();
    const [a, b] = [uniqueStream(), uniqueStream()];
    const write = () =>
      store.handleTogether([
        commandStep(tally, a, add(5, { idempotencyKey: 'once' })),
        commandStep(tally, b, tag('seen')),
      ]);
    const first = await write();
    const again = await write();
    expect(first.map((r) => r.outcome)).toEqual(['appended', 'appended']);
    expect(again.map((r) => r.outcome)).toEqual(['duplicate', 'unchanged']);
    expect(again[0]!.nextRevision).toBe(0n);
    expect(await typesIn(es, a)).toEqual(['Added']);
    expect(await typesIn(es, b)).toEqual(['Tagged']);
  });

  it('refuses two steps on one stream', async () => {
    const { store } = services();
    const a = uniqueStream();
    await expect(
      store.handleTogether([commandStep(tally, a, add(1)), commandStep(tally, a, add(2))]),
    ).rejects.toThrow('one step per stream');
  });
});

describe('AggregateStore.handleTogether on a node without atomic appends (24.10)', () => {
  let es: TestEventStore;
  beforeAll(async () => {
    es = await startTestEventStore({ newerProtocol: false });
  });
  afterAll(() => es.stop());

  it('learns that the node has none and writes one stream after the other', async () => {
    const appender = new MultiStreamAppender(es.client);
    const { store } = es.services({ multiStreamAppender: appender });
    const [a, b] = [uniqueStream(), uniqueStream()];
    const results = await store.handleTogether([
      commandStep(tally, a, add(1)),
      commandStep(tally, b, add(2)),
    ]);
    expect(appender.offered).toBe(false);
    expect(results.map((r) => r.outcome)).toEqual(['appended', 'appended']);
    expect(results[0]!.position!.commit).toBeLessThan(results[1]!.position!.commit);
    // Not atomic here: a refusal of the second step leaves the first one written (idempotent callers repair it).
    await store.handle(tally, b, tag('locked'));
    const error = await store
      .handleTogether([commandStep(tally, a, add(1)), commandStep(tally, b, add(1))])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ index: 1, streamName: b });
    expect(await typesIn(es, a)).toEqual(['Added', 'Added']);
  });
});

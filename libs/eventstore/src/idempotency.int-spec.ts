import { UnavailableError } from '@eventstore/db-client';
import { type Decider } from '@shop/event-sourcing';
import { EventStoreUnavailableError, IdempotencyKeyReusedError, idempotentEventId } from '@shop/eventstore';
import { interceptAppends } from './testing/append-interceptor';
import { startTestEventStore, type TestEventStore, uniqueStream } from './testing/embedded-store';
import {
  add,
  tag,
  tally,
  type TallyCommand,
  type TallyEvent,
  type TallyState,
  withSnapshots,
} from './testing/tally';

// Appends two events per Add, to prove a retry returns the whole original batch.
const doubling: Decider<TallyState, TallyCommand, TallyEvent> = {
  ...tally,
  decide: (command, state) => tally.decide(command, state).flatMap((event) => [event, event]),
};

/** Simulates a response lost after a successful append (network cut, process crash before replying). */
const losingFirstResponse = (es: TestEventStore) =>
  interceptAppends(es.client, {
    after: async (_stream, call) => {
      if (call === 1) throw new UnavailableError(undefined, 'response lost');
      return Promise.resolve();
    },
  });

describe('idempotent commands', () => {
  let es: TestEventStore;
  beforeAll(async () => {
    es = await startTestEventStore();
  });
  afterAll(() => es.stop());

  const eventCount = async (stream: string) =>
    (await es.services().inspector.readPage(stream, { pageSize: 1000 })).events.length;

  it('derives event ids from stream, key and index', async () => {
    const { store, inspector } = es.services();
    const stream = uniqueStream();
    await store.handle(doubling, stream, add(1, { idempotencyKey: 'k1' }));
    const ids = (await inspector.readPage(stream)).events.map((e) => e.metadata.eventId);
    expect(ids).toEqual([idempotentEventId(stream, 'k1', 0), idempotentEventId(stream, 'k1', 1)]);
    expect(idempotentEventId('tally-other', 'k1', 0)).not.toBe(ids[0]);
  });

  it('appends once when the same command is sent twice, and returns the original result', async () => {
    const { store } = es.services();
    const stream = uniqueStream();
    const first = await store.handle(doubling, stream, add(1, { idempotencyKey: 'k1' }));
    await store.handle(tally, stream, add(10));
    const second = await store.handle(doubling, stream, add(1, { idempotencyKey: 'k1' }));
    expect(first).toMatchObject({ nextRevision: 1n, outcome: 'appended' });
    expect(second).toEqual({ ...first, outcome: 'duplicate' });
    expect(await eventCount(stream)).toBe(3);
    expect((await store.load(tally, stream)).state.value).toBe(12);
  });

  it('returns the original result to a retry with the same If-Match after the stream moved on', async () => {
    const { store } = es.services();
    const stream = uniqueStream();
    await store.handle(tally, stream, add(1));
    const command = add(5, { idempotencyKey: 'if-match-retry' });
    const first = await store.handle(tally, stream, command, { expectedRevision: 0n });
    await store.handle(tally, stream, add(100));
    // The client never saw `first` (crash after append) and retries with the revision it knew.
    const retry = await store.handle(tally, stream, command, { expectedRevision: 0n });
    expect(retry).toEqual({ ...first, outcome: 'duplicate' });
    expect(await eventCount(stream)).toBe(3);
  });

  it.each([
    ['from the in-memory cache', tally, true],
    ['after a full replay', tally, false],
    ['when a snapshot hides the original events', withSnapshots(1), false],
  ])('recognises a retry %s', async (_case, decider, sameStore) => {
    const { store } = es.services();
    const stream = uniqueStream();
    const first = await store.handle(decider, stream, tag('x', 'tag-x'));
    for (let i = 0; i < 3; i++) await store.handle(decider, stream, add(1, { idempotencyKey: `other-${i}` }));
    // A fresh store has an empty cache, like the process that receives the client's retry after a crash.
    const retrying = sameStore ? store : es.services().store;
    expect(await retrying.handle(decider, stream, tag('x', 'tag-x'))).toEqual({
      ...first,
      outcome: 'duplicate',
    });
    expect(await eventCount(stream)).toBe(4);
  });

  it('appends once when two processes handle the same command at the same time', async () => {
    const stream = uniqueStream();
    await es.services().store.handle(tally, stream, add(1));
    const command = add(7, { idempotencyKey: 'twice-at-once' });
    const results = await Promise.all([
      es.services().store.handle(doubling, stream, command),
      es.services().store.handle(doubling, stream, command),
    ]);
    // The loser either sees the winner's events on reload ('duplicate') or, having appended the same ids at the
    // same revision, gets EventStoreDB's idempotent success ('appended'); either way nothing is appended twice.
    expect(results.map((r) => r.events)).toEqual([results[0].events, results[0].events]);
    expect(results[0].nextRevision).toBe(2n);
    expect(results[1].nextRevision).toBe(2n);
    expect(await eventCount(stream)).toBe(3);
  });

  it('survives a lost append response: the retried append does not duplicate events', async () => {
    const stream = uniqueStream();
    const { store } = es.services({ retry: { initialDelayMs: 1 } }, losingFirstResponse(es));
    const result = await store.handle(doubling, stream, add(3, { idempotencyKey: 'lost' }));
    expect(result.nextRevision).toBe(1n);
    expect(await eventCount(stream)).toBe(2);
    // And the caller's own retry of the whole command gets the same answer.
    const again = await es.services().store.handle(doubling, stream, add(3, { idempotencyKey: 'lost' }));
    expect(again).toMatchObject({ nextRevision: 1n, outcome: 'duplicate', events: result.events });
  });

  it('survives a lost append response with an explicit expected revision', async () => {
    const stream = uniqueStream();
    const { store } = es.services({ retry: { initialDelayMs: 1 } }, losingFirstResponse(es));
    const result = await store.handle(tally, stream, add(3, { idempotencyKey: 'lost-if-match' }), {
      expectedRevision: -1n,
    });
    expect(result.nextRevision).toBe(0n);
    expect(await eventCount(stream)).toBe(1);
  });

  it('does not retry an append of unknown outcome without an idempotency key', async () => {
    const stream = uniqueStream();
    const { store } = es.services({ retry: { initialDelayMs: 1 } }, losingFirstResponse(es));
    const error = await store.handle(tally, stream, add(3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(error).toMatchObject({ code: 'eventstore_unavailable', category: 'unavailable' });
    expect(await eventCount(stream)).toBe(1);
  });

  it('refuses a key reused with another request fingerprint, from the cache and after a replay', async () => {
    const { store } = es.services();
    const stream = uniqueStream();
    const first = await store.handle(tally, stream, add(5, { idempotencyKey: 'k', requestFingerprint: 'A' }));
    const same = await store.handle(tally, stream, add(5, { idempotencyKey: 'k', requestFingerprint: 'A' }));
    expect(same).toEqual({ ...first, outcome: 'duplicate' });
    const reused = add(6, { idempotencyKey: 'k', requestFingerprint: 'B' });
    await expect(store.handle(tally, stream, reused)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    await expect(es.services().store.handle(tally, stream, reused)).rejects.toMatchObject({
      code: 'idempotency_key_reused',
      category: 'unprocessable',
    });
    expect(await eventCount(stream)).toBe(1);
    expect((await store.load(tally, stream)).state.value).toBe(5);
  });

  it('refuses one of two different requests under one key racing in two processes', async () => {
    const stream = uniqueStream();
    await es.services().store.handle(tally, stream, add(1));
    // Without the fingerprint in the event ids both appends would carry the same ids at the same revision,
    // and EventStoreDB would acknowledge the second as an idempotent repeat without writing it.
    const outcomes = await Promise.allSettled([
      es.services().store.handle(tally, stream, add(2, { idempotencyKey: 'race', requestFingerprint: 'A' })),
      es.services().store.handle(tally, stream, add(3, { idempotencyKey: 'race', requestFingerprint: 'B' })),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((o) => o.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(IdempotencyKeyReusedError);
    expect(await eventCount(stream)).toBe(2);
  });

  it('forgets keys older than the window (documented limit): such a late retry executes again', async () => {
    const { store } = es.services({ idempotencyWindow: 2 });
    const stream = uniqueStream();
    await store.handle(tally, stream, add(1, { idempotencyKey: 'old' }));
    await store.handle(tally, stream, add(1, { idempotencyKey: 'a' }));
    await store.handle(tally, stream, add(1, { idempotencyKey: 'b' }));
    expect((await store.handle(tally, stream, add(1, { idempotencyKey: 'b' }))).outcome).toBe('duplicate');
    expect((await store.handle(tally, stream, add(1, { idempotencyKey: 'old' }))).outcome).toBe('appended');
  });
});

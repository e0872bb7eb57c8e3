import { START, StreamNotFoundError, UnknownError, jsonEvent } from '@eventstore/db-client';
import type { ResolvedEvent } from '@eventstore/db-client';
import { collect, startHarness, uniqueTag, waitFor } from '../testing/harness';
import type { Harness } from '../testing/harness';

/**
 * A real node without system projections (RunProjections=None, the default) has none of their streams:
 * a read answers StreamNotFound (Enumerator.ReadStreamForwards, ReadStreamResult.NoStream), and a catch-up
 * subscription is confirmed, reports caught-up at once and then waits live for the stream to appear
 * (Enumerator.StreamSubscription: NoStream ends the catch-up, then GoLive). No projection service either.
 */
describe('system projection streams while projections are off', () => {
  let h: Harness;
  const cat = `off${uniqueTag()}`;
  beforeAll(async () => {
    h = await startHarness();
    await h.client.appendToStream(`${cat}-1`, jsonEvent({ type: `Placed${cat}`, data: {} }));
  });
  afterAll(() => h.dispose());

  it.each([`$ce-${cat}`, `$et-Placed${cat}`, `$category-${cat}`, '$streams'])(
    'a read of %s answers StreamNotFound, forwards and backwards',
    async (stream) => {
      await expect(collect(h.client.readStream(stream, { resolveLinkTos: true }))).rejects.toBeInstanceOf(
        StreamNotFoundError,
      );
      await expect(
        collect(h.client.readStream(stream, { direction: 'backwards', fromRevision: 'end' })),
      ).rejects.toBeInstanceOf(StreamNotFoundError);
    },
  );

  it('a catch-up subscription to $ce- is caught up at once, then receives what is later written there', async () => {
    const stream = `$ce-${cat}`;
    const sub = h.client.subscribeToStream(stream, { fromRevision: START, resolveLinkTos: true });
    const seen: ResolvedEvent[] = [];
    let caughtUp = false;
    sub.on('data', (e: ResolvedEvent) => seen.push(e));
    sub.on('caughtUp', () => (caughtUp = true));
    try {
      await waitFor(() => caughtUp);
      expect(seen).toEqual([]);
      // Nothing projects into it, but it is a stream like any other: the subscription is live.
      await h.client.appendToStream(stream, jsonEvent({ type: 'Manual', data: {} }));
      await waitFor(() => seen.length === 1);
      expect(seen[0]!.event).toMatchObject({ streamId: stream, type: 'Manual' });
    } finally {
      await sub.unsubscribe();
    }
  });

  it('has no projection-management service (UNIMPLEMENTED, as without RunProjections)', async () => {
    const error = await h.client.listProjections().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownError);
    expect(String((error as Error).message)).toMatch(/UNIMPLEMENTED/i);
  });
});

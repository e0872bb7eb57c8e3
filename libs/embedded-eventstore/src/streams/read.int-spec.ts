import { BACKWARDS, END, FORWARDS, START, StreamNotFoundError, jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import type { Harness } from '../testing/harness';
import { collect, startHarness } from '../testing/harness';

describe('reads', () => {
  let h: Harness;
  const s = `product-${randomUUID()}`;
  const other = `order-${randomUUID()}`;
  beforeAll(async () => {
    h = await startHarness();
    const events = Array.from({ length: 10 }, (_, i) => jsonEvent({ type: `Type${i % 2}`, data: { i } }));
    await h.client.appendToStream(s, events, { expectedRevision: 'no_stream' });
    await h.client.appendToStream(other, jsonEvent({ type: 'Other', data: {} }));
    await h.client.setStreamMetadata(other, { custom: 1 });
  });
  afterAll(() => h.dispose());

  const revisions = (events: { event?: { revision: bigint } }[]) =>
    events.map((e) => Number(e.event!.revision));

  it('reads a stream forwards and backwards, from start, end and a revision, with a count', async () => {
    expect(revisions(await collect(h.client.readStream(s)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(revisions(await collect(h.client.readStream(s, { fromRevision: 4n, maxCount: 3 })))).toEqual([
      4, 5, 6,
    ]);
    expect(
      revisions(await collect(h.client.readStream(s, { direction: BACKWARDS, fromRevision: END }))),
    ).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(
      revisions(
        await collect(h.client.readStream(s, { direction: BACKWARDS, fromRevision: 4n, maxCount: 2 })),
      ),
    ).toEqual([4, 3]);
    expect(await collect(h.client.readStream(s, { direction: FORWARDS, fromRevision: END }))).toEqual([]);
    expect(await collect(h.client.readStream(s, { direction: BACKWARDS, fromRevision: START }))).toEqual([]);
    expect(await collect(h.client.readStream(s, { fromRevision: 100n }))).toEqual([]);
  });

  it('reports a missing stream as StreamNotFound', async () => {
    const error = await collect(h.client.readStream('missing-stream')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect(error).toMatchObject({ streamName: 'missing-stream' });
  });

  it('reads $all forwards and backwards in one stable, strictly increasing order', async () => {
    const forwards = await collect(h.client.readAll());
    const backwards = await collect(h.client.readAll({ direction: BACKWARDS, fromPosition: END }));
    expect(backwards.map((e) => e.event!.id).reverse()).toEqual(forwards.map((e) => e.event!.id));
    const commits = forwards.map((e) => e.event!.position.commit);
    for (let i = 1; i < commits.length; i++) expect(commits[i]! > commits[i - 1]!).toBe(true);
    for (const e of forwards) expect(e.commitPosition).toBe(e.event!.position.commit);
    // System events are part of unfiltered $all.
    expect(forwards.some((e) => e.event!.type === '$metadata' && e.event!.streamId === `$$${other}`)).toBe(
      true,
    );
  });

  it('reads $all from a position: forwards includes it, backwards excludes it', async () => {
    const all = await collect(h.client.readAll());
    const pivot = all[3]!.event!.position;
    const after = await collect(h.client.readAll({ fromPosition: pivot, maxCount: 2 }));
    expect(after.map((e) => e.event!.id)).toEqual([all[3]!.event!.id, all[4]!.event!.id]);
    const before = await collect(h.client.readAll({ fromPosition: pivot, direction: BACKWARDS }));
    expect(before.map((e) => e.event!.id)).toEqual([all[2]!.event!.id, all[1]!.event!.id, all[0]!.event!.id]);
    expect(await collect(h.client.readAll({ fromPosition: END }))).toEqual([]);
    expect(await collect(h.client.readAll({ fromPosition: START, direction: BACKWARDS }))).toEqual([]);
  });

  it('returns stream metadata and reads metastreams', async () => {
    expect(await h.client.getStreamMetadata(other)).toMatchObject({ metadata: { custom: 1 } });
    expect(await h.client.getStreamMetadata(s)).toEqual({ streamName: s });
  });
});

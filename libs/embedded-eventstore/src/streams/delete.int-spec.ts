import {
  BACKWARDS,
  END,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import type { Harness } from '../testing/harness';
import { collect, startHarness, waitFor } from '../testing/harness';

const events = (n: number, type = 'E') =>
  Array.from({ length: n }, (_, i) => jsonEvent({ type, data: { i } }));

describe('delete, tombstone and stream metadata', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.dispose());
  const stream = () => `stock-${randomUUID()}`;
  const revisions = async (s: string) =>
    (await collect(h.client.readStream(s))).map((e) => Number(e.event!.revision));

  it('soft delete hides the stream; a new append continues the revisions and hides the old ones', async () => {
    const s = stream();
    await h.client.appendToStream(s, events(3));
    const deleted = await h.client.deleteStream(s, { expectedRevision: 2n });
    expect(deleted.position!.commit > 0n).toBe(true);
    await expect(collect(h.client.readStream(s))).rejects.toBeInstanceOf(StreamNotFoundError);
    const next = await h.client.appendToStream(s, events(2), { expectedRevision: 'no_stream' });
    expect(next.nextExpectedRevision).toBe(4n);
    expect(await revisions(s)).toEqual([3, 4]);
    expect((await h.client.getStreamMetadata(s)).metadata).toEqual({ truncateBefore: 3 });
    const all = await collect(h.client.readAll());
    expect(all.filter((e) => e.event!.streamId === `$$${s}`).map((e) => e.event!.type)).toEqual([
      '$metadata',
      '$metadata',
    ]);
  });

  it('delete checks the expected revision and rejects deleting a stream that never existed', async () => {
    const s = stream();
    await h.client.appendToStream(s, events(2));
    const conflict = await h.client.deleteStream(s, { expectedRevision: 0n }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(WrongExpectedVersionError);
    expect(conflict).toMatchObject({ streamName: s, expectedVersion: 0n, actualVersion: 1n });
    await expect(h.client.deleteStream(s, { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    await expect(h.client.deleteStream(stream())).rejects.toMatchObject({ actualVersion: -1n });
  });

  it('tombstone makes every later read and write fail with StreamDeleted, and shows in $all', async () => {
    const s = stream();
    await h.client.appendToStream(s, events(2));
    const result = await h.client.tombstoneStream(s, { expectedRevision: 1n });
    await expect(collect(h.client.readStream(s))).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(h.client.appendToStream(s, events(1))).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(h.client.tombstoneStream(s)).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(h.client.deleteStream(s)).rejects.toMatchObject({ streamName: s });
    const [last] = await collect(h.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    expect(last!.event).toMatchObject({
      streamId: s,
      type: '$streamDeleted',
      revision: 9223372036854775807n,
    });
    expect(last!.event!.position.commit).toBe(result.position!.commit);
  });

  it('tombstone checks the expected revision', async () => {
    const s = stream();
    await h.client.appendToStream(s, events(1));
    await expect(h.client.tombstoneStream(s, { expectedRevision: 'no_stream' })).rejects.toMatchObject({
      expectedVersion: -1n,
      actualVersion: 0n,
    });
    await expect(h.client.tombstoneStream(s, { expectedRevision: 0n })).resolves.toBeDefined();
  });

  it('$maxCount keeps only the newest events visible', async () => {
    const s = stream();
    await h.client.appendToStream(s, events(5));
    await h.client.setStreamMetadata(s, { maxCount: 2 });
    expect(await revisions(s)).toEqual([3, 4]);
    const backwards = await collect(h.client.readStream(s, { direction: BACKWARDS, fromRevision: END }));
    expect(backwards.map((e) => Number(e.event!.revision))).toEqual([4, 3]);
  });

  it('$tb (truncateBefore) hides older revisions', async () => {
    const s = stream();
    await h.client.appendToStream(s, events(5));
    await h.client.setStreamMetadata(s, { truncateBefore: 3 });
    expect(await revisions(s)).toEqual([3, 4]);
    expect(await collect(h.client.readStream(s, { fromRevision: 1n, maxCount: 1 }))).toHaveLength(1);
  });

  it('$maxAge hides events older than the limit', async () => {
    const s = stream();
    await h.client.appendToStream(s, events(2));
    await h.client.setStreamMetadata(s, { maxAge: 1 });
    await waitFor(async () => (await revisions(s)).length === 0, 10_000);
    await h.client.appendToStream(s, events(1));
    expect(await revisions(s)).toEqual([2]);
  });

  it('metadata is a normal stream: appends with expected revisions, custom keys round-trip', async () => {
    const s = stream();
    await h.client.setStreamMetadata(
      s,
      { maxCount: 10, custom: { owner: 'team' } },
      { expectedRevision: 'no_stream' },
    );
    await expect(
      h.client.setStreamMetadata(s, { maxCount: 3 }, { expectedRevision: 'no_stream' }),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await h.client.getStreamMetadata(s)).metadata).toEqual({
      maxCount: 10,
      custom: { owner: 'team' },
    });
    // A stream with only metadata satisfies stream_exists.
    await expect(
      h.client.appendToStream(s, events(1), { expectedRevision: 'stream_exists' }),
    ).resolves.toMatchObject({
      nextExpectedRevision: 0n,
    });
  });
});

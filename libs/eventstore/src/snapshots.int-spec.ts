import { jsonEvent, StreamNotFoundError } from '@eventstore/db-client';
import { fold } from '@shop/event-sourcing';
import { snapshotStreamName } from '@shop/eventstore';
import { startTestEventStore, type TestEventStore, uniqueStream } from './testing/embedded-store';
import { seededRandom } from './testing/seeded-random';
import { add, reset, tag, tally, type TallyCommand, type TallyEvent, withSnapshots } from './testing/tally';

describe('snapshots', () => {
  let es: TestEventStore;
  beforeAll(async () => {
    es = await startTestEventStore();
  });
  afterAll(() => es.stop());

  const latestSnapshot = async (stream: string): Promise<Record<string, unknown> | undefined> => {
    let data: Record<string, unknown> | undefined;
    try {
      for await (const resolved of es.client.readStream(snapshotStreamName(stream), {
        direction: 'backwards',
        fromRevision: 'end',
        maxCount: 1,
      })) {
        data = resolved.event?.data as Record<string, unknown>;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return data;
  };

  it('loading from the latest snapshot equals a full replay, over random histories', async () => {
    const { store } = es.services();
    const seed = 20261122;
    const random = seededRandom(seed);
    for (let trial = 0; trial < 25; trial++) {
      const every = random.int(1, 7);
      const decider = withSnapshots(every);
      const stream = uniqueStream();
      let model = tally.initialState();
      const length = random.int(1, 40);
      for (let i = 0; i < length; i++) {
        const command: TallyCommand = random.pick([
          () => add(random.int(-5, 5)),
          () => tag(random.pick(['a', 'b', 'c', 'd'])),
          () => reset(),
        ])();
        const result = await store.handle(decider, stream, command);
        model = fold(tally, model, result.events as TallyEvent[]);
      }
      const fromCache = await store.load(decider, stream);
      const fromSnapshot = await store.load(decider, stream, { useCache: false });
      const replayed = await store.load(decider, stream, { useSnapshot: false });
      const context = `seed ${seed}, trial ${trial}, every ${every}, ${length} commands`;
      expect({ context, state: fromSnapshot.state, revision: fromSnapshot.revision }).toEqual({
        context,
        state: replayed.state,
        revision: replayed.revision,
      });
      expect({ context, state: replayed.state }).toEqual({ context, state: model });
      expect({ context, state: fromCache.state, revision: fromCache.revision }).toEqual({
        context,
        state: replayed.state,
        revision: replayed.revision,
      });
      if (replayed.revision + 1n >= BigInt(every)) {
        expect({ context, used: fromSnapshot.snapshotRevision >= 0n }).toEqual({ context, used: true });
      }
    }
  });

  it('snapshots every N events into a dash-free category stream limited to one event', async () => {
    const { store } = es.services();
    const stream = uniqueStream();
    const decider = withSnapshots(2, 7);
    for (let i = 0; i < 5; i++) await store.handle(decider, stream, add(1));
    expect(snapshotStreamName('tally-1')).toBe('snapshot_tally-1');
    expect(await latestSnapshot(stream)).toMatchObject({
      stateSchemaVersion: 7,
      revision: '3',
      state: { value: 4, count: 4 },
    });
    const { metadata } = await es.client.getStreamMetadata(snapshotStreamName(stream));
    expect(metadata).toMatchObject({ maxCount: 1 });
    expect(await store.load(decider, stream)).toMatchObject({
      snapshotRevision: 3n,
      revision: 4n,
      state: { value: 5 },
    });
  });

  it('ignores a snapshot of another state schema version and replays instead', async () => {
    const { store } = es.services();
    const stream = uniqueStream();
    for (let i = 0; i < 3; i++) await store.handle(withSnapshots(1, 1), stream, add(2));
    const loaded = await store.load(withSnapshots(1, 2), stream);
    expect(loaded).toMatchObject({ snapshotRevision: -1n, revision: 2n, state: { value: 6 } });
  });

  it('ignores a malformed snapshot', async () => {
    const { store } = es.services();
    const stream = uniqueStream();
    await store.handle(tally, stream, add(2));
    await es.client.appendToStream(
      snapshotStreamName(stream),
      jsonEvent({
        type: '$snapshot',
        data: { stateSchemaVersion: 1, revision: 'nope', state: {}, recentCommands: [] },
      }),
    );
    expect(await store.load(withSnapshots(1), stream)).toMatchObject({
      snapshotRevision: -1n,
      state: { value: 2 },
    });
  });

  it('does not resurrect a deleted stream from its leftover snapshot', async () => {
    const { store } = es.services();
    const stream = uniqueStream();
    const decider = withSnapshots(1);
    await store.handle(decider, stream, add(2));
    await es.client.deleteStream(stream);
    expect(await store.load(decider, stream)).toMatchObject({ revision: -1n, state: tally.initialState() });
  });

  it('never fails a command because a snapshot could not be written', async () => {
    const failures: unknown[] = [];
    const { store } = es.services({ onSnapshotFailure: (error) => failures.push(error) });
    const stream = uniqueStream();
    const unserialisable = {
      ...tally,
      snapshots: { every: 1, schemaVersion: 1, serialize: () => ({ big: 1n }) },
    };
    const result = await store.handle(unserialisable, stream, add(1));
    expect(result).toMatchObject({ nextRevision: 0n, outcome: 'appended' });
    expect(failures).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/not JSON-serialisable/) }),
    ]);
    expect(await latestSnapshot(stream)).toBeUndefined();
  });
});

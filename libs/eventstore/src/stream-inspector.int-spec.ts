import { startTestEventStore, type TestEventStore, uniqueStream } from './testing/embedded-store';
import { add, tag, tally } from './testing/tally';

const day = (d: number) => new Date(Date.UTC(2026, 0, d, 12));

describe('StreamInspector', () => {
  let es: TestEventStore;
  const stream = uniqueStream();
  beforeAll(async () => {
    es = await startTestEventStore();
    const { store } = es.services();
    // One event per day: Jan 1..5 add 1..5, Jan 6 tags.
    for (let d = 1; d <= 5; d++) await store.handle(tally, stream, add(d, { now: day(d) }));
    await store.handle(tally, stream, tag('done'));
  });
  afterAll(() => es.stop());

  it('pages through events forwards and backwards', async () => {
    const { inspector } = es.services();
    const first = await inspector.readPage(stream, { pageSize: 4 });
    expect(first.events.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
    expect(first.nextRevision).toBe(4n);
    const second = await inspector.readPage(stream, { pageSize: 4, fromRevision: first.nextRevision! });
    expect(second.events.map((e) => e.revision)).toEqual([4n, 5n]);
    expect(second.nextRevision).toBeUndefined();
    const latest = await inspector.readPage(stream, { pageSize: 2, direction: 'backwards' });
    expect(latest.events.map((e) => e.revision)).toEqual([5n, 4n]);
    expect(latest.nextRevision).toBe(3n);
    expect(await inspector.readPage(uniqueStream())).toEqual({ events: [] });
  });

  it('rebuilds the state at a revision', async () => {
    const { inspector } = es.services();
    expect(await inspector.stateAt(tally, stream, { revision: 2n })).toEqual({
      revision: 2n,
      state: { value: 6, count: 3, tags: [], lastAt: day(3).toISOString() },
    });
    expect(await inspector.stateAt(tally, stream, { revision: -1n })).toEqual({
      revision: -1n,
      state: tally.initialState(),
    });
    expect((await inspector.stateAt(tally, stream, { revision: 99n })).revision).toBe(5n);
  });

  it('rebuilds the state at a point in time (business time of the events)', async () => {
    const { inspector } = es.services();
    const atJan3Evening = await inspector.stateAt(tally, stream, {
      time: new Date(Date.UTC(2026, 0, 3, 23)),
    });
    expect(atJan3Evening).toMatchObject({ revision: 2n, state: { value: 6 } });
    const beforeAll = await inspector.stateAt(tally, stream, { time: new Date(Date.UTC(2025, 11, 31)) });
    expect(beforeAll).toEqual({ revision: -1n, state: tally.initialState() });
  });

  it('diffs two revisions: states, events in between and the changed paths', async () => {
    const { inspector } = es.services();
    const diff = await inspector.diff(tally, stream, 1n, 3n);
    expect(diff.from).toMatchObject({ revision: 1n, state: { value: 3 } });
    expect(diff.to).toMatchObject({ revision: 3n, state: { value: 10 } });
    expect(diff.events.map((e) => e.revision)).toEqual([2n, 3n]);
    expect(diff.changes).toEqual([
      { path: '/value', before: 3, after: 10 },
      { path: '/count', before: 2, after: 4 },
      { path: '/lastAt', before: day(2).toISOString(), after: day(4).toISOString() },
    ]);
    const tagged = await inspector.diff(tally, stream, 4n, 5n);
    expect(tagged.changes).toEqual([
      { path: '/count', before: 5, after: 6 },
      { path: '/tags/0', after: 'done' },
    ]);
  });
});

import { randomUUID } from 'node:crypto';
import { checkpointId } from './checkpoint-store';
import { type RebuildProgress } from './rebuild';
import { eventually, type Harness, startHarness } from './testing/harness';
import { type TallyEvent, tallyKit } from './testing/tally-projection';

describe('zero-downtime rebuild', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  const docs = async (collection: string) =>
    new Map(
      (
        await h.db.collection<{ _id: string; total: number; events: number }>(collection).find({}).toArray()
      ).map((d) => [d._id, { total: d.total, events: d.events }]),
    );

  it('rebuilds a bumped version into a shadow while writes and reads continue, then swaps', async () => {
    const { name, projection, added, expected } = tallyKit('tallies_rebuild');
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const history: TallyEvent[] = [];
    const write = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const event = added(ids[i % ids.length]!, i + 1);
        history.push(event);
        await h.append(`tally-${ids[i % ids.length]}`, [event]);
      }
    };
    await write(300);
    const v1 = await h.manager([projection]);
    await eventually(async () => (await v1.status())[0]?.state === 'live');
    await v1.onApplicationShutdown();

    // Readers hammer the live collection during the whole rebuild: none may fail or see it missing.
    let reading = true;
    let reads = 0;
    const readFailures: unknown[] = [];
    const reader = (async () => {
      while (reading) {
        try {
          const found = await h.db.collection(name).countDocuments({});
          if (found !== ids.length) readFailures.push(new Error(`saw ${found} documents`));
          reads++;
        } catch (error) {
          readFailures.push(error);
        }
      }
    })();

    const v2 = await h.manager([tallyKit(name, 2).projection]);
    await write(200); // writes continue during the rebuild
    await eventually(async () => {
      const checkpoint = await v2.checkpoints.get(checkpointId(name));
      return checkpoint?.version === 2 && (await v2.status())[0]?.state === 'live';
    }, 30_000);
    const last = await h.append(`tally-${ids[0]}`, [added(ids[0]!, 7)]);
    history.push(added(ids[0]!, 7));
    expect(await v2.waitFor(name, last, 15_000)).toBe(true);
    reading = false;
    await reader;

    expect(readFailures).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    expect(await docs(name)).toEqual(expected(history));
    expect((await h.db.collection(name).findOne({}))?.version).toBe(2);
    expect((await v2.checkpoints.get(checkpointId(name)))?.version).toBe(2);
    expect(await v2.checkpoints.get(checkpointId(name, 'rebuild'))).toBeNull();
    const collections = (await h.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(collections).not.toContain(`${name}__rebuild`);
    await v2.onApplicationShutdown();
  });

  it('reports progress and equals a fresh fold when rebuilt on demand', async () => {
    const { name, projection, added, expected } = tallyKit('tallies_ondemand');
    const id = randomUUID();
    const events = Array.from({ length: 120 }, (_, i) => added(id, i));
    const position = await h.append(`tally-${id}`, events);
    const manager = await h.manager([projection], { batchSize: 25 });
    expect(await manager.waitFor(name, position, 10_000)).toBe(true);
    // Tamper with the live view: the rebuild must replace it with the true fold.
    await h.db.collection(name).updateOne({ _id: id as never }, { $set: { total: -1 } });

    const progress: RebuildProgress[] = [];
    const result = await manager.rebuild(name, (p) => progress.push(p));
    expect(result).toMatchObject({ done: true, processed: 120 });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ done: true, processed: 120, total: 120, etaSeconds: 0 });
    // The total is known from the start (what the live view applied), not an estimate that grows.
    expect(new Set(progress.map((p) => p.total))).toEqual(new Set([120]));
    expect(await docs(name)).toEqual(expected(events));
    await eventually(async () => (await manager.status())[0]?.state === 'live');
    await manager.onApplicationShutdown();
  });

  it('verify passes on an intact view and reports a tampered one', async () => {
    const { name, projection, added } = tallyKit('tallies_verify');
    const [a, b] = [randomUUID(), randomUUID()];
    const events = [added(a, 3), added(b, 4), added(a, 5)];
    const position = await h.append(`tally-${a}`, events);
    const manager = await h.manager([projection]);
    expect(await manager.waitFor(name, position, 10_000)).toBe(true);

    const intact = await manager.verify(name);
    expect(intact).toMatchObject({ ok: true, differences: [] });
    expect(intact.compared).toBe(2);

    await h.db.collection(name).updateOne({ _id: a as never }, { $set: { total: 999 } });
    await h.db.collection(name).insertOne({ _id: 'stray' as never, total: 1 });
    const tampered = await manager.verify(name);
    expect(tampered.ok).toBe(false);
    expect(tampered.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: a, kind: 'different', live: expect.objectContaining({ total: 999 }) }),
        expect.objectContaining({ id: 'stray', kind: 'unexpected' }),
      ]),
    );
    // Verification leaves nothing behind and the projection keeps running.
    const collections = (await h.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(collections).not.toContain(`${name}__verify`);
    const more = await h.append(`tally-${b}`, [added(b, 1)]);
    expect(await manager.waitFor(name, more, 10_000)).toBe(true);
    await manager.onApplicationShutdown();
  });

  it('resets in place', async () => {
    const { name, projection, added, expected } = tallyKit('tallies_reset');
    const id = randomUUID();
    const events = [added(id, 3), added(id, 4)];
    const position = await h.append(`tally-${id}`, events);
    const manager = await h.manager([projection]);
    expect(await manager.waitFor(name, position, 10_000)).toBe(true);
    await h.db.collection(name).insertOne({ _id: 'stray' as never });
    await manager.reset(name);
    expect(await manager.waitFor(name, position, 10_000)).toBe(true);
    expect(await docs(name)).toEqual(expected(events));
    await manager.onApplicationShutdown();
  });

  it('replays in place from a process that runs no workers (the CLI), with a fixed total and a real rate', async () => {
    const { name, projection, added, expected } = tallyKit('tallies_in_place');
    const id = randomUUID();
    const events = Array.from({ length: 90 }, (_, i) => added(id, i));
    const position = await h.append(`tally-${id}`, events);
    const worker = await h.manager([projection]);
    expect(await worker.waitFor(name, position, 10_000)).toBe(true);
    await worker.onApplicationShutdown();

    const operator = await h.manager([projection], { runWorkers: false, batchSize: 20 });
    const progress: RebuildProgress[] = [];
    await operator.reset(name, (p) => progress.push(p));
    expect(await docs(name)).toEqual(expected(events));
    expect(progress.at(-1)).toMatchObject({ done: true, processed: 90, total: 90, etaSeconds: 0 });
    expect(new Set(progress.map((p) => p.total))).toEqual(new Set([90]));
    const moving = progress.filter((p) => p.processed > 0);
    expect(moving.length).toBeGreaterThan(1);
    expect(moving.filter((p) => p.eventsPerSecond < 1)).toEqual([]);
  });
});

describe('leases', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('lets one process apply a projection; another takes over when it stops', async () => {
    const { name, projection, added, expected } = tallyKit('tallies_lease');
    const id = randomUUID();
    const first = await h.manager([projection]);
    const second = await h.manager([projection]);
    await eventually(async () => (await first.status())[0]?.owner !== null);
    const running = () => [first, second].filter((m) => m.runner(name)?.running).length;
    await eventually(() => running() === 1);

    const events = Array.from({ length: 30 }, (_, i) => added(id, i + 1));
    const position = await h.append(`tally-${id}`, events);
    expect(await first.waitFor(name, position, 10_000)).toBe(true);
    expect(running()).toBe(1);

    const [active, standby] = first.runner(name)?.running ? [first, second] : [second, first];
    await active.onApplicationShutdown();
    const more = await h.append(`tally-${id}`, [added(id, 100)]);
    await eventually(() => standby.runner(name)?.running === true, 15_000);
    expect(await standby.waitFor(name, more, 10_000)).toBe(true);
    const doc = await h.db.collection(name).findOne({ _id: id as never });
    expect(doc).toMatchObject(expected([...events, added(id, 100)]).get(id)!);
  });
});

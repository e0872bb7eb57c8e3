import { randomUUID } from 'node:crypto';
import { checkpointId } from './checkpoint-store';
import { eventually, type Harness, startHarness } from './testing/harness';
import { poisonSwitch, tallyKit } from './testing/tally-projection';

describe('projection runner (official clients, embedded servers)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  const tallies = async (collection = 'tallies') =>
    new Map(
      (
        await h.db.collection<{ _id: string; total: number; events: number }>(collection).find({}).toArray()
      ).map((d) => [d._id, { total: d.total, events: d.events }]),
    );

  it('turns events into documents and waitFor resolves once they are visible', async () => {
    const { projection, added, removed, expected } = tallyKit('tallies_basic');
    const manager = await h.manager([projection]);
    const a = randomUUID();
    const b = randomUUID();
    const events = [added(a, 5), added(b, 2), removed(a, 1), added(a, 10)];
    await h.append(`tally-${a}`, events.slice(0, 2));
    const position = await h.append(`tally-${a}`, events.slice(2));

    expect(await manager.waitFor(projection.name, position, 10_000)).toBe(true);
    expect(await tallies(projection.name)).toEqual(expected(events));
    // The checkpoint is stored with the effects.
    const checkpoint = await manager.checkpoints.get(checkpointId(projection.name));
    expect(checkpoint?.position?.commit).toBe(position.commit);
    await manager.onApplicationShutdown();
  });

  it('applies nothing twice when restarted (same events, same documents)', async () => {
    const { projection, added, expected } = tallyKit('tallies_restart');
    const id = randomUUID();
    const events = Array.from({ length: 50 }, (_, i) => added(id, i + 1));
    const position = await h.append(`tally-${id}`, events);
    const first = await h.manager([projection]);
    expect(await first.waitFor(projection.name, position, 10_000)).toBe(true);
    await first.onApplicationShutdown();
    const before = await tallies(projection.name);

    const second = await h.manager([projection]);
    await eventually(async () => (await second.status())[0]?.state === 'live');
    const more = await h.append(`tally-${id}`, [added(id, 1000)]);
    expect(await second.waitFor(projection.name, more, 10_000)).toBe(true);
    expect(before).toEqual(expected(events));
    expect(await tallies(projection.name)).toEqual(expected([...events, added(id, 1000)]));
    await second.onApplicationShutdown();
  });

  it('waitFor does not wait for events the projection does not handle', async () => {
    const { projection } = tallyKit('tallies_unrelated');
    const manager = await h.manager([projection]);
    const result = await h.esdb.appendToStream(`other-${randomUUID()}`, [
      { id: randomUUID(), type: 'SomethingElse', contentType: 'application/json', data: { x: 1 } } as never,
    ]);
    expect(await manager.waitFor(projection.name, result.position!, 5_000)).toBe(true);
    await manager.onApplicationShutdown();
  });

  it('parks a poison event, applies the rest, and replays it after a fix', async () => {
    poisonSwitch.fixed = false;
    const { projection, added, poison, expected } = tallyKit('tallies_poison');
    const manager = await h.manager([projection], { maxAttempts: 2 });
    const id = randomUUID();
    const events = [added(id, 1), poison(id), added(id, 2)];
    const position = await h.append(`tally-${id}`, events);
    expect(await manager.waitFor(projection.name, position, 10_000)).toBe(true);

    expect(await tallies(projection.name)).toEqual(expected(events));
    const parked = await manager.parked.list(projection.name);
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({
      projection: projection.name,
      status: 'parked',
      attempts: 2,
      error: { message: 'handler cannot digest poison' },
      event: { event: { type: `${projection.name}.Poison` }, streamName: `tally-${id}`, revision: 1n },
    });
    const status = (await manager.status())[0]!;
    expect(status.parked).toBe(1);
    expect(['live', 'catching-up']).toContain(status.state);

    // Replaying before the fix fails and keeps it parked; after the fix it applies and is marked replayed.
    await expect(manager.replayParked(projection.name, parked[0]!.id)).rejects.toThrow('cannot digest');
    poisonSwitch.fixed = true;
    expect(await manager.replayParked(projection.name, parked[0]!.id)).toBe(true);
    expect(await h.db.collection(projection.name).findOne({ _id: id as never })).toMatchObject({
      cured: true,
    });
    expect(await manager.parked.list(projection.name)).toHaveLength(0);
    expect(await manager.replayParked(projection.name, parked[0]!.id)).toBe(false);
    await manager.onApplicationShutdown();
  });

  it('skips a parked event on request', async () => {
    poisonSwitch.fixed = false;
    const { projection, poison } = tallyKit('tallies_skip');
    const manager = await h.manager([projection], { maxAttempts: 1 });
    const id = randomUUID();
    const position = await h.append(`tally-${id}`, [poison(id)]);
    expect(await manager.waitFor(projection.name, position, 10_000)).toBe(true);
    const [parked] = await manager.parked.list(projection.name);
    expect(await manager.skipParked(projection.name, parked!.id)).toBe(true);
    expect(await manager.parked.list(projection.name)).toHaveLength(0);
    expect(await manager.parked.list(projection.name, 'skipped')).toHaveLength(1);
    await manager.onApplicationShutdown();
  });

  it('reports lag and state while catching up and once live', async () => {
    const { projection, added } = tallyKit('tallies_status');
    const id = randomUUID();
    await h.append(`tally-${id}`, [added(id, 1)]);
    const manager = await h.manager([projection]);
    await eventually(async () => {
      const [status] = await manager.status();
      return status?.state === 'live' && status.lagEvents === 0 && status.processed >= 1;
    });
    const [status] = await manager.status();
    expect(status).toMatchObject({ name: projection.name, version: 1, parked: 0, lagMs: 0 });
    expect(status?.owner).toEqual(expect.any(String));
    await manager.onApplicationShutdown();
  });

  it('resumes from its checkpoint when its subscription drops', async () => {
    const { projection, added, expected } = tallyKit('tallies_dropped');
    const manager = await h.manager([projection]);
    const id = randomUUID();
    const first = [added(id, 1), added(id, 2)];
    expect(await manager.waitFor(projection.name, await h.append(`tally-${id}`, first), 10_000)).toBe(true);

    // Simulate a dropped connection: the subscription stream dies underneath the runner.
    const runner = manager.runner(projection.name)!;
    (runner as unknown as { subscription: { destroy(error?: Error): void } }).subscription.destroy(
      new Error('connection reset'),
    );
    const later = [added(id, 3)];
    expect(await manager.waitFor(projection.name, await h.append(`tally-${id}`, later), 15_000)).toBe(true);
    const doc = await h.db.collection(projection.name).findOne({ _id: id as never });
    expect(doc).toMatchObject(expected([...first, ...later]).get(id)!);
    await manager.onApplicationShutdown();
  });

  it('reports the lag of a projection that another process runs (or nobody does)', async () => {
    const { projection, added } = tallyKit('tallies_remote');
    const id = randomUUID();
    await h.append(`tally-${id}`, [added(id, 1), added(id, 2), added(id, 3)]);
    const observer = await h.manager([projection], { runWorkers: false });
    const [status] = await observer.status();
    expect(status).toMatchObject({ state: 'stopped', checkpoint: null, lagEvents: 3 });
    expect(status?.lagMs).toBeGreaterThanOrEqual(0);
    await observer.onApplicationShutdown();
  });

  it('answers pages that poll the status of remote projections with one scan, not one per call', async () => {
    const { projection, added } = tallyKit('tallies_polled');
    const id = randomUUID();
    await h.append(`tally-${id}`, [added(id, 1), added(id, 2)]);
    const observer = await h.manager([projection], { runWorkers: false });
    const scans = jest.spyOn(h.esdb, 'subscribeToAll');
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => observer.status()));
      expect(answers.map(([s]) => s?.lagEvents)).toEqual(Array.from({ length: 20 }, () => 2));
      await observer.status();
      expect(scans).toHaveBeenCalledTimes(1);
    } finally {
      scans.mockRestore();
      await observer.onApplicationShutdown();
    }
  });
});

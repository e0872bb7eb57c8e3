import { randomUUID } from 'node:crypto';
import { type Harness, startHarness } from './testing/harness';
import { tallyKit } from './testing/tally-projection';

describe('waitFor under load (official clients, embedded servers)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  const tally = (collection: string, id: string) =>
    h.db.collection<{ _id: string; total: number }>(collection).findOne({ _id: id });

  const unrelated = () =>
    h.esdb.appendToStream(`other-${randomUUID()}`, [
      { id: randomUUID(), type: 'SomethingElse', contentType: 'application/json', data: { x: 1 } } as never,
    ]);

  // Each wait used to run a filtered subscription cancelled once caught up; a few hundred waits a second
  // were enough for the server to answer the resets with GOAWAY, failing every call on the connection.
  it('answers hundreds of concurrent waits, each seeing its own write, without opening a subscription', async () => {
    const { projection, added } = tallyKit('tallies_load');
    const manager = await h.manager([projection], { watchdogIntervalMs: 600_000 });
    expect(await manager.waitFor(projection.name, (await unrelated()).position!, 10_000)).toBe(true);
    const subscriptions = jest.spyOn(h.esdb, 'subscribeToAll');
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 600 }, async (_, i) => {
          if (i % 3 === 2) return manager.waitFor(projection.name, (await unrelated()).position!, 20_000);
          const id = randomUUID();
          const position = await h.append(`tally-${id}`, [added(id, 1)]);
          return (
            (await manager.waitFor(projection.name, position, 20_000)) &&
            (await tally(projection.name, id))?.total === 1
          );
        }),
      );
      expect(outcomes.filter((ok) => !ok)).toHaveLength(0);
      expect(subscriptions).not.toHaveBeenCalled();
      await h.append(`tally-${randomUUID()}`, [added(randomUUID(), 1)]); // the connection still takes writes
    } finally {
      subscriptions.mockRestore();
      await manager.onApplicationShutdown();
    }
  });

  it('follows a projection run by another process the same way', async () => {
    const { projection, added } = tallyKit('tallies_load_remote');
    const worker = await h.manager([projection], { watchdogIntervalMs: 600_000 });
    const observer = await h.manager([projection], { runWorkers: false });
    const subscriptions = jest.spyOn(h.esdb, 'subscribeToAll');
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, async () => {
          const id = randomUUID();
          const position = await h.append(`tally-${id}`, [added(id, 2)]);
          return (
            (await observer.waitFor(projection.name, position, 20_000)) &&
            (await tally(projection.name, id))?.total === 2
          );
        }),
      );
      expect(outcomes.filter((ok) => !ok)).toHaveLength(0);
      expect(subscriptions).not.toHaveBeenCalled();
    } finally {
      subscriptions.mockRestore();
      await worker.onApplicationShutdown();
    }
  });

  it('times out while an event it handles is not applied, and does not wait for a position past the head', async () => {
    const { projection, added } = tallyKit('tallies_load_idle');
    const observer = await h.manager([projection], { runWorkers: false }); // nobody applies anything
    const id = randomUUID();
    const position = await h.append(`tally-${id}`, [added(id, 1)]);
    expect(await observer.waitFor(projection.name, position, 300)).toBe(false);

    const { projection: empty } = tallyKit('tallies_load_empty');
    const idle = await h.manager([empty], { runWorkers: false });
    const beyond = { commit: position.commit + 1_000_000n, prepare: position.prepare + 1_000_000n };
    expect(await idle.waitFor(empty.name, beyond, 5_000)).toBe(true);
  });
});

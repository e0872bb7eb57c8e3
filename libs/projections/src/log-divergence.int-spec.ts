import { EventStoreDBClient } from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { UnavailableError } from '@shop/event-sourcing';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { EventSerializer } from '@shop/eventstore';
import { ProjectionManager } from './projection-manager';
import { type Harness, startHarness } from './testing/harness';
import { tallyKit } from './testing/tally-projection';

/** A view whose checkpoint is past the end of $all (the log lost events) must never pass for fresh. */
describe('read models ahead of the event log', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('is said loudly at startup, and position waits answer unavailable instead of stale data', async () => {
    const { projection, added } = tallyKit('tallies_ahead');
    const first = await h.manager([projection]);
    const position = await h.append('tally-1', [added('t1', 3), added('t1', 4)]);
    expect(await first.waitFor(projection.name, position, 10_000)).toBe(true);
    expect(await first.divergence.check()).toEqual([]);
    await first.onApplicationShutdown();

    // The same read models against a log that no longer has those events (a restore or salvage).
    const emptyLog = await startEmbeddedEventStore({ inMemory: true, port: 0 });
    const esdb = EventStoreDBClient.connectionString(emptyLog.url);
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const second = new ProjectionManager(h.mongo, h.db, esdb, new EventSerializer(), [projection], {
      runWorkers: false,
    });
    try {
      await second.onApplicationBootstrap();
      expect(errors).toHaveBeenCalledWith(
        expect.stringMatching(/READ MODELS AHEAD OF THE EVENT LOG .*tallies_ahead at/),
      );
      expect(await second.divergence.check()).toEqual([
        expect.objectContaining({ name: 'tallies_ahead', checkpoint: position }),
      ]);
      const wait = second.waitFor(projection.name, { commit: 1n, prepare: 1n }, 1_000);
      await expect(wait).rejects.toBeInstanceOf(UnavailableError);
      await expect(wait).rejects.toMatchObject({ code: 'read_model_ahead_of_log' });
    } finally {
      errors.mockRestore();
      await second.onApplicationShutdown();
      await esdb.dispose();
      await emptyLog.stop();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { eventually, type Harness, startHarness } from './testing/harness';
import { tallyKit } from './testing/tally-projection';

/** The holder renews its leases every third of this: far longer than the test. */
const LONG_TTL_MS = 600_000;

describe('rebuilds of projections another process runs', () => {
  let h: Harness;
  const warnings: Error[] = [];
  const collect = (warning: Error) => warnings.push(warning);

  beforeAll(async () => {
    h = await startHarness();
    process.on('warning', collect);
  });
  afterAll(async () => {
    process.off('warning', collect);
    await h.stop();
  });

  /** Eleven projections (more than Node's default of 10 listeners per emitter or signal), each with events. */
  const seeded = async (prefix: string) => {
    const kits = Array.from({ length: 11 }, (_, i) => tallyKit(`${prefix}_${i}`));
    for (const kit of kits) {
      const id = randomUUID();
      await h.append(`tally-${id}`, [kit.added(id, 2), kit.added(id, 3)]);
    }
    return kits;
  };
  const totals = (name: string) =>
    h.db
      .collection<{ total: number }>(name)
      .find({})
      .toArray()
      .then((docs) => docs.map((d) => d.total));

  it('hands each lease over and takes it back at once, not at the holder’s next renewal round', async () => {
    const kits = await seeded('tallies_handover');
    const projections = kits.map((k) => k.projection);
    // Renewal rounds 200 s apart: a rebuild that waited for one would run into the operator's lease timeout.
    const holder = await h.manager(projections, { leaseTtlMs: LONG_TTL_MS });
    await eventually(async () => (await holder.status()).every((s) => s.state === 'live'));
    const operator = await h.manager(projections, { runWorkers: false });

    // `projections rebuild --all` from the CLI: one after the other, each swapped in under the holder's lease.
    for (const kit of kits) {
      const result = await operator.rebuild(kit.name);
      expect(result).toMatchObject({ done: true, processed: 2, total: 2 });
      expect(await totals(kit.name)).toEqual([5]);
    }
    // The holder took every lease back once the operator released it, and runs every projection again.
    await eventually(() => kits.every((k) => holder.runner(k.name)?.running === true));
    const id = randomUUID();
    await h.append(`tally-${id}`, [kits[0]!.added(id, 4)]);
    await eventually(async () => (await totals(kits[0]!.name)).sort().join() === '4,5');
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  }, 60_000);

  it('raises no MaxListenersExceededWarning while a process running many workers rebuilds them', async () => {
    const kits = await seeded('tallies_warnings');
    const manager = await h.manager(
      kits.map((k) => k.projection),
      { leaseTtlMs: LONG_TTL_MS },
    );
    await eventually(async () => (await manager.status()).every((s) => s.state === 'live'));
    for (const kit of kits) await manager.rebuild(kit.name);
    await Promise.all(kits.map((kit) => manager.reset(kit.name)));
    // A reset restarts the runner, which replays into the emptied view.
    for (const kit of kits) await eventually(async () => (await totals(kit.name)).join() === '5');
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  }, 60_000);
});

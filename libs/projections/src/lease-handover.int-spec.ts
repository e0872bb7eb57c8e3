import { currentHolder, type HolderIdentity } from './holder-liveness';
import { Leases } from './lease';
import { eventually, type Harness, startHarness } from './testing/harness';

const LONG_TTL_MS = 600_000;

describe('an operator taking a lease for an operation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('still gets it when the lease changes hands while it waits (a restarted process took over)', async () => {
    const key = `handover-${Date.now()}`;
    const here = currentHolder();
    // A holder that crashed: same host, a pid nobody runs. The operator runs elsewhere and cannot tell it is
    // dead; the restarted process on its host can, and takes its lease at once.
    const dead: HolderIdentity = { ...here, pid: 2 ** 22 + 1, started: '1' };
    const crashed = new Leases(h.db, 'crashed', LONG_TTL_MS, dead);
    const restarted = new Leases(h.db, 'restarted', LONG_TTL_MS, here);
    const operator = new Leases(h.db, 'operator', LONG_TTL_MS, { ...here, host: 'another-host' });
    expect(await crashed.acquire(key)).toBe(true);

    const taken = operator.take(key, 10_000);
    await eventually(async () => (await crashed.collection.findOne({ _id: key }))?.handoverTo === 'operator');
    expect(await restarted.acquire(key)).toBe(true);
    // The restarted holder hands over what it is asked for, at its renewal rounds, as the engine does.
    await eventually(
      async () => (await restarted.handoverRequested(key)) && restarted.handOverIfRequested(key),
    );
    await taken;
    expect((await operator.collection.findOne({ _id: key }))?.owner).toBe('operator');
  });
});

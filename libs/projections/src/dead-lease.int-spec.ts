import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { LEASES } from './lease';
import { eventually, type Harness, startHarness } from './testing/harness';
import { tallyKit } from './testing/tally-projection';

const root = path.resolve(__dirname, '../../..');
/** Far longer than the test: any takeover seen here is not a lease expiring. */
const LONG_TTL_MS = 600_000;

describe('leases of dead holders', () => {
  let h: Harness;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await h.stop();
  });

  /** A worker in another process on this host, holding the projection's lease. */
  const startHolder = async (projection: string) => {
    child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', path.join(__dirname, 'testing/worker-child.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          ESDB_URL: h.urls.eventStore,
          MONGO_URL: h.urls.mongo,
          DB_NAME: h.urls.dbName,
          PROJECTION: projection,
          LEASE_TTL_MS: String(LONG_TTL_MS),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await once(child.stdout!, 'data');
    await eventually(
      async () => (await h.db.collection(LEASES).findOne({ _id: projection as never })) !== null,
    );
  };
  const killHolder = async () => {
    const dying = child!;
    dying.kill('SIGKILL');
    if (dying.exitCode === null && dying.signalCode === null) await once(dying, 'exit');
  };

  it('after a crash, the restarted worker takes the dead holder’s lease at once, not after its TTL', async () => {
    const kit = tallyKit('tallies_dead_holder');
    await startHolder(kit.name);
    await killHolder();

    const restarted = await h.manager([kit.projection], { leaseTtlMs: LONG_TTL_MS });
    await eventually(() => restarted.runner(kit.name)?.running === true, 10_000);
    expect(await restarted.readiness()).toEqual({ ready: true, waiting: [] });
    const [status] = await restarted.status();
    expect(status?.state).not.toBe('remote');
  }, 30_000);

  it('leaves a live holder alone, and is not ready once that holder is gone and nobody runs the projection', async () => {
    const kit = tallyKit('tallies_live_holder');
    await startHolder(kit.name);
    const other = await h.manager([kit.projection], { leaseTtlMs: LONG_TTL_MS });
    // The holder publishes its runner's real state on the lease: this process reports it, not just "remote".
    await eventually(async () => (await other.status())[0]?.state === 'live', 10_000);
    const [seen] = await other.status();
    expect(seen?.owner).toEqual(expect.any(String));
    expect(other.runner(kit.name)?.running).toBeFalsy();
    // Another live process runs it: this one can serve.
    expect(await other.readiness()).toEqual({ ready: true, waiting: [] });

    await killHolder();
    // Its next supervision round would take over; until then, nobody runs the projection.
    expect(await other.readiness()).toEqual({ ready: false, waiting: [kit.name] });
  }, 30_000);

  it('a holder that cannot be proven dead but stopped renewing makes readiness wait, not a takeover', async () => {
    const kit = tallyKit('tallies_silent_holder');
    const long = Date.now() + LONG_TTL_MS;
    await h.db.collection(LEASES).insertOne({
      _id: kit.name as never,
      owner: 'elsewhere-1',
      expiresAt: new Date(long),
      renewedAt: new Date(Date.now() - LONG_TTL_MS),
      holder: { host: 'another-machine|boot|pid:[1]', pid: 4242, servers: [] },
    });
    const manager = await h.manager([kit.projection], { leaseTtlMs: LONG_TTL_MS });
    expect(await manager.readiness()).toEqual({ ready: false, waiting: [kit.name] });
    expect(manager.runner(kit.name)?.running).toBeFalsy();
  });
});

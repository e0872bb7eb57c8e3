import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as path from 'node:path';
import { checkpointId } from './checkpoint-store';
import { hasReached } from './position';
import { eventually, type Harness, startHarness } from './testing/harness';
import { type TallyEvent, tallyKit } from './testing/tally-projection';

const root = path.resolve(__dirname, '../../..');

/**
 * The worker process is killed with SIGKILL at random moments while events keep arriving. Every batch and
 * its checkpoint commit together, so after the restarts the view must equal the exact fold of the events:
 * nothing lost, nothing counted twice.
 */
describe('projection worker crashes', () => {
  let h: Harness;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await h.stop();
  });

  const startWorker = async (projection: string) => {
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
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await once(child.stdout!, 'data');
  };
  const killWorker = async () => {
    const dying = child!;
    dying.kill('SIGKILL');
    if (dying.exitCode === null && dying.signalCode === null) await once(dying, 'exit');
  };

  it('equals the exact fold of the events after repeated SIGKILLs mid-batch', async () => {
    const kit = tallyKit('tallies_crash');
    const ids = Array.from({ length: 4 }, () => randomUUID());
    const history: TallyEvent[] = [];
    let last = { commit: 0n, prepare: 0n };
    const append = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const id = ids[history.length % ids.length]!;
        const events = [kit.added(id, (history.length % 7) + 1), kit.removed(id, 1)];
        history.push(...events);
        last = await h.append(`tally-${id}`, events);
      }
    };

    for (let cycle = 0; cycle < 5; cycle++) {
      await startWorker(kit.name);
      await append(40 + cycle * 10);
      // Let it get somewhere, then kill it wherever it is (between batches, mid-batch, mid-commit).
      const target = h.db.collection('projection_checkpoints');
      await eventually(async () => (await target.findOne({ _id: kit.name as never })) !== null);
      await killWorker();
    }
    await startWorker(kit.name);
    await eventually(async () => {
      const checkpoint = await h.db
        .collection<{
          _id: string;
          position: { commit: { toString(): string }; prepare: { toString(): string } } | null;
        }>('projection_checkpoints')
        .findOne({ _id: checkpointId(kit.name) });
      const position = checkpoint?.position
        ? {
            commit: BigInt(checkpoint.position.commit.toString()),
            prepare: BigInt(checkpoint.position.prepare.toString()),
          }
        : null;
      return hasReached(position, last);
    }, 60_000);
    await killWorker();

    const docs = await h.db
      .collection<{ _id: string; total: number; events: number }>(kit.name)
      .find({})
      .toArray();
    expect(new Map(docs.map((d) => [d._id, { total: d.total, events: d.events }]))).toEqual(
      kit.expected(history),
    );
  }, 180_000);
});

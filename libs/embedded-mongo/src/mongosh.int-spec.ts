import { execFile } from 'node:child_process';
import { EJSON } from 'bson';
import { MongoClient } from 'mongodb';
import { promisify } from 'node:util';
import { type Harness, startHarness, tempDir, waitFor } from './testing/harness';

const MONGOSH = require.resolve('mongosh/bin/mongosh.js');

/**
 * mongosh (the npm package) against the embedded server: the shell's own helpers for stats, current and
 * killed operations, profiling, the replica-set config, `show dbs` and serverStatus.
 */
describe('mongosh against the embedded server', () => {
  let h: Harness;
  const home = tempDir();
  beforeAll(async () => (h = await startHarness()));
  afterAll(async () => {
    await h.close();
    home.remove();
  });

  /** Runs a script in mongosh; each `out(x)` in it becomes one parsed line of the result. */
  const mongosh = async (script: string): Promise<unknown[]> => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        MONGOSH,
        h.server.uri,
        '--quiet',
        '--norc',
        '--eval',
        `const out = (x) => print(EJSON.stringify(x, {relaxed: true})); ${script}`,
      ],
      { encoding: 'utf8', env: { ...process.env, HOME: home.path }, timeout: 60_000 },
    );
    return stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => EJSON.parse(l, { relaxed: true }) as unknown);
  };

  it('shows collection stats, databases, the replica-set config, profiling status and server status', async () => {
    const [stats, total, dbs, conf, profiling, status] = (await mongosh(`
      const shop = db.getSiblingDB('shop');
      shop.items.insertMany([{ _id: 1, name: 'mug' }, { _id: 2, name: 'cup' }]);
      shop.items.createIndex({ name: 1 });
      const s = shop.items.stats();
      out({ count: s.count, size: s.size, nindexes: s.nindexes, indexSizes: Object.keys(s.indexSizes) });
      out(shop.items.totalSize());
      out(db.getMongo().getDBNames());
      out(rs.conf());
      out(shop.getProfilingStatus());
      const ss = db.serverStatus();
      out({ connections: ss.connections.current, inserts: ss.opcounters.insert, resident: ss.mem.resident, bytesIn: ss.network.bytesIn });
    `)) as [
      Record<string, unknown>,
      number,
      string[],
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, number>,
    ];
    expect(stats).toEqual({
      count: 2,
      size: expect.any(Number),
      nindexes: 2,
      indexSizes: ['_id_', 'name_1'],
    });
    expect(total).toBeGreaterThan(stats.size as number);
    expect(dbs).toEqual(expect.arrayContaining(['admin', 'config', 'local', 'shop']));
    expect(conf).toMatchObject({
      _id: 'rs0',
      members: [{ _id: 0, host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }],
    });
    expect(profiling).toMatchObject({ was: 0, slowms: 100 });
    expect(status.connections).toBeGreaterThanOrEqual(2);
    expect(status.inserts).toBeGreaterThanOrEqual(2);
    expect(status.resident).toBeGreaterThan(0);
    expect(status.bytesIn).toBeGreaterThan(0);
  });

  it('finds a long-running operation with db.currentOp() and ends it with db.killOp()', async () => {
    const other = new MongoClient(h.server.uri);
    await other.connect();
    try {
      const sleeping = other.db('admin').command({ sleep: 1, millis: 120_000 });
      const running = async (): Promise<boolean> =>
        (
          (await h.client.db('admin').command({ currentOp: 1, 'command.sleep': { $exists: true } }))
            .inprog as unknown[]
        ).length > 0;
      await waitFor(running);
      const [found] = (await mongosh(`
        const op = db.currentOp({ 'command.sleep': { $exists: true } }).inprog[0];
        db.killOp(op.opid);
        out({ opid: op.opid, op: op.op, ns: op.ns });
      `)) as [{ opid: number; op: string; ns: string }];
      expect(found).toMatchObject({ op: 'command', ns: 'admin.$cmd' });
      await expect(sleeping).rejects.toMatchObject({ code: 11601 });
      expect(await running()).toBe(false);
    } finally {
      await other.close();
    }
  });
});

import { MongoClient } from 'mongodb';
import { type Harness, startHarness, waitFor } from './testing/harness';

type Op = {
  opid: number;
  command: Record<string, unknown>;
  op: string;
  ns: string;
  client: string;
  desc: string;
};

describe("the operator's tools", () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());
  const admin = () => h.client.db('admin');

  it('currentOp and $currentOp list the operations in flight; killOp interrupts one with 11601', async () => {
    const other = new MongoClient(h.server.uri, { appName: 'sleeper' });
    await other.connect();
    try {
      const sleeping = other.db('admin').command({ sleep: 1, millis: 60_000 });
      let target: Op | undefined;
      await waitFor(async () => {
        const { inprog } = (await admin().command({ currentOp: 1, 'command.sleep': { $exists: true } })) as {
          inprog: Op[];
        };
        target = inprog[0];
        return !!target;
      });
      expect(target).toMatchObject({ op: 'command', ns: 'admin.$cmd', active: true });
      expect(target?.client).toMatch(/^127\.0\.0\.1:\d+$/);
      const viaStage = await admin()
        .aggregate<Op>([{ $currentOp: { allUsers: true } }, { $match: { opid: target?.opid } }])
        .toArray();
      expect(viaStage.map((o) => o.opid)).toEqual([target?.opid]);
      expect(await admin().command({ killOp: 1, op: target?.opid })).toMatchObject({ ok: 1 });
      await expect(sleeping).rejects.toMatchObject({ code: 11601, codeName: 'Interrupted' });
      // the connection keeps serving
      expect(await other.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await other.close();
    }
    await expect(h.client.db('x').command({ currentOp: 1 })).rejects.toMatchObject({ code: 13 });
    await expect(
      h.client
        .db('x')
        .aggregate([{ $currentOp: {} }])
        .toArray(),
    ).rejects.toMatchObject({ code: 73 });
  });

  it('$collStats storageStats and count; collStats', async () => {
    const c = h.client.db('ops').collection<{ _id: number; name: string }>('items');
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, name: `item ${i}` })));
    await c.createIndex({ name: 1 });
    await c.find({}).toArray();
    const [s] = await c
      .aggregate<{
        storageStats: Record<string, number | Record<string, number>>;
        count: number;
        latencyStats: { reads: { ops: unknown } };
      }>([{ $collStats: { storageStats: {}, count: {}, latencyStats: {} } }])
      .toArray();
    expect(s?.count).toBe(50);
    const st = s?.storageStats ?? {};
    expect(st).toMatchObject({ count: 50, nindexes: 2, capped: false, scaleFactor: 1 });
    expect(Object.keys(st.indexSizes as object)).toEqual(['_id_', 'name_1']);
    expect(st.size).toBeGreaterThan(50 * 20);
    expect(st.totalSize).toBe((st.storageSize as number) + (st.totalIndexSize as number));
    expect(Number(s?.latencyStats.reads.ops)).toBeGreaterThanOrEqual(1);
    const scaled = await c
      .aggregate<{ storageStats: { size: number } }>([{ $collStats: { storageStats: { scale: 1024 } } }])
      .toArray();
    expect(scaled[0]?.storageStats.size).toBe(Math.floor((st.size as number) / 1024));
    await expect(c.aggregate([{ $match: {} }, { $collStats: {} }]).toArray()).rejects.toMatchObject({
      code: 40602,
    });
    await expect(
      h.client
        .db('ops')
        .collection('none')
        .aggregate([{ $collStats: { storageStats: {} } }])
        .toArray(),
    ).rejects.toMatchObject({ code: 26 });
    expect(await h.client.db('ops').command({ collStats: 'items' })).toMatchObject({
      ns: 'ops.items',
      count: 50,
    });
  });

  it('profile reports level 0 and keeps slowms; levels 1 and 2 are refused', async () => {
    const db = h.client.db('ops');
    expect(await db.command({ profile: -1 })).toMatchObject({ was: 0, slowms: 100, sampleRate: 1, ok: 1 });
    expect(await db.command({ profile: 0, slowms: 250 })).toMatchObject({ was: 0, slowms: 100 });
    expect(await db.command({ profile: -1 })).toMatchObject({ was: 0, slowms: 250 });
    await expect(db.command({ profile: 1 })).rejects.toMatchObject({ code: 115 });
  });

  it('the replica-set config, listDatabases with admin/config/local, serverStatus with real figures', async () => {
    const { config } = (await admin().command({ replSetGetConfig: 1 })) as {
      config: Record<string, unknown>;
    };
    expect(config).toMatchObject({
      _id: 'rs0',
      version: 1,
      members: [{ _id: 0, host: expect.stringMatching(/:\d+$/) }],
    });
    const stored = await h.client.db('local').collection('system.replset').findOne({});
    expect(stored).toMatchObject({
      _id: 'rs0',
      members: [{ host: (config.members as { host: string }[])[0]?.host }],
    });
    const names = (await admin().admin().listDatabases()).databases.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['admin', 'config', 'local']));

    const before = await admin().command({ serverStatus: 1 });
    const extra = new MongoClient(h.server.uri);
    await extra.connect();
    await extra
      .db('ops')
      .collection('counted')
      .insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
    await extra.db('ops').collection('counted').find({}).toArray();
    const after = await admin().command({ serverStatus: 1 });
    await extra.close();
    expect(Number(after.connections.current)).toBeGreaterThan(Number(before.connections.current));
    expect(Number(after.connections.totalCreated)).toBeGreaterThan(Number(before.connections.totalCreated));
    expect(Number(after.opcounters.insert) - Number(before.opcounters.insert)).toBe(3);
    expect(Number(after.opcounters.query) - Number(before.opcounters.query)).toBe(1);
    expect(Number(after.network.bytesIn)).toBeGreaterThan(Number(before.network.bytesIn));
    expect(Number(after.network.numRequests)).toBeGreaterThan(Number(before.network.numRequests));
    expect(Number(after.mem.resident)).toBeGreaterThan(10);
    expect(Number(after.mem.virtual)).toBeGreaterThanOrEqual(Number(after.mem.resident));
  });

  it('serverStatus uptime counts from the start of this server, not of the process', async () => {
    const startedLater = Date.now();
    const later = await startHarness();
    try {
      const first = await admin().command({ serverStatus: 1 });
      const second = await later.client.db('admin').command({ serverStatus: 1 });
      expect(Number(second.uptimeMillis)).toBeLessThanOrEqual(Date.now() - startedLater);
      expect(Number(first.uptimeMillis)).toBeGreaterThan(Number(second.uptimeMillis));
    } finally {
      await later.close();
    }
  });
});

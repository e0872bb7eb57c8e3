import { Binary, Long, serialize, deserialize } from 'bson';
import { MongoClient } from 'mongodb';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startEmbeddedMongo } from './server/start';
import { startHarness, tempDir, waitFor } from './testing/harness';

const rawCommand = (port: number, cmd: Record<string, unknown>): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const body = Buffer.from(serialize(cmd));
    const head = Buffer.alloc(21);
    head.writeInt32LE(21 + body.length, 0);
    head.writeInt32LE(1, 4);
    head.writeInt32LE(2013, 12);
    const s = connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    s.on('error', reject);
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4 && got.length >= got.readInt32LE(0)) {
        s.destroy();
        resolve(deserialize(got.subarray(21)));
      }
    });
    s.write(Buffer.concat([head, body]));
  });

describe('embedded-mongo server', () => {
  it('drops idle cursors after the cursor timeout', async () => {
    const h = await startHarness({ inMemory: true, cursorTimeoutMs: 200 });
    try {
      const db = h.client.db('s');
      await db.collection('c').insertMany(Array.from({ length: 10 }, (_, i) => ({ i })));
      const first = await db.command({ find: 'c', batchSize: 2 });
      const id = first.cursor.id as Long;
      await waitFor(async () => {
        const r = await db
          .command({ getMore: id, collection: 'c', batchSize: 1 })
          .catch((e: { code?: number }) => e);
        return (r as { code?: number }).code === 43;
      });
    } finally {
      await h.close();
    }
  });

  it('serves a Unix socket alongside TCP', async () => {
    const dir = tempDir();
    const socketPath = join(dir.path, 'm.sock');
    const server = await startEmbeddedMongo({ inMemory: true, port: 0, socketPath });
    const client = new MongoClient(`mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`);
    try {
      await client.db('s').collection('c').insertOne({ via: 'socket' });
      expect(
        await client
          .db('s')
          .collection('c')
          .findOne({}, { projection: { _id: 0 } }),
      ).toEqual({ via: 'socket' });
    } finally {
      await client.close();
      await server.stop();
      dir.remove();
    }
  });

  it('works when dialled as localhost and with directConnection', async () => {
    const server = await startEmbeddedMongo({ inMemory: true, port: 0 });
    const viaLocalhost = new MongoClient(`mongodb://localhost:${server.port}/?replicaSet=rs0`, {
      serverSelectionTimeoutMS: 5000,
    });
    const direct = new MongoClient(`mongodb://127.0.0.1:${server.port}/?directConnection=true`);
    try {
      await viaLocalhost.db('s').collection('c').insertOne({ a: 1 });
      const session = direct.startSession();
      await session.withTransaction(() => direct.db('s').collection('c').insertOne({ a: 2 }, { session }));
      await session.endSession();
      expect(await direct.db('s').collection('c').countDocuments()).toBe(2);
    } finally {
      await Promise.all([viaLocalhost.close(), direct.close()]);
      await server.stop();
    }
  });

  it('applies unacknowledged (moreToCome) writes without replying', async () => {
    const h = await startHarness();
    try {
      const c = h.client.db('s').collection('w0');
      await c.insertOne({ _id: 'fire-and-forget' } as never, { writeConcern: { w: 0 } });
      await waitFor(async () => (await c.countDocuments()) === 1);
    } finally {
      await h.close();
    }
  });

  it('does not apply a retried write twice (same lsid and txnNumber)', async () => {
    const server = await startEmbeddedMongo({ inMemory: true, port: 0 });
    try {
      const lsid = { id: new Binary(Buffer.alloc(16, 7), 4) };
      const cmd = {
        update: 'r',
        updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } }, upsert: true }],
        lsid,
        txnNumber: Long.fromNumber(5),
        $db: 's',
      };
      expect(await rawCommand(server.port, cmd)).toMatchObject({ ok: 1, n: 1 });
      expect(await rawCommand(server.port, cmd)).toMatchObject({ ok: 1, n: 1 });
      await rawCommand(server.port, { ...cmd, txnNumber: Long.fromNumber(6) });
      const found = await rawCommand(server.port, { find: 'r', filter: {}, $db: 's' });
      expect((found.cursor as { firstBatch: unknown[] }).firstBatch).toEqual([{ _id: 1, n: 2 }]);
    } finally {
      await server.stop();
    }
  });
});

describe('embedded-mongo TTL indexes', () => {
  it('deletes documents whose indexed date is older than expireAfterSeconds', async () => {
    const h = await startHarness({ inMemory: true, ttlMonitorMs: 50 });
    try {
      const c = h.client.db('s').collection('ttl');
      await c.createIndex({ at: 1 }, { expireAfterSeconds: 60 });
      await c.insertMany([
        { _id: 'old', at: new Date(Date.now() - 120_000) },
        { _id: 'new', at: new Date() },
        { _id: 'no-date', at: 'x' },
      ] as never[]);
      await waitFor(async () => (await c.countDocuments({ _id: 'old' } as never)) === 0);
      expect((await c.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(['new', 'no-date']);
    } finally {
      await h.close();
    }
  });
});

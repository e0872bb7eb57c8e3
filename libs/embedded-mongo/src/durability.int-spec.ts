import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedMongo } from './server/start';
import { startHarness, tempDir, waitFor } from './testing/harness';

describe('embedded-mongo durability', () => {
  it.each([
    ['with the default journal size', 64 * 1024 * 1024],
    ['while snapshots are being taken', 32 * 1024],
  ])(
    'keeps every acknowledged write after the writer process is SIGKILLed (%s)',
    async (_label, compactAfter) => {
      const dir = tempDir();
      try {
        const child = spawn(
          process.execPath,
          [
            '-r',
            '@swc-node/register',
            join(__dirname, 'testing/crash-writer.ts'),
            dir.path,
            String(compactAfter),
          ],
          {
            cwd: process.cwd(),
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        const exited = new Promise((r) => child.on('exit', r));
        const acks = (): number[] => [...out.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1]));
        try {
          await waitFor(() => acks().length >= 300, 45_000);
        } catch (e) {
          child.kill('SIGKILL');
          throw e;
        }
        // while the writer lives, a second server on its dbPath is refused with the lock file named
        await expect(startEmbeddedMongo({ dbPath: dir.path, port: 0 })).rejects.toThrow(/mongod\.lock/);
        child.kill('SIGKILL');
        await exited;
        const acked = acks();
        if (compactAfter < 1024 * 1024) expect(readdirSync(dir.path)).toContain('snapshot.bin');
        const h = await startHarness({ dbPath: dir.path });
        try {
          const docs = h.client.db('crash').collection<{ _id: number; n?: number }>('docs');
          const ids = new Set((await docs.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
          const missing = acked.filter((i) => !ids.has(i));
          expect(missing).toEqual([]);
          const bulk = acked.filter((i) => i % 3 === 1).length;
          const txns = acked.filter((i) => i % 3 === 2).length;
          expect((await docs.findOne({ _id: -1 }))?.n ?? 0).toBeGreaterThanOrEqual(bulk);
          expect((await docs.findOne({ _id: -2 }))?.n ?? 0).toBeGreaterThanOrEqual(txns);
          // the unique index came back too
          await expect(docs.insertOne({ _id: 1e9, k: 0 } as never)).rejects.toMatchObject({ code: 11000 });
        } finally {
          await h.close();
        }
      } finally {
        dir.remove();
      }
    },
  );

  it('recovers from snapshot plus journal, ignoring a torn journal tail', async () => {
    const dir = tempDir();
    try {
      let h = await startHarness({ dbPath: dir.path });
      const c = () => h.client.db('d').collection<{ _id: number; v: number }>('c');
      await c().insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: i, v: i })));
      await c().createIndex({ v: 1 }, { unique: true });
      await h.server.compact();
      await c().updateMany({ _id: { $lt: 10 } }, { $inc: { v: 1000 } });
      await c().deleteOne({ _id: 499 });
      await h.close();
      const journal = readdirSync(dir.path).filter((f) => f.startsWith('journal-'));
      appendFileSync(
        join(dir.path, journal[journal.length - 1] as string),
        Buffer.from([0x30, 0, 0, 0, 1, 2, 3]),
      );
      h = await startHarness({ dbPath: dir.path });
      expect(await c().countDocuments()).toBe(499);
      expect(await c().findOne({ _id: 3 })).toEqual({ _id: 3, v: 1003 });
      expect((await c().indexes()).map((i) => i.name)).toEqual(['_id_', 'v_1']);
      await c().insertOne({ _id: 1000, v: 1 });
      await h.close();
      h = await startHarness({ dbPath: dir.path });
      expect(await c().countDocuments()).toBe(500);
      await h.close();
    } finally {
      dir.remove();
    }
  });

  it('loses nothing when snapshots are taken while writes keep coming', async () => {
    const dir = tempDir();
    try {
      let h = await startHarness({ dbPath: dir.path, compactAfterBytes: 16 * 1024 });
      const c = () => h.client.db('d').collection<{ _id: number; n: number }>('c');
      await c().createIndex({ n: 1 });
      for (let round = 0; round < 20; round++) {
        const writes = Array.from({ length: 10 }, (_, w) =>
          c().bulkWrite(
            Array.from({ length: 20 }, (_, i) => ({
              updateOne: { filter: { _id: w * 20 + i }, update: { $inc: { n: 1 } }, upsert: true },
            })),
          ),
        );
        // explicit snapshots race each other and the automatic ones
        const snapshots = round % 5 === 0 ? [h.server.compact(), h.server.compact()] : [];
        await Promise.all([...writes, ...snapshots]);
      }
      await h.close();
      expect(readdirSync(dir.path)).toContain('snapshot.bin');
      h = await startHarness({ dbPath: dir.path });
      expect(await c().countDocuments({ n: 20 })).toBe(200);
      expect(await c().countDocuments()).toBe(200);
      await h.close();
    } finally {
      dir.remove();
    }
  });

  it('refuses a second server on the same dbPath in the same process', async () => {
    const dir = tempDir();
    try {
      const first = await startEmbeddedMongo({ dbPath: dir.path, port: 0 });
      await expect(startEmbeddedMongo({ dbPath: dir.path, port: 0 })).rejects.toThrow(/mongod\.lock/);
      await first.stop();
      const again = await startEmbeddedMongo({ dbPath: dir.path, port: 0 });
      await again.stop();
    } finally {
      dir.remove();
    }
  });

  it('refuses non-loopback hosts unless allowRemote is set', async () => {
    await expect(startEmbeddedMongo({ inMemory: true, host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /allowRemote/,
    );
  });
});

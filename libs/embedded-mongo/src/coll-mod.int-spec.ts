import { startHarness, tempDir } from './testing/harness';

describe('collMod', () => {
  it('changes collection options and index options durably (journal replay keeps them)', async () => {
    const dir = tempDir();
    try {
      const h = await startHarness({ dbPath: dir.path });
      const db = h.client.db('cm');
      await db.createCollection('c', { changeStreamPreAndPostImages: { enabled: false } });
      await db.collection('c').createIndex({ at: 1 }, { expireAfterSeconds: 60 });
      await db.command({ collMod: 'c', changeStreamPreAndPostImages: { enabled: true } });
      const reply = await db.command({
        collMod: 'c',
        index: { keyPattern: { at: 1 }, expireAfterSeconds: 120 },
      });
      expect(reply).toMatchObject({ expireAfterSeconds_old: 60, expireAfterSeconds_new: 120 });
      // unique needs prepareUnique first, as on mongod 7.0
      await expect(
        db.command({ collMod: 'c', index: { keyPattern: { at: 1 }, unique: true } }),
      ).rejects.toMatchObject({ code: 72 });
      await expect(db.command({ collMod: 'c', bogus: 1 })).rejects.toMatchObject({ code: 40415 });
      await h.close();

      const again = await startHarness({ dbPath: dir.path });
      try {
        const [info] = await again.client.db('cm').listCollections({ name: 'c' }).toArray();
        expect((info as { options?: unknown } | undefined)?.options).toMatchObject({
          changeStreamPreAndPostImages: { enabled: true },
        });
        const idx = await again.client.db('cm').collection('c').listIndexes().toArray();
        expect(idx.find((i) => i.name === 'at_1')?.expireAfterSeconds).toBe(120);
      } finally {
        await again.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('converts an index to unique: prepareUnique refuses new duplicates, unique lists the violations', async () => {
    const dir = tempDir();
    try {
      const h = await startHarness({ dbPath: dir.path });
      const db = h.client.db('cm');
      const c = db.collection<{ _id: number; x: number; y?: number }>('u');
      await c.insertMany([
        { _id: 1, x: 1 },
        { _id: 2, x: 1 },
        { _id: 3, x: 2 },
      ]);
      await c.createIndex({ x: 1 });
      expect(
        await db.command({ collMod: 'u', index: { keyPattern: { x: 1 }, prepareUnique: true } }),
      ).toMatchObject({ prepareUnique_old: false, prepareUnique_new: true });
      // A key another document holds cannot be added, by insert, update or in a transaction...
      await expect(c.insertOne({ _id: 4, x: 2 })).rejects.toMatchObject({ code: 11000 });
      await expect(c.updateOne({ _id: 3 }, { $set: { x: 1 } })).rejects.toMatchObject({ code: 11000 });
      const session = h.client.startSession();
      try {
        await expect(
          session.withTransaction(() => c.insertOne({ _id: 5, x: 1 }, { session })),
        ).rejects.toMatchObject({ code: 11000 });
      } finally {
        await session.endSession();
      }
      // ...but existing duplicates stay, and documents holding them can still change other fields.
      await c.updateOne({ _id: 1 }, { $set: { y: 1 } });
      await c.insertOne({ _id: 6, x: 9 });
      const error = await db
        .command({ collMod: 'u', index: { keyPattern: { x: 1 }, unique: true } })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 359, errorResponse: { violations: [{ ids: [1, 2] }] } });
      await h.close();

      // Journal replay keeps the preparation; once the duplicate is gone the conversion succeeds.
      const again = await startHarness({ dbPath: dir.path });
      try {
        const adb = again.client.db('cm');
        const u = adb.collection<{ _id: number; x: number }>('u');
        await expect(u.insertOne({ _id: 7, x: 9 })).rejects.toMatchObject({ code: 11000 });
        await u.deleteOne({ _id: 2 });
        expect(await adb.command({ collMod: 'u', index: { name: 'x_1', unique: true } })).toMatchObject({
          unique_new: true,
        });
        const [index] = (await u.listIndexes().toArray()).filter((i) => i.name === 'x_1');
        expect(index).toMatchObject({ unique: true });
        expect(index).not.toHaveProperty('prepareUnique');
        await expect(u.insertOne({ _id: 8, x: 1 })).rejects.toMatchObject({ code: 11000 });
        await expect(
          adb.command({ collMod: 'u', index: { name: 'x_1', unique: false } }),
        ).rejects.toMatchObject({ code: 2 });
      } finally {
        await again.close();
      }
    } finally {
      dir.remove();
    }
  });
});

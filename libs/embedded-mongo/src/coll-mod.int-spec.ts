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
      await expect(
        db.command({ collMod: 'c', index: { keyPattern: { at: 1 }, unique: true } }),
      ).rejects.toMatchObject({
        code: 115,
      });
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
});

import type { CollationOptions } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

describe('collation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const coll = async (name: string, docs: Record<string, unknown>[]) => {
    const c = h.client.db('collation').collection(name);
    await c.drop().catch(() => undefined);
    if (docs.length) await c.insertMany(docs);
    return c;
  };

  it('matches by strength: 1 ignores case and accents, 2 ignores case, 3 (the default) neither', async () => {
    const c = await coll('strength', [
      { _id: 1, x: 'cafe' },
      { _id: 2, x: 'Café' },
      { _id: 3, x: 'CAFE' },
    ]);
    const ids = async (strength: number) =>
      (await c.find({ x: 'cafe' }, { collation: { locale: 'fr', strength } }).toArray()).map((d) => d._id);
    expect(await ids(1)).toEqual([1, 2, 3]);
    expect(await ids(2)).toEqual([1, 3]);
    expect(await ids(3)).toEqual([1]);
    expect(
      await c.countDocuments({ x: { $in: ['CAFÉ'] } }, { collation: { locale: 'fr', strength: 1 } }),
    ).toBe(3);
    expect((await c.find({ x: 'cafe' }).toArray()).map((d) => d._id)).toEqual([1]);
  });

  it('sorts by the locale and numericOrdering, and ranges follow the collation', async () => {
    const c = await coll('sort', [
      { _id: 1, s: 'b10' },
      { _id: 2, s: 'b9' },
      { _id: 3, s: 'B2' },
      { _id: 4, s: 'a' },
    ]);
    const sorted = async (collation?: CollationOptions) =>
      (await c.find({}, { sort: { s: 1 }, ...(collation ? { collation } : {}) }).toArray()).map((d) =>
        String(d.s),
      );
    expect(await sorted()).toEqual(['B2', 'a', 'b10', 'b9']);
    expect(await sorted({ locale: 'en' })).toEqual(['a', 'b10', 'B2', 'b9']);
    expect(await sorted({ locale: 'en', numericOrdering: true })).toEqual(['a', 'B2', 'b9', 'b10']);
    const gt = await c
      .find({ s: { $gt: 'b' } }, { collation: { locale: 'en', numericOrdering: true }, sort: { _id: 1 } })
      .toArray();
    expect(gt.map((d) => d._id)).toEqual([1, 2, 3]);
  });

  it('applies to updates, deletes, findAndModify, distinct and aggregate', async () => {
    const c = await coll('writes', [
      { _id: 1, x: 'ping' },
      { _id: 2, x: 'PING' },
      { _id: 3, x: 'pong' },
    ]);
    const ci = { locale: 'en_US', strength: 2 };
    expect((await c.updateMany({ x: 'Ping' }, { $set: { y: 1 } }, { collation: ci })).modifiedCount).toBe(2);
    expect(await c.distinct('x', {}, { collation: ci })).toEqual(['ping', 'pong']);
    const agg = await c
      .aggregate([{ $match: { x: 'PONG' } }, { $project: { _id: 1 } }], { collation: ci })
      .toArray();
    expect(agg).toEqual([{ _id: 3 }]);
    const found = await c.findOneAndUpdate({ x: 'PONG' }, { $set: { z: 1 } }, { collation: ci });
    expect(found?._id).toBe(3);
    expect((await c.deleteMany({ x: 'PiNg' }, { collation: ci })).deletedCount).toBe(2);
    expect(await c.countDocuments()).toBe(1);
  });

  it('uses the collection default collation unless the command gives one ("simple" turns it off)', async () => {
    const db = h.client.db('collation');
    await db
      .collection('dflt')
      .drop()
      .catch(() => undefined);
    await db.createCollection('dflt', { collation: { locale: 'en', strength: 2 } });
    const c = db.collection('dflt');
    await c.insertMany([
      { _id: 1, x: 'A' },
      { _id: 2, x: 'a' },
    ] as never[]);
    expect(await c.countDocuments({ x: 'a' })).toBe(2);
    expect(await c.countDocuments({ x: 'a' }, { collation: { locale: 'simple' } })).toBe(1);
  });

  it('refuses bad collations with mongod errors', async () => {
    const c = await coll('bad', [{ _id: 1 }]);
    await expect(c.find({}, { collation: { locale: 'xx_NOPE' } }).toArray()).rejects.toMatchObject({
      code: 2,
    });
    await expect(
      c.find({}, { collation: { locale: 'en', bogus: 1 } as never }).toArray(),
    ).rejects.toMatchObject({
      code: 40415,
    });
    await expect(c.find({}, { collation: { strength: 2 } as never }).toArray()).rejects.toMatchObject({
      code: 40414,
    });
    await expect(c.find({}, { collation: { locale: 'en', strength: 9 } }).toArray()).rejects.toMatchObject({
      code: 2,
    });
  });
});

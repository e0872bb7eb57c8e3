import { type Harness, startHarness } from './testing/harness';

describe('views', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const db = h.client.db('views');
    await db
      .collection<{ _id: number; customer: string; total: number; status: string }>('orders')
      .insertMany([
        { _id: 1, customer: 'ann', total: 30, status: 'paid' },
        { _id: 2, customer: 'bob', total: 5, status: 'open' },
        { _id: 3, customer: 'ann', total: 12, status: 'paid' },
      ]);
    await db.createCollection('paid', { viewOn: 'orders', pipeline: [{ $match: { status: 'paid' } }] });
    await db.createCollection('bigPaid', { viewOn: 'paid', pipeline: [{ $match: { total: { $gt: 20 } } }] });
  });
  afterAll(() => h.close());

  it('reads through find, aggregate, count, distinct and estimatedDocumentCount, views on views included', async () => {
    const paid = h.client.db('views').collection('paid');
    const found = await paid
      .find({ customer: 'ann' }, { sort: { total: 1 }, projection: { total: 1 } })
      .toArray();
    expect(found).toEqual([
      { _id: 3, total: 12 },
      { _id: 1, total: 30 },
    ]);
    expect(await paid.countDocuments()).toBe(2);
    expect(await paid.estimatedDocumentCount()).toBe(2);
    expect(await paid.distinct('customer')).toEqual(['ann']);
    const grouped = await paid
      .aggregate([{ $group: { _id: '$customer', sum: { $sum: '$total' } } }])
      .toArray();
    expect(grouped).toEqual([{ _id: 'ann', sum: 42 }]);
    const big = await h.client.db('views').collection('bigPaid').find().toArray();
    expect(big.map((d) => d._id)).toEqual([1]);
  });

  it('is listed as a view with its definition', async () => {
    const [info] = await h.client.db('views').listCollections({ name: 'paid' }).toArray();
    expect(info).toMatchObject({
      name: 'paid',
      type: 'view',
      options: { viewOn: 'orders', pipeline: [{ $match: { status: 'paid' } }] },
      info: { readOnly: true },
    });
  });

  it('refuses writes and index commands with CommandNotSupportedOnView (166)', async () => {
    const paid = h.client.db('views').collection('paid');
    const refused = { code: 166 };
    await expect(paid.insertOne({ x: 9 })).rejects.toMatchObject(refused);
    await expect(paid.updateOne({}, { $set: { x: 1 } })).rejects.toMatchObject(refused);
    await expect(paid.deleteMany({})).rejects.toMatchObject(refused);
    await expect(paid.findOneAndUpdate({}, { $set: { x: 1 } })).rejects.toMatchObject(refused);
    await expect(paid.createIndex({ x: 1 })).rejects.toMatchObject(refused);
    expect(await h.client.db('views').collection('orders').countDocuments()).toBe(3);
  });

  it('is dropped like a collection, leaving its source alone', async () => {
    const db = h.client.db('views');
    await db.createCollection('tmp', { viewOn: 'orders', pipeline: [] });
    expect(await db.collection('tmp').countDocuments()).toBe(3);
    await db.dropCollection('tmp');
    expect((await db.listCollections({ name: 'tmp' }).toArray()).length).toBe(0);
    expect(await db.collection('orders').countDocuments()).toBe(3);
  });
});

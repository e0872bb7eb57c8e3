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
    const stream = paid.watch();
    await expect(stream.tryNext()).rejects.toMatchObject(refused);
    await stream.close();
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

  it("reads under the view's own collation (never its source's) and refuses a different one (167)", async () => {
    const db = h.client.db('views');
    const ci = { locale: 'en', strength: 2 };
    await db.createCollection('words', { collation: ci });
    await db.collection('words').insertMany([
      { _id: 1, w: 'Ping' },
      { _id: 2, w: 'ping' },
      { _id: 3, w: 'pong' },
    ] as never[]);
    await db.createCollection('plain', { viewOn: 'words', pipeline: [] });
    await db.createCollection('folded', { viewOn: 'words', pipeline: [{ $match: {} }], collation: ci });
    const plain = db.collection('plain');
    const folded = db.collection('folded');
    // the view without a collation compares binary, although its source has a default collation
    expect(await plain.countDocuments({ w: 'ping' })).toBe(1);
    expect(await plain.count({ w: 'ping' })).toBe(1);
    expect(await plain.distinct('w')).toEqual(['Ping', 'ping', 'pong']);
    expect(await folded.countDocuments({ w: 'ping' })).toBe(2);
    expect(await folded.count({ w: 'ping' })).toBe(2);
    expect(await folded.distinct('w')).toHaveLength(2);
    expect((await folded.find({ w: 'PING' }).toArray()).map((d) => d._id)).toEqual([1, 2]);
    // the same collation named again is fine; another one, or one on a view without any, is refused
    expect(await folded.count({ w: 'ping' }, { collation: ci })).toBe(2);
    expect(await plain.countDocuments({}, { collation: { locale: 'simple' } })).toBe(3);
    const refused = { code: 167, message: "Cannot override a view's default collation" };
    await expect(plain.count({ w: 'ping' }, { collation: ci })).rejects.toMatchObject(refused);
    await expect(plain.distinct('w', {}, { collation: ci })).rejects.toMatchObject(refused);
    await expect(plain.find({}, { collation: ci }).toArray()).rejects.toMatchObject(refused);
    await expect(folded.aggregate([], { collation: { locale: 'fr' } }).toArray()).rejects.toMatchObject(
      refused,
    );
  });
});

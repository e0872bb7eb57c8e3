import { type Harness, startHarness } from './testing/harness';

describe('clustered collections', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('reports the clustered index in listCollections and listIndexes and keeps _id unique', async () => {
    const db = h.client.db('clustered');
    await db.createCollection('c', { clusteredIndex: { key: { _id: 1 }, unique: true, name: 'by id' } });
    const [info] = await db.listCollections({ name: 'c' }).toArray();
    expect(info).toMatchObject({
      options: { clusteredIndex: { v: 2, key: { _id: 1 }, unique: true, name: 'by id' } },
    });
    expect(info).not.toHaveProperty('idIndex');
    const indexes = await db.collection('c').listIndexes().toArray();
    expect(indexes).toEqual([{ v: 2, key: { _id: 1 }, name: 'by id', unique: true, clustered: true }]);
    await db.collection('c').insertOne({ _id: 1 } as never);
    await expect(db.collection('c').insertOne({ _id: 1 } as never)).rejects.toMatchObject({ code: 11000 });
  });

  it('refuses a key other than {_id: 1} and a non-unique clustered index, as mongod 7.0', async () => {
    const db = h.client.db('clustered');
    await expect(
      db.createCollection('bad1', { clusteredIndex: { key: { a: 1 }, unique: true } }),
    ).rejects.toMatchObject({ code: 197 });
    await expect(
      db.createCollection('bad2', { clusteredIndex: { key: { _id: 1 }, unique: false } }),
    ).rejects.toMatchObject({ code: 5979700 });
    expect(await db.listCollections({ name: /^bad/ }).toArray()).toEqual([]);
  });
});

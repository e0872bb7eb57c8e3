import { type Harness, startHarness } from './testing/harness';

describe('embedded-mongo collections and databases', () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  it('renames with dropTarget atomically while readers keep querying', async () => {
    const db = h.client.db('ddl');
    const live = db.collection('products');
    await live.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, gen: 1 })) as never[]);
    await live.createIndex({ gen: 1 });
    let stop = false;
    const seen = new Set<number>();
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        const docs = await live.find({}).toArray();
        // every read sees one complete generation, never an empty or missing collection
        expect(docs).toHaveLength(50);
        expect(new Set(docs.map((d) => d.gen as number)).size).toBe(1);
        seen.add(docs[0]?.gen as number);
        reads++;
      }
    })();
    for (let gen = 2; gen <= 6; gen++) {
      const shadow = db.collection(`products_shadow_${gen}`);
      await shadow.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, gen })) as never[]);
      await shadow.rename('products', { dropTarget: true });
    }
    const target = reads + 5;
    await new Promise<void>((resolve) => {
      const check = () => (reads >= target ? resolve() : setImmediate(check));
      check();
    });
    stop = true;
    await reader;
    expect(await live.countDocuments({ gen: 6 })).toBe(50);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toEqual(['products']);
    expect(seen.has(6)).toBe(true);
  });

  it('refuses to rename onto an existing collection without dropTarget', async () => {
    const db = h.client.db('ddl2');
    await db.collection('a').insertOne({ x: 1 });
    await db.collection('b').insertOne({ x: 2 });
    await expect(db.collection('a').rename('b')).rejects.toMatchObject({ code: 48 });
    await expect(db.collection('missing').rename('c')).rejects.toMatchObject({ code: 26 });
  });

  it('creates, lists, drops collections and databases', async () => {
    const db = h.client.db('ddl3');
    await db.createCollection('one');
    await expect(db.createCollection('one')).rejects.toMatchObject({ code: 48 });
    await db.collection('two').insertOne({ a: 1 });
    const list = await db.listCollections().toArray();
    expect(list.map((c) => c.name).sort()).toEqual(['one', 'two']);
    expect(list[0]).toMatchObject({ type: 'collection' });
    expect(await db.collection('one').drop()).toBe(true);
    const dbs = await h.client.db().admin().listDatabases();
    expect(dbs.databases.map((d) => d.name)).toContain('ddl3');
    await db.dropDatabase();
    expect((await h.client.db().admin().listDatabases()).databases.map((d) => d.name)).not.toContain('ddl3');
  });
});

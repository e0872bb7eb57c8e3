import type { Collection } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

type Row = { _id?: number | string; [k: string]: unknown };

describe('text indexes and $text', () => {
  let h: Harness;
  let c: Collection<Row>;
  const ids = (rows: Row[]): unknown[] => rows.map((r) => r._id);

  beforeAll(async () => {
    h = await startHarness();
    c = h.client.db('text').collection<Row>('products');
    await c.insertMany([
      { _id: 1, name: 'Running shoes', description: 'Light shoes for runners' },
      { _id: 2, name: 'Rain jacket', description: 'Keeps you dry when it is running down' },
      { _id: 3, name: 'Café table', description: 'A small table' },
      { _id: 4, name: 'Trail shoe', description: 'Grippy sole', language: 'none' },
    ]);
    await c.createIndex({ name: 'text', description: 'text' }, { weights: { name: 10 } });
  });
  afterAll(() => h.close());

  it('needs a text index, and only one per collection', async () => {
    const other = h.client.db('text').collection<Row>('plain');
    await other.insertOne({ _id: 1, s: 'x' });
    await expect(other.find({ $text: { $search: 'x' } }).toArray()).rejects.toMatchObject({ code: 27 });
    await expect(c.createIndex({ description: 'text' }, { name: 'second' })).rejects.toMatchObject({
      code: 85,
    });
    const idx = await c.listIndexes().toArray();
    expect(idx.find((i) => i.name === 'name_text_description_text')?.key).toEqual({ _fts: 'text', _ftsx: 1 });
  });

  it('stems English terms, drops stop words, folds case and diacritics', async () => {
    expect(
      ids(
        await c
          .find({ $text: { $search: 'run' } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2]);
    expect(
      ids(
        await c
          .find({ $text: { $search: 'the SHOES' } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 4]);
    expect(ids(await c.find({ $text: { $search: 'cafe' } }).toArray())).toEqual([3]);
    expect(ids(await c.find({ $text: { $search: 'the' } }).toArray())).toEqual([]);
    expect(ids(await c.find({ $text: { $search: 'runs', $language: 'none' } }).toArray())).toEqual([]);
  });

  it('phrases must all appear, negated terms exclude', async () => {
    expect(ids(await c.find({ $text: { $search: '"running down"' } }).toArray())).toEqual([2]);
    expect(ids(await c.find({ $text: { $search: 'shoes -runners' } }).toArray())).toEqual([4]);
    expect(ids(await c.find({ $text: { $search: 'jacket -"running down"' } }).toArray())).toEqual([]);
  });

  it('scores by weight in projection and sort, in find and aggregate', async () => {
    const found = await c
      .find(
        { $text: { $search: 'running shoes' } },
        { projection: { score: { $meta: 'textScore' }, name: 1 } },
      )
      .sort({ score: { $meta: 'textScore' } })
      .toArray();
    expect(ids(found)).toEqual([1, 4, 2]);
    expect(Object.keys(found[0] ?? {})).toEqual(['_id', 'name', 'score']);
    const scores = found.map((f) => f.score as number);
    expect(scores[0]).toBeGreaterThan(scores[1] as number);
    expect(scores[1]).toBeGreaterThan(scores[2] as number);
    const agg = await c
      .aggregate<Row>([
        { $match: { $text: { $search: 'running shoes' } } },
        { $sort: { score: { $meta: 'textScore' } } },
        { $project: { score: { $meta: 'textScore' } } },
      ])
      .toArray();
    expect(agg.map((a) => a._id)).toEqual([1, 4, 2]);
    expect(agg[0]?.score).toBeCloseTo(scores[0] as number, 10);
  });
});

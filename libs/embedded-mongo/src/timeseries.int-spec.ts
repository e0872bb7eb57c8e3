import type { Db } from 'mongodb';
import { type Harness, startHarness, tempDir, waitFor } from './testing/harness';

describe('time-series collections', () => {
  let h: Harness;
  let db: Db;
  beforeAll(async () => {
    h = await startHarness({ inMemory: true, ttlMonitorMs: 50 });
    db = h.client.db('ts');
  });
  afterAll(() => h.close());

  const at = (iso: string): Date => new Date(iso);

  it('is listed as mongod 7.0 lists it, with its system.buckets collection', async () => {
    await db.createCollection('weather', {
      timeseries: { timeField: 'ts', metaField: 'sensor', granularity: 'minutes' },
      expireAfterSeconds: 86_400,
    });
    await db.createCollection('custom', {
      timeseries: { timeField: 'ts', bucketMaxSpanSeconds: 600, bucketRoundingSeconds: 600 },
    });
    const listed = await db.listCollections({}, { nameOnly: false }).toArray();
    const byName = Object.fromEntries(listed.map((c) => [c.name, c]));
    expect(byName.weather).toEqual({
      name: 'weather',
      type: 'timeseries',
      options: {
        expireAfterSeconds: 86_400,
        timeseries: {
          timeField: 'ts',
          metaField: 'sensor',
          granularity: 'minutes',
          bucketMaxSpanSeconds: 86_400,
        },
      },
      info: { readOnly: false },
    });
    expect(byName.custom?.options).toEqual({
      timeseries: { timeField: 'ts', bucketRoundingSeconds: 600, bucketMaxSpanSeconds: 600 },
    });
    expect(byName['system.buckets.weather']).toMatchObject({
      type: 'collection',
      options: { clusteredIndex: true },
    });
    const names = await db.listCollections({}, { nameOnly: true }).toArray();
    expect(names).toContainEqual({ name: 'weather', type: 'timeseries' });
  });

  it('refuses bad options with mongod’s codes', async () => {
    const bad = (timeseries: unknown, extra = {}) =>
      db.createCollection(`bad${Math.random()}`.replace('.', ''), { timeseries, ...extra } as never);
    await expect(bad({ metaField: 'm' })).rejects.toMatchObject({ code: 40414 });
    await expect(bad({ timeField: 't', granularity: 'days' })).rejects.toMatchObject({ code: 2 });
    await expect(bad({ timeField: 't', other: 1 })).rejects.toMatchObject({ code: 40415 });
    await expect(bad({ timeField: 't', metaField: 't' })).rejects.toMatchObject({ code: 72 });
    await expect(bad({ timeField: 't', bucketMaxSpanSeconds: 60 })).rejects.toMatchObject({ code: 72 });
    await expect(
      bad({ timeField: 't', bucketMaxSpanSeconds: 60, bucketRoundingSeconds: 30 }),
    ).rejects.toMatchObject({ code: 72 });
    await expect(
      bad({ timeField: 't', granularity: 'hours', bucketMaxSpanSeconds: 60, bucketRoundingSeconds: 60 }),
    ).rejects.toMatchObject({ code: 72 });
    await expect(bad({ timeField: 't' }, { capped: true, size: 4096 })).rejects.toMatchObject({ code: 72 });
    expect(await db.listCollections({ name: /^bad/ }).toArray()).toEqual([]);
  });

  it('stores measurements in buckets, repeated _id values included, and reads them back as inserted', async () => {
    const c = db.collection<{ _id?: unknown; [k: string]: unknown }>('readings');
    await db.createCollection('readings', { timeseries: { timeField: 't', metaField: 'm' } });
    const rows = [
      { _id: 1, t: at('2026-01-01T00:00:10Z'), m: { site: 'a' }, v: 3 },
      { _id: 1, t: at('2026-01-01T00:00:20Z'), m: { site: 'a' }, v: 5 },
      { _id: 2, t: at('2026-01-01T00:00:30Z'), m: { site: 'b' }, v: 7 },
      { _id: 3, t: at('2026-01-01T02:00:00Z'), m: { site: 'a' }, v: 1 },
    ];
    await c.insertMany(rows as never[]);
    expect(await c.find({}, { sort: { t: 1 } }).toArray()).toEqual(rows);
    expect(await c.find({ 'm.site': 'a', v: { $gt: 2 } }, { sort: { t: 1 } }).toArray()).toEqual(
      rows.slice(0, 2),
    );
    expect(await c.countDocuments({ _id: 1 } as never)).toBe(2);
    expect(await c.estimatedDocumentCount()).toBe(4);
    expect((await c.distinct('v')).sort()).toEqual([1, 3, 5, 7]);
    const total = await c
      .aggregate([{ $group: { _id: '$m.site', sum: { $sum: '$v' } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(total).toEqual([
      { _id: 'a', sum: 9 },
      { _id: 'b', sum: 7 },
    ]);
    // three buckets: site a within the first hour, site b, site a two hours later (span 3600 s for seconds)
    const buckets = await db.collection('system.buckets.readings').find({}).toArray();
    expect(buckets).toHaveLength(3);
    expect(buckets[0]).toMatchObject({
      control: {
        version: 1,
        min: { _id: 1, t: at('2026-01-01T00:00:00Z'), v: 3 },
        max: { t: rows[1]!.t, v: 5 },
      },
      meta: { site: 'a' },
      data: { _id: { '0': 1, '1': 1 }, v: { '0': 3, '1': 5 } },
    });
    // a measurement without _id gets one, as in mongod
    await c.insertOne({ t: at('2026-01-01T00:00:40Z'), m: { site: 'b' } });
    expect(await c.findOne({ m: { site: 'b' }, v: { $exists: false } })).toHaveProperty('_id');
  });

  it('refuses a measurement whose time field is not a date, and keeps the ones before it (ordered)', async () => {
    const c = db.collection('strict');
    await db.createCollection('strict', { timeseries: { timeField: 't' } });
    await expect(c.insertOne({ t: '2026-01-01' })).rejects.toMatchObject({
      code: 2,
      message: "'t' must be present and contain a valid BSON UTC datetime value",
    });
    await expect(c.insertOne({ x: 1 })).rejects.toMatchObject({ code: 2 });
    const err = await c
      .insertMany([{ t: at('2026-01-01T00:00:00Z') }, { t: 5 }, { t: at('2026-01-01T00:00:01Z') }])
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 2, result: { insertedCount: 1 } });
    expect(await c.countDocuments()).toBe(1);
  });

  it('collMod makes the granularity coarser only, and changes expireAfterSeconds', async () => {
    await db.createCollection('gran', { timeseries: { timeField: 't', granularity: 'seconds' } });
    await db.command({ collMod: 'gran', timeseries: { granularity: 'seconds' } }); // no-op
    await db.command({ collMod: 'gran', timeseries: { granularity: 'hours' } });
    await expect(
      db.command({ collMod: 'gran', timeseries: { granularity: 'minutes' } }),
    ).rejects.toMatchObject({
      code: 72,
    });
    await db.command({ collMod: 'gran', expireAfterSeconds: 60 });
    const [info] = await db.listCollections({ name: 'gran' }, { nameOnly: false }).toArray();
    expect(info?.options).toEqual({
      expireAfterSeconds: 60,
      timeseries: { timeField: 't', granularity: 'hours', bucketMaxSpanSeconds: 2_592_000 },
    });
  });

  it('expires whole buckets past expireAfterSeconds, and drop removes the buckets too', async () => {
    const c = db.collection('ttl');
    await db.createCollection('ttl', { timeseries: { timeField: 't' }, expireAfterSeconds: 3600 });
    await c.insertMany([{ t: new Date(Date.now() - 3 * 3_600_000) }, { t: new Date() }]);
    await waitFor(async () => (await c.countDocuments()) === 1);
    await c.drop();
    const left = await db.listCollections({ name: /ttl/ }).toArray();
    expect(left).toEqual([]);
  });

  it('deletes measurements by any filter, rewriting or removing their buckets', async () => {
    const c = db.collection<{ _id?: unknown; [k: string]: unknown }>('del');
    await db.createCollection('del', { timeseries: { timeField: 't', metaField: 'm' } });
    const rows = [1, 2, 3, 4].map((v) => ({
      _id: v,
      t: at(`2026-03-01T00:00:0${v}Z`),
      m: v % 2 ? 'odd' : 'even',
      v,
    }));
    await c.insertMany(rows as never[]);
    const buckets = db.collection('system.buckets.del');
    expect(await buckets.countDocuments()).toBe(2);
    expect((await c.deleteMany({ v: { $gte: 3 } })).deletedCount).toBe(2);
    expect(await c.find({}, { sort: { t: 1 } }).toArray()).toEqual(rows.slice(0, 2));
    expect((await c.deleteOne({ m: 'odd' })).deletedCount).toBe(1);
    expect(await buckets.countDocuments()).toBe(1); // the odd bucket went with its last measurement
    expect((await c.deleteMany({ v: 99 })).deletedCount).toBe(0);
    const [even] = await buckets.find().toArray();
    expect(even).toMatchObject({ meta: 'even', control: { max: { v: 2 } }, data: { v: { '0': 2 } } });
    expect(await c.find().toArray()).toEqual([rows[1]]);
  });

  it('refuses what it does not implement on measurements, and writes in transactions', async () => {
    const c = db.collection<{ _id?: unknown; [k: string]: unknown }>('readings');
    await expect(c.updateOne({}, { $set: { v: 0 } })).rejects.toMatchObject({ code: 115 });
    await expect(c.createIndex({ v: 1 })).rejects.toMatchObject({ code: 115 });
    await expect(db.renameCollection('readings', 'other')).rejects.toMatchObject({ code: 72 });
    // mongod resolves a time-series collection as a view: no change stream on it
    const stream = c.watch();
    await expect(stream.tryNext()).rejects.toMatchObject({ code: 166 });
    await stream.close();
    const session = h.client.startSession();
    try {
      session.startTransaction();
      await expect(c.insertOne({ t: new Date() }, { session })).rejects.toMatchObject({ code: 263 });
    } finally {
      await session.abortTransaction().catch(() => undefined);
      await session.endSession();
    }
  });

  it('survives a restart from its journal (collection, options and measurements)', async () => {
    const dir = tempDir();
    try {
      let d = await startHarness({ dbPath: dir.path });
      const rows = [
        { _id: 1, t: at('2026-02-01T00:00:00Z'), m: 'x' },
        { _id: 1, t: at('2026-02-01T00:00:01Z'), m: 'x' },
      ];
      await d.client.db('ts').createCollection('j', { timeseries: { timeField: 't', metaField: 'm' } });
      await d.client
        .db('ts')
        .collection('j')
        .insertMany(rows as never[]);
      await d.close();
      d = await startHarness({ dbPath: dir.path });
      expect(
        await d.client
          .db('ts')
          .collection('j')
          .find({}, { sort: { t: 1 } })
          .toArray(),
      ).toEqual(rows);
      const [info] = await d.client.db('ts').listCollections({ name: 'j' }, { nameOnly: false }).toArray();
      expect(info?.type).toBe('timeseries');
      await d.close();
    } finally {
      dir.remove();
    }
  });
});

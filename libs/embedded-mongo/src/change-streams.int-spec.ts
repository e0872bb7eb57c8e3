import { type ChangeStream, type Document, Timestamp } from 'mongodb';
import { type Harness, startHarness, waitFor } from './testing/harness';
import { next, open, take } from './testing/streams';

describe('change streams', () => {
  let h: Harness;
  const streams: ChangeStream[] = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });
  afterAll(() => h.close());
  const watch = async (...args: Parameters<typeof open>): Promise<ChangeStream> => {
    const cs = await open(...args);
    streams.push(cs);
    return cs;
  };

  it('reports insert, update, replace and delete with mongod field shapes', async () => {
    const c = h.client.db('cs').collection('basic');
    const cs = await watch(c);
    await c.insertOne({ _id: 1, a: 1, arr: [1, 2, 3], sub: { x: 1, y: 2 } } as never);
    await c.updateOne({ _id: 1 } as never, { $set: { a: 2, 'sub.x': 5 }, $unset: { 'sub.y': '' } });
    await c.updateOne({ _id: 1 } as never, { $pop: { arr: 1 } });
    await c.replaceOne({ _id: 1 } as never, { b: 1 });
    await c.deleteOne({ _id: 1 } as never);
    const [ins, upd, pop, rep, del] = await take(cs, 5);
    expect(ins).toMatchObject({
      operationType: 'insert',
      ns: { db: 'cs', coll: 'basic' },
      documentKey: { _id: 1 },
      fullDocument: { _id: 1, a: 1 },
    });
    expect(ins?._id).toEqual({ _data: expect.any(String) });
    expect(ins?.clusterTime).toBeInstanceOf(Timestamp);
    expect(ins?.wallTime).toBeInstanceOf(Date);
    expect(upd).toMatchObject({
      operationType: 'update',
      documentKey: { _id: 1 },
      updateDescription: {
        updatedFields: { a: 2, 'sub.x': 5 },
        removedFields: ['sub.y'],
        truncatedArrays: [],
      },
    });
    expect(upd).not.toHaveProperty('fullDocument');
    expect(pop?.updateDescription).toEqual({
      updatedFields: { arr: [1, 2] },
      removedFields: [],
      truncatedArrays: [],
    });
    expect(rep).toMatchObject({ operationType: 'replace', fullDocument: { _id: 1, b: 1 } });
    expect(del).toMatchObject({ operationType: 'delete', documentKey: { _id: 1 } });
    expect(del).not.toHaveProperty('fullDocument');
    const times = [ins, upd, pop, rep, del].map((e) => (e?.clusterTime as Timestamp).toBigInt());
    expect([...times].sort((a, b) => (a < b ? -1 : 1))).toEqual(times);
  });

  it('describes each update the way mongod logs its operators (pipeline updates field by field)', async () => {
    const c = h.client.db('cs').collection('described');
    await c.insertOne({ _id: 1, arr: [1, 2, 3], sub: { x: 1 }, tags: ['a'] } as never);
    const cs = await watch(c);
    await c.updateOne({ _id: 1 } as never, { $push: { arr: 4 } } as never);
    await c.updateOne({ _id: 1 } as never, { $set: { sub: { x: 1, y: 2 }, tags: ['a', 'b'] } });
    await c.updateOne({ _id: 1 } as never, { $set: { 'arr.0': 0 }, $rename: { sub: 'moved' } });
    await c.updateOne({ _id: 1 } as never, [{ $set: { arr: { $slice: ['$arr', 2] }, 'moved.y': 3 } }]);
    const [push, set, rename, pipeline] = (await take(cs, 4)).map((e) => e.updateDescription as Document);
    expect(push).toEqual({ updatedFields: { 'arr.3': 4 }, removedFields: [], truncatedArrays: [] });
    expect(set?.updatedFields).toEqual({ sub: { x: 1, y: 2 }, tags: ['a', 'b'] });
    expect(rename).toEqual({
      updatedFields: { 'arr.0': 0, moved: { x: 1, y: 2 } },
      removedFields: ['sub'],
      truncatedArrays: [],
    });
    expect(pipeline).toEqual({
      updatedFields: { 'moved.y': 3 },
      removedFields: [],
      truncatedArrays: [{ field: 'arr', newSize: 2 }],
    });
  });

  it('reports $addToSet as mongod does: the whole array when it changed, nothing when it did not', async () => {
    const c = h.client.db('cs').collection('sets');
    await c.insertOne({ _id: 1, tags: ['a'], n: 0 } as never);
    const cs = await watch(c);
    await c.updateOne({ _id: 1 } as never, { $addToSet: { tags: 'b' } });
    await c.updateOne({ _id: 1 } as never, { $addToSet: { tags: 'a' }, $inc: { n: 1 } });
    await c.updateOne({ _id: 1 } as never, { $addToSet: { fresh: { $each: [1, 1, 2] } } });
    const [added, unchanged, created] = (await take(cs, 3)).map((e) => e.updateDescription as Document);
    expect(added).toEqual({ updatedFields: { tags: ['a', 'b'] }, removedFields: [], truncatedArrays: [] });
    expect(unchanged?.updatedFields).toEqual({ n: 1 });
    expect(created?.updatedFields).toEqual({ fresh: [1, 2] });
  });

  it('reports drop and rename, then invalidates the collection stream', async () => {
    const db = h.client.db('cs');
    await db.collection('todrop').insertOne({ _id: 1 } as never);
    const cs = await watch(db.collection('todrop'));
    await db.collection('todrop').drop();
    const [drop, inval] = await take(cs, 2);
    expect(drop).toMatchObject({ operationType: 'drop', ns: { db: 'cs', coll: 'todrop' } });
    expect(inval).toMatchObject({ operationType: 'invalidate' });
    expect(cs.closed).toBe(true);

    await db.collection('from').insertOne({ _id: 1 } as never);
    const rs = await watch(db.collection('from'));
    await db.collection('from').rename('to');
    const [rename, inval2] = await take(rs, 2);
    expect(rename).toMatchObject({
      operationType: 'rename',
      ns: { db: 'cs', coll: 'from' },
      to: { db: 'cs', coll: 'to' },
    });
    expect(inval2?.operationType).toBe('invalidate');
  });

  it('watches a whole database (dropDatabase invalidates) and the whole cluster', async () => {
    const db = h.client.db('csdb');
    const dbStream = await watch(db);
    const cluster = await watch(h.client);
    await db.collection('a').insertOne({ _id: 'a' } as never);
    await h.client
      .db('csother')
      .collection('b')
      .insertOne({ _id: 'b' } as never);
    await db.dropDatabase();
    const events = await take(dbStream, 4);
    expect(events.map((e) => e.operationType)).toEqual(['insert', 'drop', 'dropDatabase', 'invalidate']);
    expect(events[2]?.ns).toEqual({ db: 'csdb' });
    const all = await take(cluster, 4);
    expect(all.map((e) => [e.operationType, (e.ns as { db: string } | undefined)?.db])).toEqual([
      ['insert', 'csdb'],
      ['insert', 'csother'],
      ['drop', 'csdb'],
      ['dropDatabase', 'csdb'],
    ]);
  });

  it('with showExpandedEvents names the components of paths with numeric field names (disambiguatedPaths)', async () => {
    const c = h.client.db('cs').collection('ambiguous');
    await c.insertOne({ _id: 1, a: { '1': 1 }, b: [{ '1': 1 }], arr: [1], x: { '2': 0 } } as never);
    const plain = await watch(c);
    const expanded = await watch(c, [], { showExpandedEvents: true });
    await c.updateOne({ _id: 1 } as never, {
      $set: { 'a.1': 2, 'b.0.1': 2, 'arr.0': 5 },
      $unset: { 'x.2': '' },
    });
    await c.updateOne({ _id: 1 } as never, { $set: { y: 1 } });
    const [withoutFlag] = await take(plain, 1);
    expect(withoutFlag?.updateDescription).not.toHaveProperty('disambiguatedPaths');
    const [ambiguous, clear] = (await take(expanded, 2)).map((e) => e.updateDescription as Document);
    expect(ambiguous?.disambiguatedPaths).toEqual({
      'a.1': ['a', '1'],
      'b.0.1': ['b', 0, '1'],
      'x.2': ['x', '2'],
    });
    expect(clear?.disambiguatedPaths).toEqual({});
  });

  it('with showExpandedEvents reports create, createIndexes, dropIndexes, modify and collectionUUID', async () => {
    const db = h.client.db('csddl');
    const cs = await watch(db, [], { showExpandedEvents: true });
    await db.createCollection('e');
    await db.collection('e').createIndex({ a: 1 }, { name: 'a_1' });
    await db.command({ collMod: 'e', validationLevel: 'moderate' });
    await db.collection('e').insertOne({ _id: 1 } as never);
    await db.collection('e').dropIndex('a_1');
    await db.collection('e').rename('f');
    const [create, index, modify, insert, dropIndex, rename] = await take(cs, 6);
    expect(create).toMatchObject({
      operationType: 'create',
      ns: { db: 'csddl', coll: 'e' },
      operationDescription: { idIndex: { key: { _id: 1 }, name: '_id_' } },
    });
    const uuid = create?.collectionUUID as unknown;
    expect(uuid).toBeDefined();
    expect(index).toMatchObject({
      operationType: 'createIndexes',
      collectionUUID: uuid,
      operationDescription: { indexes: [{ key: { a: 1 }, name: 'a_1' }] },
    });
    expect(modify).toMatchObject({
      operationType: 'modify',
      operationDescription: { validationLevel: 'moderate' },
      stateBeforeChange: { collectionOptions: { uuid } },
    });
    expect(insert).toMatchObject({ operationType: 'insert', collectionUUID: uuid });
    expect(dropIndex).toMatchObject({
      operationType: 'dropIndexes',
      operationDescription: { indexes: [{ name: 'a_1' }] },
    });
    expect(rename).toMatchObject({
      operationType: 'rename',
      collectionUUID: uuid,
      operationDescription: { to: { db: 'csddl', coll: 'f' } },
    });
    const plain = await watch(db);
    await db.createCollection('g');
    await db.collection('g').insertOne({ _id: 1 } as never);
    const ev = await next(plain);
    expect(ev.operationType).toBe('insert');
    expect(ev).not.toHaveProperty('collectionUUID');
  });

  it('runs the pipeline after $changeStream on the events', async () => {
    const c = h.client.db('cs').collection('piped');
    const cs = await watch(c, [
      { $match: { operationType: 'insert', 'fullDocument.keep': true } },
      { $project: { 'fullDocument.keep': 1, operationType: 1 } },
    ]);
    await c.insertMany([{ keep: false }, { keep: true, other: 1 }]);
    const ev = await next(cs);
    expect(ev.operationType).toBe('insert');
    expect(ev.fullDocument).toEqual({ keep: true });
    expect(ev).not.toHaveProperty('ns');
  });

  it('refuses pipelines that modify the resume token or use stages change streams do not allow', async () => {
    const c = h.client.db('cs').collection('refused');
    const bad = c.watch([{ $project: { _id: 0 } }], { maxAwaitTimeMS: 50 });
    streams.push(bad);
    await bad.tryNext();
    await c.insertOne({});
    await expect(bad.next()).rejects.toMatchObject({ code: 280 });
    await expect(
      h.client.db('cs').command({
        aggregate: 'refused',
        pipeline: [{ $changeStream: {} }, { $group: { _id: 1 } }],
        cursor: {},
      }),
    ).rejects.toMatchObject({ code: 20 });
    await expect(
      h.client
        .db('cs')
        .command({ aggregate: 'refused', pipeline: [{ $match: {} }, { $changeStream: {} }], cursor: {} }),
    ).rejects.toMatchObject({ code: 40602 });
    await expect(
      h.client
        .db('cs')
        .command({ aggregate: 'refused', pipeline: [{ $changeStream: { bogus: 1 } }], cursor: {} }),
    ).rejects.toMatchObject({ code: 40415 });
    await expect(
      h.client
        .db('cs')
        .command({ aggregate: 1, pipeline: [{ $changeStream: { allChangesForCluster: true } }], cursor: {} }),
    ).rejects.toMatchObject({ code: 73 });
    await expect(
      h.client.db('admin').command({ aggregate: 1, pipeline: [{ $changeStream: {} }], cursor: {} }),
    ).rejects.toMatchObject({ code: 73 });
  });

  it('getMore on the tailable cursor waits for changes, honours maxAwaitTimeMS and returns postBatchResumeToken', async () => {
    const db = h.client.db('cs');
    const first = await db.command({ aggregate: 'raw', pipeline: [{ $changeStream: {} }], cursor: {} });
    const { id, postBatchResumeToken } = first.cursor as Document;
    expect(postBatchResumeToken).toEqual({ _data: expect.any(String) });
    const empty = await db.command({ getMore: id, collection: 'raw', maxTimeMS: 20 });
    expect(empty.cursor.nextBatch).toEqual([]);
    expect(empty.cursor.postBatchResumeToken._data > postBatchResumeToken._data).toBe(true);
    const waiting = db.command({ getMore: id, collection: 'raw', maxTimeMS: 20_000 });
    await db.collection('raw').insertOne({ _id: 'late' } as never);
    const got = await waiting;
    expect(got.cursor.nextBatch).toMatchObject([{ operationType: 'insert', documentKey: { _id: 'late' } }]);
    expect(got.cursor.postBatchResumeToken).toBeDefined();
    await db.command({ killCursors: 'raw', cursors: [id] });
    await expect(db.command({ getMore: id, collection: 'raw' })).rejects.toMatchObject({ code: 43 });
  });

  it('killOp interrupts a waiting getMore (Interrupted 11601)', async () => {
    const db = h.client.db('cs');
    const first = await db.command({ aggregate: 'killed', pipeline: [{ $changeStream: {} }], cursor: {} });
    const id = (first.cursor as Document).id as unknown;
    const waiting = db.command({ getMore: id, collection: 'killed', maxTimeMS: 60_000 });
    const outcome = waiting.then(
      () => null,
      (e: unknown) => e,
    );
    let opid: unknown;
    await waitFor(async () => {
      const ops = await h.client.db('admin').command({ currentOp: 1, 'command.getMore': { $exists: true } });
      opid = (ops.inprog as Document[])[0]?.opid;
      return opid !== undefined;
    });
    await h.client.db('admin').command({ killOp: 1, op: opid });
    expect(await outcome).toMatchObject({ code: 11601 });
  });

  it('shows a transaction at commit, statement by statement with lsid and txnNumber, none of an aborted one', async () => {
    const c = h.client.db('cs').collection('txn');
    await c.insertOne({ _id: 'seed' } as never);
    const cs = await watch(c);
    const session = h.client.startSession();
    try {
      session.startTransaction();
      await c.insertOne({ _id: 'aborted' } as never, { session });
      await session.abortTransaction();
      session.startTransaction();
      await c.insertOne({ _id: 't1' } as never, { session });
      await c.updateOne({ _id: 't1' } as never, { $set: { y: 1 } }, { session });
      await c.updateOne({ _id: 'seed' } as never, { $set: { x: 1 } }, { session });
      expect(await cs.tryNext()).toBeNull();
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    await c.insertOne({ _id: 'after' } as never);
    const events = await take(cs, 4);
    expect(events.map((e) => [e.operationType, e.documentKey as unknown])).toEqual([
      ['insert', { _id: 't1' }],
      ['update', { _id: 't1' }],
      ['update', { _id: 'seed' }],
      ['insert', { _id: 'after' }],
    ]);
    expect(events[0]?.fullDocument).toEqual({ _id: 't1' });
    expect((events[1]?.updateDescription as Document).updatedFields).toEqual({ y: 1 });
    expect(events[0]).toMatchObject({ lsid: { id: expect.anything() }, txnNumber: expect.anything() });
    expect(events[0]?.clusterTime).toEqual(events[2]?.clusterTime);
    expect(events[3]).not.toHaveProperty('lsid');
  });
});

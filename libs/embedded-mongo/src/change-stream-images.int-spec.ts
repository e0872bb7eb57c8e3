import type { ChangeStream } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';
import { next, open, take } from './testing/streams';

describe('change stream full documents and pre/post images', () => {
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
  const db = () => h.client.db('images');

  it("fullDocument: 'updateLookup' gives the document as it is when the event is read (null once deleted)", async () => {
    const c = db().collection<{ _id: number; n: number }>('lookup');
    await c.insertMany([
      { _id: 1, n: 0 },
      { _id: 2, n: 0 },
    ]);
    const cs = await watch(c, [{ $match: { operationType: 'update' } }], { fullDocument: 'updateLookup' });
    await c.updateOne({ _id: 1 }, { $set: { n: 1 } });
    await c.updateOne({ _id: 1 }, { $set: { n: 2 } });
    await c.updateOne({ _id: 2 }, { $set: { n: 1 } });
    await c.deleteOne({ _id: 2 });
    const [a, b, gone] = await take(cs, 3);
    expect(a?.fullDocument).toEqual({ _id: 1, n: 2 });
    expect(a?.updateDescription.updatedFields).toEqual({ n: 1 });
    expect(b?.fullDocument).toEqual({ _id: 1, n: 2 });
    expect(gone?.fullDocument).toBeNull();
  });

  it('without changeStreamPreAndPostImages: whenAvailable gives null, required fails with NoMatchingDocument', async () => {
    const c = db().collection<{ _id: number; n: number }>('noimages');
    await c.insertOne({ _id: 1, n: 0 });
    const soft = await watch(c, [], {
      fullDocument: 'whenAvailable',
      fullDocumentBeforeChange: 'whenAvailable',
    });
    const post = await watch(c, [], { fullDocument: 'required' });
    const pre = await watch(c, [], { fullDocumentBeforeChange: 'required' });
    await c.updateOne({ _id: 1 }, { $set: { n: 1 } });
    const ev = await next(soft);
    expect(ev).toMatchObject({ operationType: 'update', fullDocument: null, fullDocumentBeforeChange: null });
    await expect(next(post)).rejects.toMatchObject({ code: 47, codeName: 'NoMatchingDocument' });
    await expect(next(pre)).rejects.toMatchObject({
      code: 47,
      message: expect.stringContaining('pre-image') as unknown,
    });
  });

  it('with images enabled at create: the post-image of each update and the pre-image of update/replace/delete', async () => {
    await db().createCollection('imaged', { changeStreamPreAndPostImages: { enabled: true } });
    const c = db().collection<{ _id: number; n?: number; r?: boolean }>('imaged');
    await c.insertOne({ _id: 1, n: 0 });
    const cs = await watch(c, [], { fullDocument: 'required', fullDocumentBeforeChange: 'required' });
    await c.updateOne({ _id: 1 }, { $inc: { n: 1 } });
    await c.updateOne({ _id: 1 }, { $inc: { n: 1 } });
    await c.replaceOne({ _id: 1 }, { r: true });
    await c.deleteOne({ _id: 1 });
    const [u1, u2, rep, del] = await take(cs, 4);
    expect(u1).toMatchObject({ fullDocument: { _id: 1, n: 1 }, fullDocumentBeforeChange: { _id: 1, n: 0 } });
    expect(u2).toMatchObject({ fullDocument: { _id: 1, n: 2 }, fullDocumentBeforeChange: { _id: 1, n: 1 } });
    expect(rep).toMatchObject({
      operationType: 'replace',
      fullDocument: { _id: 1, r: true },
      fullDocumentBeforeChange: { _id: 1, n: 2 },
    });
    expect(del).toMatchObject({ operationType: 'delete', fullDocumentBeforeChange: { _id: 1, r: true } });
  });

  it('collMod enables images for the writes after it only', async () => {
    const c = db().collection<{ _id: number; n: number }>('later');
    await c.insertOne({ _id: 1, n: 0 });
    const cs = await watch(c, [{ $match: { operationType: 'update' } }], {
      fullDocumentBeforeChange: 'whenAvailable',
    });
    await c.updateOne({ _id: 1 }, { $set: { n: 1 } });
    await db().command({ collMod: 'later', changeStreamPreAndPostImages: { enabled: true } });
    await c.updateOne({ _id: 1 }, { $set: { n: 2 } });
    const [before, after] = await take(cs, 2);
    expect(before?.fullDocumentBeforeChange).toBeNull();
    expect(after?.fullDocumentBeforeChange).toEqual({ _id: 1, n: 1 });
  });

  it('refuses unknown fullDocument modes like mongod', async () => {
    await expect(
      db().command({
        aggregate: 'x',
        pipeline: [{ $changeStream: { fullDocument: 'sometimes' } }],
        cursor: {},
      }),
    ).rejects.toMatchObject({ code: 2 });
  });
});

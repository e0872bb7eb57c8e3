import { type ChangeStream, type CommandStartedEvent, MongoClient, Timestamp } from 'mongodb';
import { type Harness, startHarness, tempDir } from './testing/harness';
import { next, open, take } from './testing/streams';

describe('change stream resume', () => {
  let h: Harness;
  const streams: ChangeStream[] = [];
  beforeAll(async () => {
    h = await startHarness({ inMemory: true, changeHistorySize: 50 });
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
    await h.client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
  });
  afterAll(() => h.close());
  const watch = async (...args: Parameters<typeof open>): Promise<ChangeStream> => {
    const cs = await open(...args);
    streams.push(cs);
    return cs;
  };
  const coll = (name: string) => h.client.db('resume').collection<{ _id: number | string }>(name);

  it('resumeAfter an event token continues with the events after it', async () => {
    const c = coll('after');
    const cs = await watch(c);
    await c.insertMany([{ _id: 1 }, { _id: 2 }]);
    const first = await next(cs);
    await cs.close();
    await c.insertOne({ _id: 3 });
    const resumed = await watch(c, [], { resumeAfter: first._id });
    expect((await take(resumed, 2)).map((e) => e.documentKey as unknown)).toEqual([{ _id: 2 }, { _id: 3 }]);
  });

  it('a token of an event another stream saw is not found here (280)', async () => {
    const other = await watch(coll('other'));
    await coll('other').insertOne({ _id: 1 });
    const foreign = await next(other);
    const resumed = coll('mine').watch([], { resumeAfter: foreign._id });
    streams.push(resumed);
    await expect(resumed.next()).rejects.toMatchObject({ code: 280, codeName: 'ChangeStreamFatalError' });
  });

  it('startAtOperationTime includes the write that happened at that time', async () => {
    const c = coll('optime');
    const session = h.client.startSession();
    try {
      await c.insertOne({ _id: 'before' }, { session });
      await c.insertOne({ _id: 'at' }, { session });
      const at = session.operationTime as Timestamp;
      await c.insertOne({ _id: 'later' });
      const cs = await watch(c, [], { startAtOperationTime: at });
      expect((await take(cs, 2)).map((e) => e.documentKey as unknown)).toEqual([
        { _id: 'at' },
        { _id: 'later' },
      ]);
    } finally {
      await session.endSession();
    }
  });

  it('startAfter an invalidate starts a new stream on the recreated collection; resumeAfter refuses it', async () => {
    const c = coll('reborn');
    await c.insertOne({ _id: 0 });
    const cs = await watch(c);
    await c.drop();
    const [, invalidate] = await take(cs, 2);
    expect(invalidate?.operationType).toBe('invalidate');
    await c.insertOne({ _id: 1 });
    const again = await watch(c, [], { startAfter: invalidate?._id });
    expect((await next(again)).documentKey).toEqual({ _id: 1 });
    const refused = c.watch([], { resumeAfter: invalidate?._id });
    streams.push(refused);
    await expect(refused.next()).rejects.toMatchObject({ code: 280 });
  });

  it('a resume point older than the retained history gets ChangeStreamHistoryLost (286)', async () => {
    const c = coll('lost');
    const cs = await watch(c);
    await c.insertOne({ _id: 'old' });
    const old = await next(cs);
    await cs.close();
    await c.insertMany(Array.from({ length: 60 }, (_, i) => ({ _id: i })));
    const resumed = c.watch([], { resumeAfter: old._id });
    streams.push(resumed);
    await expect(resumed.next()).rejects.toMatchObject({ code: 286, codeName: 'ChangeStreamHistoryLost' });
    const ancient = c.watch([], { startAtOperationTime: new Timestamp({ t: 1, i: 1 }) });
    streams.push(ancient);
    await expect(ancient.next()).rejects.toMatchObject({ code: 286 });
  });

  it.each([
    ['a resumable error', { errorCode: 6 }],
    ['a closed connection', { closeConnection: true }],
  ])('the driver resumes transparently after %s on getMore, losing no event', async (_, data) => {
    const client = new MongoClient(h.server.uri, { monitorCommands: true });
    const aggregates: CommandStartedEvent[] = [];
    client.on('commandStarted', (e) => {
      if (e.commandName === 'aggregate') aggregates.push(e);
    });
    try {
      const c = client
        .db('resume')
        .collection<{ _id: number }>('closeConnection' in data ? 'closed' : 'errored');
      const cs = await watch(c);
      await c.insertOne({ _id: 1 });
      expect((await next(cs)).documentKey).toEqual({ _id: 1 });
      await h.client.db('admin').command({
        configureFailPoint: 'failCommand',
        mode: { times: 1 },
        data: { failCommands: ['getMore'], ...data },
      });
      await c.insertMany([{ _id: 2 }, { _id: 3 }]);
      expect((await take(cs, 2)).map((e) => e.documentKey as unknown)).toEqual([{ _id: 2 }, { _id: 3 }]);
      expect(aggregates).toHaveLength(2);
      expect(aggregates[1]?.command.pipeline[0].$changeStream.resumeAfter).toBeDefined();
    } finally {
      await client.close();
    }
  });
});

describe('change streams on a durable server', () => {
  it('report a write once it is journaled, and resume from a batch token', async () => {
    const dir = tempDir();
    const h = await startHarness({ dbPath: dir.path });
    try {
      const c = h.client.db('durable').collection<{ _id: number }>('c');
      const cs = await open(c);
      await c.insertMany([{ _id: 1 }, { _id: 2 }]);
      const first = await next(cs);
      expect(first.documentKey).toEqual({ _id: 1 });
      await cs.close();
      const again = await open(c, [], { resumeAfter: first._id });
      expect((await next(again)).documentKey).toEqual({ _id: 2 });
      await again.close();
    } finally {
      await h.close();
      dir.remove();
    }
  });
});

describe('change history retention', () => {
  it('keeps the full history while a stream is open, and only the last 1,000 changes when idle', async () => {
    const h = await startHarness({ inMemory: true, changeHistorySize: 5000 });
    try {
      const c = h.client.db('retention').collection<{ _id: number }>('c');
      const rows = (from: number) => Array.from({ length: 1500 }, (_, i) => ({ _id: from + i }));
      const watching = await open(c);
      await c.insertOne({ _id: -1 });
      const start = await next(watching);
      await c.insertMany(rows(0));
      const resumed = await open(c, [], { resumeAfter: start._id });
      expect((await next(resumed)).documentKey).toEqual({ _id: 0 });
      await Promise.all([watching.close(), resumed.close()]);

      const idle = await startHarness({ inMemory: true, changeHistorySize: 5000 });
      try {
        const ic = idle.client.db('retention').collection<{ _id: number }>('c');
        await ic.insertOne({ _id: -1 });
        const before = (await idle.client.db('admin').command({ ping: 1 })).operationTime as Timestamp;
        await ic.insertMany(rows(0));
        const late = ic.watch([], { startAtOperationTime: before });
        await expect(late.next()).rejects.toMatchObject({ code: 286 });
        await late.close();
      } finally {
        await idle.close();
      }
    } finally {
      await h.close();
    }
  });
});

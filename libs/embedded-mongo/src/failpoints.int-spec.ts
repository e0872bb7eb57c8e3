import { MongoClient, type MongoServerError } from 'mongodb';
import { startEmbeddedMongo } from './server/start';
import { type Harness, startHarness } from './testing/harness';

const failCommand = (mode: unknown, data: Record<string, unknown>) => ({
  configureFailPoint: 'failCommand',
  mode,
  data,
});

describe('configureFailPoint (failCommand)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  afterEach(() => h.client.db('admin').command(failCommand('off', { failCommands: [] })));

  const admin = () => h.client.db('admin');
  const coll = () => h.client.db('fp').collection('c');

  it('fails the chosen command `times` times with the code, then lets it through', async () => {
    await admin().command(failCommand({ times: 2 }, { failCommands: ['find'], errorCode: 91 }));
    const noRetry = new MongoClient(h.server.uri, { retryReads: false });
    try {
      for (let i = 0; i < 2; i++)
        await expect(noRetry.db('fp').collection('c').findOne({})).rejects.toMatchObject({
          code: 91,
          codeName: 'ShutdownInProgress',
        });
      await expect(noRetry.db('fp').collection('c').findOne({})).resolves.toBeNull();
    } finally {
      await noRetry.close();
    }
  });

  it('labels a retryable write error so the driver retries it once, and the write happens once', async () => {
    await admin().command(failCommand({ times: 1 }, { failCommands: ['insert'], errorCode: 10107 }));
    await coll().insertOne({ _id: 'retried' } as never);
    expect(await coll().countDocuments({ _id: 'retried' } as never)).toBe(1);
  });

  it('closes the connection, and the driver recovers on a new one', async () => {
    await admin().command(failCommand({ times: 1 }, { failCommands: ['insert'], closeConnection: true }));
    await coll().insertOne({ _id: 'after-close' } as never);
    expect(await coll().countDocuments({ _id: 'after-close' } as never)).toBe(1);
  });

  it('skips the first n matches, honours explicit errorLabels and the appName filter', async () => {
    await admin().command(
      failCommand({ skip: 1 }, { failCommands: ['ping'], errorCode: 8, errorLabels: ['Custom'] }),
    );
    await admin().command({ ping: 1 });
    const err = (await admin()
      .command({ ping: 1 })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(err.hasErrorLabel('Custom')).toBe(true);
    await admin().command(
      failCommand('alwaysOn', { failCommands: ['ping'], errorCode: 8, appName: 'other' }),
    );
    await expect(admin().command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
  });

  it('blocks the connection for blockTimeMS and reports a writeConcernError after applying the write', async () => {
    await admin().command(
      failCommand(
        { times: 1 },
        {
          failCommands: ['insert'],
          blockConnection: true,
          blockTimeMS: 150,
          writeConcernError: { code: 64, errmsg: 'wtimeout' },
        },
      ),
    );
    const started = Date.now();
    const err = (await h.client
      .db('fp')
      .collection('wce')
      .insertOne({ _id: 1 } as never, { writeConcern: { w: 'majority' } })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(err.code).toBe(64);
    expect(await h.client.db('fp').collection('wce').countDocuments()).toBe(1);
  });

  it('does not exist unless the server runs with test commands enabled', async () => {
    const server = await startEmbeddedMongo({ inMemory: true, port: 0 });
    const client = new MongoClient(server.uri);
    try {
      await expect(
        client.db('admin').command(failCommand('alwaysOn', { failCommands: ['ping'], errorCode: 8 })),
      ).rejects.toMatchObject({ code: 59 });
    } finally {
      await client.close();
      await server.stop();
    }
  });
});

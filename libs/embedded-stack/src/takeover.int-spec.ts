import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { eventually } from '@shop/testing';
import { MongoClient } from 'mongodb';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDiscovery } from './discovery';
import { connectOrStartEmbedded, type Stack } from './embedded-stack';

const root = path.resolve(__dirname, '../../..');

describe('a second process on the same DATA_DIR', () => {
  let dataDir: string;
  let owner: ChildProcess | undefined;
  let second: Stack | undefined;
  const clients: { close(): Promise<void> }[] = [];

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'takeover-'));
  });
  afterEach(async () => {
    owner?.kill('SIGKILL');
    await Promise.allSettled(clients.map((c) => c.close()));
    await second?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const startOwner = async (): Promise<{ eventStoreUrl: string; mongoUrl: string }> => {
    owner = spawn(
      process.execPath,
      ['-r', '@swc-node/register', path.join(__dirname, 'testing/owner-child.ts')],
      {
        cwd: root,
        env: { ...process.env, DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const [line] = (await once(owner.stdout!, 'data')) as [Buffer];
    return JSON.parse(line.toString()) as { eventStoreUrl: string; mongoUrl: string };
  };

  it('uses the owner’s servers, and takes the data directory over when the owner dies, losing nothing', async () => {
    const urls = await startOwner();
    const logs: string[] = [];
    second = await connectOrStartEmbedded({ dataDir, log: (m) => logs.push(m) });
    expect({ eventStoreUrl: second.eventStoreUrl, mongoUrl: second.mongoUrl }).toEqual(urls);
    expect(second.started).toEqual({ eventStore: false, mongo: false });

    // The second process's clients, created once, as an API's are.
    const esdb = EventStoreDBClient.connectionString(second.eventStoreUrl);
    const mongo = await new MongoClient(second.mongoUrl, { serverSelectionTimeoutMS: 20_000 }).connect();
    clients.push({ close: () => esdb.dispose() }, mongo);
    await esdb.appendToStream('order-1', jsonEvent({ type: 'OrderPlaced', data: { n: 1 } }));
    await mongo
      .db('shop')
      .collection('orders')
      .insertOne({ _id: 'order-1' as never, n: 1 });

    owner!.kill('SIGKILL');
    await once(owner!, 'exit');
    await eventually(() => second!.started.eventStore && second!.started.mongo, { timeoutMs: 20_000 });
    expect(logs.join('\n')).toContain('took over');
    expect((await readDiscovery(dataDir))?.pid).toBe(process.pid);

    // The same clients reconnect to the same addresses, see everything written before, and write on.
    const read = async () => {
      const events = [];
      for await (const e of esdb.readStream('order-1')) events.push(e.event?.type);
      return events;
    };
    await esdb.appendToStream('order-1', jsonEvent({ type: 'OrderConfirmed', data: { n: 2 } }));
    expect(await read()).toEqual(['OrderPlaced', 'OrderConfirmed']);
    await mongo
      .db('shop')
      .collection('orders')
      .insertOne({ _id: 'order-2' as never, n: 2 });
    expect(await mongo.db('shop').collection('orders').countDocuments()).toBe(2);
  }, 60_000);
});

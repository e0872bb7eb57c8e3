import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type EmbeddedEventStore, startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { expectOneLineError, json, runCli } from './testing/run-cli';

/** Nothing listens on port 9 here: a command that tried to reach these servers would fail or hang. */
const UNREACHABLE = {
  EVENTSTORE_URL: 'esdb://admin:changeit@127.0.0.1:9?tls=false',
  MONGO_URL: 'mongodb://shop:hunter2@127.0.0.1:9/?directConnection=true&serverSelectionTimeoutMS=20000',
};

describe('CLI commands that must not need every server', () => {
  let dataDir: string;
  let eventStore: EmbeddedEventStore;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-fast-'));
    eventStore = await startEmbeddedEventStore({ dataDir: path.join(dataDir, 'eventstore'), port: 0 });
  });
  afterAll(async () => {
    await eventStore.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('config connects to nothing and masks the passwords in the URLs', async () => {
    const result = await runCli(['config', '--json'], { ...UNREACHABLE, DATA_DIR: dataDir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(json(result)).toMatchObject({
      eventStore: 'esdb://admin:****@127.0.0.1:9?tls=false',
      mongo: 'mongodb://shop:****@127.0.0.1:9/?directConnection=true&serverSelectionTimeoutMS=20000',
    });
    expect(result.stdout).not.toContain('changeit');
    expect(result.stdout).not.toContain('hunter2');
  });

  it('reports a usage error before connecting to anything', async () => {
    const result = await runCli(['streams', 'state'], { ...UNREACHABLE, DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("error: missing required argument 'stream'");
  });

  it('reads EventStoreDB without waiting for an unreachable MongoDB', async () => {
    const result = await runCli(['streams', 'list', '--json'], {
      EVENTSTORE_URL: eventStore.url,
      MONGO_URL: UNREACHABLE.MONGO_URL,
      DATA_DIR: dataDir,
    });
    expect(result).toMatchObject({ code: 0 });
    expect(Array.isArray(json(result))).toBe(true);
  });

  it('refuses streams state --at-revision past the end of the stream', async () => {
    const productId = randomUUID();
    const stream = `product-${productId}`;
    const client = EventStoreDBClient.connectionString(eventStore.url);
    const data = { productId, sku: 'REV-1', name: 'Rev', priceCents: 1, currency: 'EUR' };
    await client.appendToStream(
      stream,
      jsonEvent({ type: 'ProductRegistered', data, metadata: { schemaVersion: 1 } }),
    );
    await client.dispose();
    const env = { EVENTSTORE_URL: eventStore.url, MONGO_URL: UNREACHABLE.MONGO_URL, DATA_DIR: dataDir };
    const atZero = await runCli(['streams', 'state', stream, '--at-revision', '0', '--json'], env);
    expect(json(atZero)).toMatchObject({ revision: '0' });
    const past = await runCli(['streams', 'state', stream, '--at-revision', '5'], env);
    expectOneLineError(past, /has no revision 5: its last revision is 0/);
  });
});

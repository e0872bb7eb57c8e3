import { EventStoreDBClient } from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { startEmbeddedMongo } from '@shop/embedded-mongo';
import { MongoClient } from 'mongodb';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { entry } from '../bench-entry';
import { preloads } from '../preloads';
import type { BenchEntry, BenchSuite } from '../bench-entry';
import { EVENTS, type ReadAndRebuild, readAndRebuild, seedProducts } from '../rebuild/measure';

const ROUNDS = 3;

/** Runs `bench/rebuild/child.ts` (a fresh process) against the given servers and returns its rates. */
async function readAndRebuildInChild(eventStoreUrl: string, mongoUri: string): Promise<ReadAndRebuild> {
  const child = spawn(
    process.execPath,
    [...preloads(), path.join(__dirname, '../rebuild/child.ts'), eventStoreUrl, mongoUri, String(ROUNDS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  // 'close', not 'exit': only then has all of its stdout been read.
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) throw new Error(`rebuild child failed (${signal ?? `exit code ${code}`})`);
  const result = out.trim().split('\n').pop() ?? '';
  return JSON.parse(result) as ReadAndRebuild;
}

/**
 * The servers in their own process, as `npm run devstack` runs them (durable, on disk): closer to
 * production, where EventStoreDB and MongoDB do not share the projection's event loop.
 */
async function startDevstack(): Promise<{ eventStoreUrl: string; mongoUri: string; stop: () => void }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-devstack-'));
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/devstack/src/main.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      DEVSTACK_EVENTSTORE_PORT: '0',
      DEVSTACK_MONGO_PORT: '0',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  let out = '';
  const urls = await new Promise<{ eventStoreUrl: string; mongoUri: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`devstack exited (${code})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const eventStoreUrl = /EVENTSTORE_URL=(\S+)/.exec(out)?.[1];
      const mongoUri = /MONGO_URL=(\S+)/.exec(out)?.[1];
      if (eventStoreUrl && mongoUri) resolve({ eventStoreUrl, mongoUri });
    });
  }).catch((error: unknown) => {
    stop();
    throw error;
  });
  return { ...urls, stop };
}

const suite: BenchSuite = {
  name: 'projections',
  async run(): Promise<BenchEntry[]> {
    Logger.overrideLogger(['error']);
    // Zero setup: the servers share this process with the rebuild, as `npm start` runs them.
    const eventStore = await startEmbeddedEventStore({ inMemory: true, port: 0 });
    const mongoServer = await startEmbeddedMongo({ inMemory: true, port: 0 }).catch(async (error) => {
      await eventStore.stop();
      throw error;
    });
    const rssBefore = process.memoryUsage().rss;
    let seed: number;
    let local: ReadAndRebuild;
    let peakRss: number;
    const esdb = EventStoreDBClient.connectionString(eventStore.url);
    const mongo = new MongoClient(mongoServer.uri);
    try {
      await mongo.connect();
      seed = await seedProducts(esdb);
      local = await readAndRebuild(esdb, mongo, ROUNDS);
      peakRss = Math.max(process.memoryUsage().rss, rssBefore) / 2 ** 20;
    } finally {
      await mongo.close();
      await esdb.dispose();
      await mongoServer.stop();
      await eventStore.stop();
    }
    // The servers in their own process, seeded from here; read and rebuild run in a fresh process.
    const devstack = await startDevstack();
    let remote: ReadAndRebuild;
    try {
      const seeder = EventStoreDBClient.connectionString(devstack.eventStoreUrl);
      await seedProducts(seeder).finally(() => seeder.dispose());
      remote = await readAndRebuildInChild(devstack.eventStoreUrl, devstack.mongoUri);
    } finally {
      devstack.stop();
    }
    return [
      entry(`seed ${EVENTS.toLocaleString('en')} events (batches of 100, 8 in flight)`, seed, 'events/s'),
      entry(`raw $all read (median of ${ROUNDS})`, local.read, 'events/s'),
      entry(
        `products rebuild (median of ${ROUNDS}; baseline: raw $all read)`,
        local.rebuild,
        'events/s',
        local.read,
        '>= 0.5',
      ),
      entry('bench process RSS after rebuilds (in-process servers)', peakRss, 'MiB'),
      entry(
        'raw $all read, servers in their own process (devstack, on disk), fresh client process',
        remote.read,
        'events/s',
      ),
      entry(
        'products rebuild, servers in their own process, fresh client process (baseline: that raw read)',
        remote.rebuild,
        'events/s',
        remote.read,
        '>= 25000',
      ),
    ];
  },
};

export default suite;

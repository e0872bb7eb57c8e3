import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, START, jsonEvent } from '@eventstore/db-client';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';

const PAYLOAD = { sku: 'SKU-000123', quantity: 3, price: 1999, note: 'bench event payload' };
const RECORD_BYTES = 200;

/** Scripts of the lib's bin/ folder; the same relative layout holds for the TypeScript sources and dist/. */
const libScript = (name: string): string => join(__dirname, '../../libs/embedded-eventstore/src/bin', name);

/** Only preloads (e.g. `-r @swc-node/register` when run from TypeScript) are passed on: `-e` code must not re-run. */
const preloads = (): string[] =>
  process.execArgv.flatMap((arg, i, all) =>
    arg === '-r' || arg === '--require' ? [arg, all[i + 1] ?? ''] : arg.startsWith('--require=') ? [arg] : [],
  );

/** Runs the server in its own process, as a real EventStoreDB would be, so client and server each get a core. */
const spawnServer = async (dataDir: string): Promise<{ url: string; child: ChildProcess }> => {
  const child = spawn(process.execPath, [...preloads(), libScript('serve'), '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, child };
};

const stopServer = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** Drives `workers` concurrent loops for `ms` milliseconds and returns operations per second. */
const timed = async (
  workers: number,
  ms: number,
  op: (worker: number) => Promise<number>,
): Promise<number> => {
  const deadline = performance.now() + ms;
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < deadline) {
        // Not `done += await op()`: that reads `done` before the await and loses concurrent updates.
        const count = await op(w);
        done += count;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
};

/** Baseline: one writer doing write + fdatasync of `perSync` 200-byte records, records per second. */
const rawFsync = (dir: string, perSync: number, ms = 1500): number => {
  const fd = openSync(join(dir, `raw-${perSync}.bin`), 'w');
  const buf = Buffer.alloc(RECORD_BYTES * perSync, 1);
  const started = performance.now();
  let records = 0;
  while (performance.now() - started < ms) {
    writeSync(fd, buf);
    fdatasyncSync(fd);
    records += perSync;
  }
  closeSync(fd);
  return records / ((performance.now() - started) / 1000);
};

/** Generates the big log in a child process through the storage layer (no gRPC: that would take minutes). */
const generateLog = (dataDir: string, events: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...preloads(), libScript('generate-log'), '--data-dir', dataDir, '--events', String(events)],
      {
        stdio: 'inherit',
      },
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`generate-log exited with ${code}`)),
    );
  });

const suite: BenchSuite = {
  name: 'embedded-eventstore',
  async run(): Promise<BenchEntry[]> {
    const dir = await mkdtemp(join(tmpdir(), 'bench-esdb-'));
    const results: BenchEntry[] = [];
    try {
      const rawSingle = rawFsync(dir, 1);
      const rawBatch = rawFsync(dir, 100);
      const { url, child } = await spawnServer(join(dir, 'data'));
      const client = EventStoreDBClient.connectionString(url);
      try {
        await client.appendToStream('warmup', jsonEvent({ type: 'Warm', data: PAYLOAD }));
        const single = await timed(50, 5000, async (w) => {
          await client.appendToStream(`writer-${w}`, jsonEvent({ type: 'StockAdjusted', data: PAYLOAD }));
          return 1;
        });
        results.push(
          entry(
            'single-event appends/s, 50 concurrent writers, fsync on (baseline: raw 200 B write+fdatasync/s, 1 writer)',
            single,
            'appends/s',
            rawSingle,
            '>= 15000',
          ),
        );
        const batch = Array.from({ length: 100 }, () => jsonEvent({ type: 'StockAdjusted', data: PAYLOAD }));
        const batched = await timed(4, 5000, async (w) => {
          await client.appendToStream(
            `batch-${w}`,
            batch.map((e) => ({ ...e, id: crypto.randomUUID() })),
          );
          return 100;
        });
        results.push(
          entry(
            'events/s in 100-event batches, 4 writers (baseline: raw write+fdatasync of 100 x 200 B records, records/s)',
            batched,
            'events/s',
            rawBatch,
            '>= 100000',
          ),
        );
        let read = 0;
        let started = performance.now();
        for await (const _ of client.readAll()) read++;
        const readAll = read / ((performance.now() - started) / 1000);
        results.push(
          entry(
            `readAll events/s (${read} events, server in its own process)`,
            readAll,
            'events/s',
            null,
            '>= 200000',
          ),
        );
        started = performance.now();
        const subscribed = await new Promise<number>((resolve, reject) => {
          let n = 0;
          const sub = client.subscribeToAll({ fromPosition: START });
          sub.on('data', () => n++);
          sub.on('caughtUp', () => {
            resolve(n);
            void sub.unsubscribe();
          });
          sub.on('error', reject);
        });
        results.push(
          entry(
            `catch-up subscription events/s ($all from start to caught-up, ${subscribed} events)`,
            subscribed / ((performance.now() - started) / 1000),
            'events/s',
            readAll,
          ),
        );
      } finally {
        await client.dispose();
        await stopServer(child);
      }
      const recoveryDir = join(dir, 'recovery');
      await generateLog(recoveryDir, 1_000_000);
      const t0 = performance.now();
      const server = await startEmbeddedEventStore({ dataDir: recoveryDir });
      const recoveryMs = performance.now() - t0;
      await server.stop();
      results.push(entry('recovery (open, validate, index) of a 1M-event log', recoveryMs, 'ms'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return results;
  },
};

export default suite;

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { type Command, type Decider } from '@shop/event-sourcing';
import { type AggregateStore, createEventStoreServices } from '@shop/eventstore';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';

// A minimal aggregate: the cost measured is the kernel's (load, fold, decide, append), not domain logic.
type Add = Command<'Add', { by: number }>;
type Added = { type: 'Added'; data: { by: number } };
const counter: Decider<{ value: number }, Add, Added> = {
  initialState: () => ({ value: 0 }),
  evolve: (state, event) => ({ value: state.value + event.data.by }),
  decide: (command) => [{ type: 'Added', data: { by: command.data.by } }],
};
const snapshotted = { ...counter, snapshots: { every: 100, schemaVersion: 1 } };
const add = (): Add => ({ type: 'Add', data: { by: 1 }, metadata: { now: new Date() } });

const CALLERS = 50;
const WINDOW_MS = 4000;

/** Drives `workers` concurrent loops for `ms` milliseconds; returns operations per second. */
const timed = async (workers: number, ms: number, op: (worker: number) => Promise<void>): Promise<number> => {
  const started = performance.now();
  const deadline = started + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < deadline) {
        await op(w);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
};

/** Median time of `runs` calls, in milliseconds (after one warm-up call). */
const medianMs = async (runs: number, op: () => Promise<unknown>): Promise<number> => {
  await op();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await op();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
};

const seedStream = async (client: EventStoreDBClient, stream: string, events: number): Promise<void> => {
  for (let n = 0; n < events; n += 1000) {
    const batch = Array.from({ length: Math.min(1000, events - n) }, () =>
      jsonEvent({ type: 'Added', data: { by: 1 }, metadata: { schemaVersion: 1 } }),
    );
    await client.appendToStream(stream, batch);
  }
};

const loadTimes = async (client: EventStoreDBClient, store: AggregateStore): Promise<BenchEntry[]> => {
  const entries: BenchEntry[] = [];
  for (const size of [10, 1_000, 10_000]) {
    const stream = `benchload-${randomUUID()}`;
    await seedStream(client, stream, size - 1);
    // The last event goes through handle(), which writes the snapshot at the stream's end.
    await store.handle({ ...snapshotted, snapshots: { every: 1, schemaVersion: 1 } }, stream, add());
    const runs = size >= 10_000 ? 7 : 21;
    const full = await medianMs(runs, () => store.load(snapshotted, stream, { useSnapshot: false }));
    const fromSnapshot = await medianMs(runs, () => store.load(snapshotted, stream, { useCache: false }));
    const loaded = await store.load(snapshotted, stream, { useCache: false });
    if (loaded.state.value !== size || loaded.snapshotRevision !== BigInt(size - 1)) {
      throw new Error(`load of ${size} events is wrong: ${JSON.stringify({ value: loaded.state.value })}`);
    }
    entries.push(
      entry(`load ${size} events, full replay`, full, 'ms'),
      entry(`load ${size} events, from snapshot (baseline: full replay)`, fromSnapshot, 'ms', full),
    );
    if (size === 10_000) {
      entries.push(entry('snapshot load speed-up at 10,000 events', full / fromSnapshot, 'x', null, '>= 20'));
    }
  }
  return entries;
};

const suite: BenchSuite = {
  name: 'eventstore',
  async run(): Promise<BenchEntry[]> {
    const dataDir = await mkdtemp(join(tmpdir(), 'eventstore-bench-'));
    const server = await startEmbeddedEventStore({ dataDir, port: 0 });
    const client = EventStoreDBClient.connectionString(server.url);
    try {
      const { store } = createEventStoreServices(client, {
        retry: { conflictRetries: 100, maxDelayMs: 100 },
      });
      const run = randomUUID().slice(0, 8);
      await timed(CALLERS, 500, (w) =>
        store.handle(counter, `benchwarm-${run}${w}`, add()).then(() => undefined),
      );

      // Baseline: what the client alone does with 50 writers, one event per append, no read, no expectation.
      const raw = await timed(CALLERS, WINDOW_MS, (w) =>
        client
          .appendToStream(`benchraw-${run}${w}`, jsonEvent({ type: 'Added', data: { by: 1 } }))
          .then(() => undefined),
      );
      const distinct = await timed(CALLERS, WINDOW_MS, (w) =>
        store.handle(counter, `benchdistinct-${run}${w}`, add()).then(() => undefined),
      );
      const hot = await timed(CALLERS, WINDOW_MS, (w) =>
        store.handle(counter, `benchhot-${run}${w % 10}`, add()).then(() => undefined),
      );
      return [
        entry('raw appends, 50 writers (client only)', raw, 'ops/s'),
        entry(
          'handle(), 50 callers on distinct streams (baseline: raw appends)',
          distinct,
          'commands/s',
          raw,
        ),
        entry('handle(), 50 callers on 10 hot streams (baseline: raw appends)', hot, 'commands/s', raw),
        ...(await loadTimes(client, store)),
      ];
    } finally {
      await client.dispose();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

export default suite;

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { EventStoreDBClient, START, jsonEvent } from '@eventstore/db-client';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { entry } from '../bench-entry';
import { preloads } from '../preloads';
import type { BenchEntry, BenchSuite } from '../bench-entry';

const PAYLOAD = { sku: 'SKU-000123', quantity: 3, price: 1999, note: 'bench event payload' };
const RECORD_BYTES = 200;

/** Scripts of the lib's bin/ folder; the same relative layout holds for the TypeScript sources and dist/. */
const libScript = (name: string): string => join(__dirname, '../../libs/embedded-eventstore/src/bin', name);

/** Runs the server in its own process, as a real EventStoreDB would be, so client and server each get a core. */
const spawnServer = async (
  dataDir: string,
  secure = false,
): Promise<{ url: string; child: ChildProcess }> => {
  const args = [libScript('serve'), '--data-dir', dataDir, ...(secure ? ['--secure'] : [])];
  const child = spawn(process.execPath, [...preloads(), ...args], {
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

/*
 * Baseline server: a gRPC stub in a worker thread, built from the same generated service definitions, that
 * acknowledges BatchAppend at once without storing anything and answers Read with one pre-encoded event
 * repeated. The official client against it shows the ceiling the client and transport allow on this
 * machine; the ratio says how much of that ceiling the real server reaches.
 */
const STUB_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const grpc = require('@grpc/grpc-js');
const gen = (name) => require('@eventstore/db-client/generated/' + name);
const streams = gen('streams_pb');
const shared = gen('shared_pb');
const features = gen('serverfeatures_pb');
const { StreamsService } = gen('streams_grpc_pb');
const { ServerFeaturesService } = gen('serverfeatures_grpc_pb');
const recorded = new streams.ReadResp.ReadEvent.RecordedEvent();
const id = new shared.UUID(); id.setString('7d7928d8-496d-485d-b5f4-a6f70c0f93a7'); recorded.setId(id);
const sid = new shared.StreamIdentifier(); sid.setStreamName(Buffer.from('product-1')); recorded.setStreamIdentifier(sid);
recorded.setStreamRevision('5'); recorded.setPreparePosition('123456'); recorded.setCommitPosition('123456');
recorded.getMetadataMap().set('type', 'StockAdjusted');
recorded.getMetadataMap().set('content-type', 'application/json');
recorded.getMetadataMap().set('created', Date.now() + '0000');
recorded.setData(Buffer.from(JSON.stringify(workerData.payload)));
const readEvent = new streams.ReadResp.ReadEvent(); readEvent.setEvent(recorded); readEvent.setCommitPosition('123456');
const eventResp = new streams.ReadResp(); eventResp.setEvent(readEvent);
const eventBytes = Buffer.from(eventResp.serializeBinary());
const read = StreamsService.read;
const service = { ...StreamsService, read: { ...read, responseSerialize: (v) => Buffer.isBuffer(v) ? v : read.responseSerialize(v) } };
const server = new grpc.Server();
let position = 16;
server.addService(service, {
  batchAppend(call) {
    call.on('data', (req) => {
      if (!req.getIsFinal()) return;
      const resp = new streams.BatchAppendResp();
      resp.setCorrelationId(req.getCorrelationId());
      resp.setStreamIdentifier(req.getOptions() ? req.getOptions().getStreamIdentifier() : sid);
      const success = new streams.BatchAppendResp.Success();
      success.setCurrentRevision('0');
      const p = new shared.AllStreamPosition(); p.setCommitPosition(String(position)); p.setPreparePosition(String(position));
      position += 100;
      success.setPosition(p); resp.setSuccess(success); call.write(resp);
    });
    call.on('end', () => call.end());
  },
  read(call) {
    const subscription = call.request.getOptions().hasSubscription();
    if (subscription) {
      const c = new streams.ReadResp(); const conf = new streams.ReadResp.SubscriptionConfirmation();
      conf.setSubscriptionId('stub'); c.setConfirmation(conf); call.write(c);
    }
    let sent = 0;
    const pump = () => {
      while (sent < workerData.events) {
        sent++;
        if (!call.write(eventBytes)) { call.once('drain', pump); return; }
      }
      if (subscription) { const u = new streams.ReadResp(); u.setCaughtUp(new streams.ReadResp.CaughtUp()); call.write(u); }
      else call.end();
    };
    pump();
  },
});
server.addService(ServerFeaturesService, {
  getSupportedMethods(_call, callback) {
    const reply = new features.SupportedMethods();
    reply.setEventStoreServerVersion('24.10.0');
    reply.setMethodsList(['read', 'batchappend'].map((m) => {
      const method = new features.SupportedMethod();
      method.setServiceName('event_store.client.streams.streams'); method.setMethodName(m); return method;
    }));
    callback(null, reply);
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  parentPort.postMessage(port);
});
`;

const startStub = async (events: number): Promise<{ url: string; worker: Worker }> => {
  const worker = new Worker(STUB_SOURCE, { eval: true, workerData: { events, payload: PAYLOAD } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (value: number) => resolve(value));
    worker.once('error', reject);
  });
  return { url: `esdb://127.0.0.1:${port}?tls=false`, worker };
};

interface Workload {
  single: number;
  batched: number;
  readAll: number;
  read: number;
  subscription: number;
}

/** The client-side workload, identical against the real server and the stub. */
const workload = async (url: string, ms: number): Promise<Workload> => {
  const client = EventStoreDBClient.connectionString(url);
  try {
    await client.appendToStream('warmup', jsonEvent({ type: 'Warm', data: PAYLOAD }));
    const single = await timed(50, ms, async (w) => {
      await client.appendToStream(`writer-${w}`, jsonEvent({ type: 'StockAdjusted', data: PAYLOAD }));
      return 1;
    });
    const batch = Array.from({ length: 100 }, () => jsonEvent({ type: 'StockAdjusted', data: PAYLOAD }));
    const batched = await timed(4, ms, async (w) => {
      await client.appendToStream(
        `batch-${w}`,
        batch.map((e) => ({ ...e, id: crypto.randomUUID() })),
      );
      return 100;
    });
    let read = 0;
    let started = performance.now();
    for await (const _ of client.readAll()) read++;
    const readAll = read / ((performance.now() - started) / 1000);
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
    const subscription = subscribed / ((performance.now() - started) / 1000);
    return { single, batched, readAll, read, subscription };
  } finally {
    await client.dispose();
  }
};

const suite: BenchSuite = {
  name: 'embedded-eventstore',
  async run(): Promise<BenchEntry[]> {
    const dir = await mkdtemp(join(tmpdir(), 'bench-esdb-'));
    try {
      const rawSingle = rawFsync(dir, 1);
      const { url, child } = await spawnServer(join(dir, 'data'));
      let real: Workload;
      try {
        real = await workload(url, 5000);
      } finally {
        await stopServer(child);
      }
      // Secure mode (TLS + Basic credentials checked and stream ACLs on every call) against plain, same run.
      const secureServer = await spawnServer(join(dir, 'secure'), true);
      let secure: Workload;
      try {
        secure = await workload(secureServer.url, 3000);
      } finally {
        await stopServer(secureServer.child);
      }
      const stub = await startStub(real.read);
      let ceiling: Workload;
      try {
        ceiling = await workload(stub.url, 3000);
      } finally {
        await stub.worker.terminate();
      }
      const recoveryDir = join(dir, 'recovery');
      await generateLog(recoveryDir, 1_000_000);
      const t0 = performance.now();
      const server = await startEmbeddedEventStore({ dataDir: recoveryDir });
      const recoveryMs = performance.now() - t0;
      await server.stop();
      const vsStub = '(baseline: same client vs a no-op gRPC stub)';
      return [
        entry(
          `single-event appends/s, 50 concurrent writers, fsync on ${vsStub}`,
          real.single,
          'appends/s',
          ceiling.single,
          '>= 15000',
        ),
        entry(
          `events/s in 100-event batches, 4 writers ${vsStub}`,
          real.batched,
          'events/s',
          ceiling.batched,
          '>= 100000',
        ),
        entry(
          `readAll events/s, ${real.read} events ${vsStub}`,
          real.readAll,
          'events/s',
          ceiling.readAll,
          '>= 200000',
        ),
        entry(
          `catch-up subscription events/s, $all to caught-up ${vsStub}`,
          real.subscription,
          'events/s',
          ceiling.subscription,
        ),
        entry(
          'secure mode (TLS + auth + ACL) single-event appends/s, 50 writers (baseline: plain mode)',
          secure.single,
          'appends/s',
          real.single,
        ),
        entry(
          'secure mode events/s in 100-event batches, 4 writers (baseline: plain mode)',
          secure.batched,
          'events/s',
          real.batched,
        ),
        entry(
          `secure mode readAll events/s, ${secure.read} events (baseline: plain mode)`,
          secure.readAll,
          'events/s',
          real.readAll,
        ),
        entry(
          'secure mode catch-up subscription events/s (baseline: plain mode)',
          secure.subscription,
          'events/s',
          real.subscription,
        ),
        entry('raw 200 B write+fdatasync/s, 1 writer (disk reference, no baseline)', rawSingle, 'ops/s'),
        entry('recovery (open, validate, index) of a 1M-event log', recoveryMs, 'ms'),
      ];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default suite;

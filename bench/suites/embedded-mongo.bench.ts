import { type ChildProcess, spawn } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedMongo } from '@shop/embedded-mongo';
import { type BenchEntry, type BenchSuite, entry } from '../bench-entry';

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const latencies = async (n: number, op: (i: number) => Promise<unknown>): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await op(i);
    out.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return out.sort((a, b) => a - b);
};

/** Upserts/s through bulkWrite batches of 500 `$set`/`$inc` updates (half inserts, half updates). */
const upsertRate = async (client: MongoClient, batches: number): Promise<number> => {
  const coll = client.db('bench').collection<{ _id: string }>('upserts');
  const batch = (b: number) =>
    Array.from({ length: 500 }, (_, i) => ({
      updateOne: {
        filter: { _id: `p${(b * 250 + i) % 20_000}` },
        update: { $set: { name: `n${i}`, at: new Date() }, $inc: { qty: 1, version: 1 } },
        upsert: true,
      },
    }));
  for (let b = 0; b < 20; b++) await coll.bulkWrite(batch(b)); // warm-up: JIT and the 20k-document working set
  const t = process.hrtime.bigint();
  for (let b = 1; b <= batches; b++) await coll.bulkWrite(batch(b), { ordered: true });
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  return (batches * 500) / secs;
};

/** The server in its own process, as devstack runs it: the driver and the server then use separate cores. */
const spawnServer = async (dbPath: string): Promise<{ uri: string; child: ChildProcess }> => {
  const ext = __filename.endsWith('.ts') ? '.ts' : '.js';
  const main = join(__dirname, '../../libs/embedded-mongo/src/server/main' + ext);
  const child = spawn(
    process.execPath,
    [...(ext === '.ts' ? ['-r', '@swc-node/register'] : []), main, '--dbPath', dbPath, '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { uri: string }).uri);
    });
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
  return { uri, child };
};

/** What a projection does: one transaction per batch of 500 upserts plus its checkpoint. */
const projectionTxnRate = async (client: MongoClient, batches: number): Promise<number> => {
  const coll = client.db('bench').collection<{ _id: string }>('projection');
  const checkpoints = client.db('bench').collection<{ _id: string }>('checkpoints');
  const run = async (b: number) => {
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await coll.bulkWrite(
          Array.from({ length: 500 }, (_, i) => ({
            updateOne: {
              filter: { _id: `p${(b * 250 + i) % 20_000}` },
              update: {
                $set: { name: `n${i}` },
                $inc: { qty: 1 },
                $push: { events: b },
                $setOnInsert: { createdAt: new Date() },
              },
              upsert: true,
            },
          })),
          { session },
        );
        await checkpoints.updateOne({ _id: 'bench' }, { $set: { position: b } }, { upsert: true, session });
      });
    } finally {
      await session.endSession();
    }
  };
  for (let b = 0; b < 20; b++) await run(b);
  const t = process.hrtime.bigint();
  for (let b = 1; b <= batches; b++) await run(b);
  return (batches * 500) / (Number(process.hrtime.bigint() - t) / 1e9);
};

/** TLS + SCRAM-SHA-256 + role checks, in-process and durable like the plain numbers it is compared with. */
const secureMode = async (plainRate: number, plainPingP50: number): Promise<BenchEntry[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-mongo-bench-secure-'));
  const server = await startEmbeddedMongo({
    dbPath: dir,
    port: 0,
    security: { users: [{ user: 'bench', pwd: 'bench-pw', roles: ['root'] }] },
  });
  const client = new MongoClient(server.uri);
  try {
    await client.connect();
    const admin = client.db('admin');
    await latencies(200, () => admin.command({ ping: 1 }));
    const ping = percentile(await latencies(2000, () => admin.command({ ping: 1 })), 50);
    const rate = await upsertRate(client, 60);
    const connectOnce = async (uri: string) => {
      const c = new MongoClient(uri, { maxPoolSize: 1 });
      await c.connect();
      await c.db('bench').command({ ping: 1 });
      await c.close();
    };
    const plain = await startEmbeddedMongo({ inMemory: true, port: 0 });
    let plainConnect: number;
    let secureConnect: number;
    try {
      plainConnect = percentile(await latencies(20, () => connectOnce(plain.uri)), 50);
      secureConnect = percentile(await latencies(20, () => connectOnce(server.uri)), 50);
    } finally {
      await plain.stop();
    }
    return [
      entry(
        'embedded-mongo secure mode upserts/s (TLS + SCRAM + roles, durable, vs plain durable)',
        rate,
        'ops/s',
        plainRate,
      ),
      entry('embedded-mongo secure mode ping round trip p50 (vs plain)', ping, 'µs', plainPingP50),
      entry(
        'embedded-mongo secure mode connect + authenticate + ping p50 (vs plain connect)',
        secureConnect,
        'µs',
        plainConnect,
      ),
    ];
  } finally {
    await client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

const suite: BenchSuite = {
  name: 'embedded-mongo',
  async run(): Promise<BenchEntry[]> {
    const dir = mkdtempSync(join(tmpdir(), 'embedded-mongo-bench-'));
    const durable = await startEmbeddedMongo({ dbPath: dir, port: 0 });
    const memory = await startEmbeddedMongo({ inMemory: true, port: 0 });
    const dc = new MongoClient(durable.uri);
    const mc = new MongoClient(memory.uri);
    try {
      await Promise.all([dc.connect(), mc.connect()]);
      const admin = dc.db('admin');
      await latencies(200, () => admin.command({ ping: 1 }));
      const ping = await latencies(2000, () => admin.command({ ping: 1 }));
      const pingP50 = percentile(ping, 50);

      const memRate = await upsertRate(mc, 60);
      const durableRate = await upsertRate(dc, 60);
      const txnRate = await projectionTxnRate(dc, 40);
      const procDir = mkdtempSync(join(tmpdir(), 'embedded-mongo-bench-proc-'));
      const proc = await spawnServer(procDir);
      const pc = new MongoClient(proc.uri);
      let procRate = NaN;
      try {
        await pc.connect();
        procRate = await upsertRate(pc, 100);
      } finally {
        await pc.close();
        const exited = new Promise((r) => proc.child.once('exit', r));
        proc.child.kill('SIGTERM');
        await exited;
        rmSync(procDir, { recursive: true, force: true });
      }

      const secure = await secureMode(durableRate, pingP50);

      const coll = dc.db('bench').collection<{ _id: number; k: string; g: number; v: number }>('big');
      await coll.createIndex({ k: 1 }, { unique: true });
      await coll.createIndex({ g: 1, v: 1 });
      const N = 200_000;
      for (let i = 0; i < N; i += 10_000)
        await coll.insertMany(
          Array.from({ length: 10_000 }, (_, j) => {
            const n = i + j;
            return { _id: n, k: `key-${(n * 7919) % N}`, g: n % 100, v: n };
          }),
        );
      let seed = 7;
      const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % N;
      const byKey = await latencies(3000, () => coll.findOne({ k: `key-${rnd()}` }));
      const range = await latencies(1000, () =>
        coll
          .find({ g: rnd() % 100, v: { $gt: rnd() } })
          .sort({ v: 1 })
          .limit(20)
          .toArray(),
      );
      return [
        entry(
          'embedded-mongo upserts/s (bulkWrite 500 $set/$inc, durable, in-process like the API app, vs in-memory)',
          durableRate,
          'ops/s',
          memRate,
          '>= 30000',
        ),
        entry(
          'embedded-mongo upserts/s (same, server in its own process like devstack, vs in-process durable)',
          procRate,
          'ops/s',
          durableRate,
        ),
        entry('embedded-mongo upserts/s (in-memory, vs durable)', memRate, 'ops/s', durableRate),
        entry(
          'embedded-mongo projection batch upserts/s (transaction: bulkWrite 500 $set/$inc/$push/$setOnInsert + checkpoint, durable, vs plain bulkWrite)',
          txnRate,
          'ops/s',
          durableRate,
        ),
        entry(
          'embedded-mongo findOne by indexed key, 200k docs p50 (vs ping p50)',
          percentile(byKey, 50),
          'µs',
          pingP50,
        ),
        entry(
          'embedded-mongo findOne by indexed key, 200k docs p99 (vs ping p50)',
          percentile(byKey, 99),
          'µs',
          pingP50,
        ),
        entry(
          'embedded-mongo sorted range limit 20 on index p50 (vs ping p50)',
          percentile(range, 50),
          'µs',
          pingP50,
        ),
        entry(
          'embedded-mongo sorted range limit 20 on index p99 (vs ping p50)',
          percentile(range, 99),
          'µs',
          pingP50,
        ),
        entry('embedded-mongo ping round trip p50 (baseline)', pingP50, 'µs'),
        ...secure,
      ];
    } finally {
      await Promise.all([dc.close(), mc.close()]);
      await Promise.all([durable.stop(), memory.stop()]);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;

import { spawn } from 'node:child_process';
import { appendFile, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonEvent } from '@eventstore/db-client';
import { startEmbeddedEventStore } from '../server';
import { collect, startHarness, tempDir, waitFor } from '../testing/harness';

const events = (n: number) =>
  Array.from({ length: n }, (_, i) => jsonEvent({ type: 'Stored', data: { i, pad: 'p'.repeat(100) } }));

const segmentFiles = async (dir: string) =>
  (await readdir(dir)).filter((f) => f.startsWith('segment-')).sort();

describe('durable storage', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDir();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps events, revisions and positions across restarts, across several segments', async () => {
    const first = await startHarness({ dataDir, segmentSize: 4096 });
    for (let i = 0; i < 20; i++) await first.client.appendToStream(`acct-${i % 3}`, events(5));
    const before = await collect(first.client.readAll());
    await first.dispose();
    expect((await segmentFiles(dataDir)).length).toBeGreaterThan(3);

    const second = await startHarness({ dataDir, segmentSize: 4096 });
    try {
      const after = await collect(second.client.readAll());
      const summary = (e: (typeof after)[number]) => [e.event!.id, e.event!.revision, e.event!.position];
      expect(after.slice(0, before.length).map(summary)).toEqual(before.map(summary));
      // Each start is a new epoch, as on a real node.
      expect(after.slice(before.length).map((e) => e.event!.streamId)).toEqual(['$epoch-information']);
      const next = await second.client.appendToStream('acct-0', events(1), { expectedRevision: 34n });
      expect(next.position!.commit > before[before.length - 1]!.event!.position.commit).toBe(true);
    } finally {
      await second.dispose();
    }
  });

  it.each([
    ['a torn partial record', Buffer.from([200, 0, 0, 0, 1, 2, 3])],
    [
      'a record with a bad checksum',
      Buffer.concat([Buffer.from([60, 0, 0, 0, 9, 9, 9, 9]), Buffer.alloc(60, 7)]),
    ],
  ])('truncates %s at the tail on recovery and keeps serving', async (_name, garbage) => {
    const first = await startHarness({ dataDir });
    await first.client.appendToStream('ledger', events(10));
    await first.dispose();
    const [segment] = await segmentFiles(dataDir);
    const path = join(dataDir, segment!);
    const good = await readFile(path);
    const goodSize = good.length;
    await appendFile(path, garbage);

    const second = await startHarness({ dataDir });
    try {
      // 10 events plus the first start's epoch and `$scavenges` metadata.
      expect(second.server.recovery).toMatchObject({
        records: 12,
        segments: 1,
        truncatedBytes: garbage.length,
      });
      // The good prefix is kept and the garbage is gone (the restart's own epoch record follows it).
      const recovered = await readFile(path);
      expect(recovered.subarray(0, goodSize).equals(good)).toBe(true);
      expect(recovered.subarray(goodSize, goodSize + garbage.length).equals(garbage)).toBe(false);
      expect(await collect(second.client.readStream('ledger'))).toHaveLength(10);
      await second.client.appendToStream('ledger', events(1), { expectedRevision: 9n });
      expect(await collect(second.client.readStream('ledger'))).toHaveLength(11);
    } finally {
      await second.dispose();
    }
  });

  it('refuses to start on damage in a segment that is not the last one', async () => {
    const first = await startHarness({ dataDir, segmentSize: 2048 });
    for (let i = 0; i < 10; i++) await first.client.appendToStream('ledger', events(3));
    await first.dispose();
    const [oldest] = await segmentFiles(dataDir);
    const path = join(dataDir, oldest!);
    await writeFile(path, Buffer.alloc(40, 1), { flag: 'r+' });
    await expect(startEmbeddedEventStore({ dataDir, segmentSize: 2048 })).rejects.toThrow(
      /refusing to start/,
    );
  });

  it('recovers a newest segment cut short before its header was written, with a torn tail after it', async () => {
    const first = await startHarness({ dataDir, segmentSize: 2048 });
    for (let i = 0; i < 10; i++) await first.client.appendToStream('ledger', events(3));
    await first.dispose();
    const files = await segmentFiles(dataDir);
    const last = files[files.length - 1]!;
    const nextBase = Number(/(\d{16})/.exec(last)![1]) + (await stat(join(dataDir, last))).size;
    const created = join(dataDir, `segment-${String(nextBase).padStart(16, '0')}.log`);
    await writeFile(created, Buffer.alloc(120, 0xab)); // created, header never written, then a torn write

    const second = await startHarness({ dataDir, segmentSize: 2048 });
    try {
      expect(second.server.recovery).toMatchObject({ records: 32, truncatedBytes: 120 });
      await second.client.appendToStream('ledger', events(1), { expectedRevision: 29n });
      expect(await collect(second.client.readStream('ledger'))).toHaveLength(31);
    } finally {
      await second.dispose();
    }
  });

  it('refuses to start when the newest segment has a damaged header but holds records', async () => {
    const first = await startHarness({ dataDir });
    await first.client.appendToStream('ledger', events(3));
    await first.dispose();
    const [only] = await segmentFiles(dataDir);
    await writeFile(join(dataDir, only!), Buffer.alloc(4, 0), { flag: 'r+' });
    await expect(startEmbeddedEventStore({ dataDir })).rejects.toThrow(
      /damaged at offset 0 \(invalid segment header\) with 5 valid record\(s\) after it; refusing to start/,
    );
  });

  it('lets one owner hold a data directory at a time, naming the lock file', async () => {
    const server = await startEmbeddedEventStore({ dataDir });
    await expect(startEmbeddedEventStore({ dataDir })).rejects.toThrow(
      new RegExp(`lock file ${join(dataDir, 'LOCK').replace(/[/\\]/g, '.')} is held by another`),
    );
    await server.stop();
    const again = await startEmbeddedEventStore({ dataDir });
    await again.stop();
  });

  it('refuses a data directory locked by another live process, and takes over a dead owner’s lock', async () => {
    // A live process whose pid is in the lock file stands in for a second server process.
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await writeFile(join(dataDir, 'LOCK'), String(holder.pid));
      await expect(startEmbeddedEventStore({ dataDir })).rejects.toThrow(
        new RegExp(`held by another process \\(pid ${holder.pid}\\)`),
      );
    } finally {
      holder.kill('SIGKILL');
    }
    await waitFor(() => holder.exitCode !== null || holder.signalCode !== null);
    const server = await startEmbeddedEventStore({ dataDir });
    await server.stop();
  });

  it('binds loopback by default and needs allowRemote for anything else', async () => {
    await expect(startEmbeddedEventStore({ inMemory: true, host: '0.0.0.0' })).rejects.toThrow(/allowRemote/);
    const server = await startEmbeddedEventStore({ inMemory: true });
    expect(server.url).toMatch(/^esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
    await server.stop();
    const remote = await startEmbeddedEventStore({ inMemory: true, host: '0.0.0.0', allowRemote: true });
    expect(remote.port).toBeGreaterThan(0);
    await remote.stop();
  });

  it('reports a port that is already taken, and releases the data directory', async () => {
    const first = await startEmbeddedEventStore({ inMemory: true });
    await expect(startEmbeddedEventStore({ dataDir, port: first.port })).rejects.toThrow(/cannot listen/);
    await first.stop();
    const again = await startEmbeddedEventStore({ dataDir });
    await again.stop();
  });

  it('requires a dataDir unless inMemory', async () => {
    await expect(startEmbeddedEventStore({})).rejects.toThrow(/dataDir/);
  });
});

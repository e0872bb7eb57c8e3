import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { openSegmentLog, scanLog, StoreCorruptionError } from '@shop/embedded-eventstore';
import { MongoStorageCorruptionError, scanFrames, startEmbeddedMongo, Storage } from '@shop/embedded-mongo';
import {
  appendBytes,
  type Corruption,
  flipBit,
  runCorruptions,
  type Tally,
  truncateAt,
  zeroRange,
} from './corruption-harness';

const PAGE = 4096;
const SEGMENT_SIZE = 16 * 1024;

/** Bit flips at the start, middle and end, a zeroed first and last page, and a cut at every boundary. */
const damageOf = (file: string, size: number, boundaries: number[], header: number): Corruption[] => [
  { kind: 'bit flip (start)', label: `${file}@0`, file, apply: flipBit(0) },
  { kind: 'bit flip (start)', label: `${file}@${header + 5}`, file, apply: flipBit(header + 5) },
  { kind: 'bit flip (middle)', label: `${file}@${size >> 1}`, file, apply: flipBit(size >> 1) },
  { kind: 'bit flip (end)', label: `${file}@${size - 1}`, file, apply: flipBit(size - 1) },
  { kind: 'zeroed page', label: `${file} page 0`, file, apply: zeroRange(0, PAGE) },
  {
    kind: 'zeroed page',
    label: `${file} last page`,
    file,
    apply: zeroRange(Math.floor((size - 1) / PAGE) * PAGE, PAGE),
  },
  ...boundaries.map((b) => ({
    kind: 'truncation at a record boundary',
    label: `${file} cut at ${b}`,
    file,
    apply: truncateAt(b),
  })),
];

/** Torn writes a crash leaves after the last acknowledged one: these must always recover, never refuse. */
const tornTails = (file: string, sample: Buffer): Corruption[] =>
  [1, 5, 8, 13, Math.min(40, sample.length - 1)].map((n) => ({
    kind: 'torn tail (unacknowledged partial write)',
    label: `${file} + ${n} bytes`,
    file,
    apply: appendBytes(sample.subarray(0, n)),
  }));

const report = (store: string, tallies: Map<string, Tally>): void => {
  const rows = [...tallies].map(
    ([kind, t]) =>
      `${store} | ${kind}: ${t.cases} cases, ${t.recovered} recovered with 0 acknowledged writes lost, ${t.refused} refused with nothing modified`,
  );
  process.stdout.write(`${rows.join('\n')}\n`);
  for (const [kind, t] of tallies) expect({ kind, failures: t.failures }).toEqual({ kind, failures: [] });
};

describe('storage corruption: every case recovers losing nothing acknowledged, or refuses touching nothing', () => {
  let root: string;
  const quiet = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'corruption-'));
  });
  afterAll(async () => {
    quiet.mockRestore();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('embedded EventStoreDB segments', async () => {
    const pristine = path.join(root, 'esdb');
    const { log } = await openSegmentLog(pristine, SEGMENT_SIZE);
    const acked: string[] = [];
    for (let i = 0; i < 240; i++) {
      const events = Array.from({ length: 1 + (i % 3) }, (_, k) => ({
        streamName: `acct-${i % 7}`,
        revision: i * 3 + k,
        tombstone: false,
        id: randomUUID(),
        type: 'Booked',
        isJson: true,
        createdMs: Date.now(),
        data: Buffer.from(JSON.stringify({ i, k, note: 'x'.repeat(40) })),
        metadata: Buffer.alloc(0),
      }));
      await log.append(events).durable;
      acked.push(...events.map((e) => e.id));
    }
    await log.close();
    const scan = await scanLog(pristine);
    expect(scan.segments.length).toBeGreaterThan(3);
    const corruptions = scan.segments.flatMap((s) => {
      const file = path.basename(s.path);
      const boundaries = [0, ...s.scan.records.map((r) => r.position - s.base)];
      return damageOf(file, s.size, boundaries, 16);
    });
    const last = scan.segments[scan.segments.length - 1]!;
    const sample = await fs.readFile(last.path);
    corruptions.push(...tornTails(path.basename(last.path), sample.subarray(16)));

    const tallies = await runCorruptions(
      pristine,
      root,
      corruptions,
      async (dir) => {
        const opened = await openSegmentLog(dir, SEGMENT_SIZE);
        await opened.log.close();
        const ids = new Set(opened.records.map((r) => r.id));
        return acked.filter((id) => !ids.has(id)).length;
      },
      (e) => e instanceof StoreCorruptionError,
    );
    report('EventStoreDB', tallies);
  }, 300_000);

  it('embedded MongoDB snapshot and journals', async () => {
    const pristine = path.join(root, 'mongo');
    const server = await startEmbeddedMongo({ dbPath: pristine, port: 0, compactAfterBytes: 24 * 1024 });
    const client = await new MongoClient(server.uri).connect();
    const docs = client.db('rel').collection<{ _id: number; note: string }>('docs');
    const acked: number[] = [];
    for (let i = 0; i < 300; i++) {
      await docs.insertOne({ _id: i, note: 'n'.repeat(60) });
      acked.push(i);
    }
    await client.close();
    await server.stop();
    const files = (await fs.readdir(pristine))
      .filter((f) => /^(snapshot\.bin|journal-\d+\.log)$/.test(f))
      .sort();
    expect(files).toContain('snapshot.bin');
    const corruptions: Corruption[] = [];
    let newest = '';
    for (const file of files) {
      const data = await fs.readFile(path.join(pristine, file));
      if (data.length === 0) continue;
      if (file.startsWith('journal-')) newest = file;
      corruptions.push(...damageOf(file, data.length, scanFrames(data).offsets, 8));
    }
    const newestData = await fs.readFile(path.join(pristine, newest));
    corruptions.push(...tornTails(newest, newestData));

    const tallies = await runCorruptions(
      pristine,
      root,
      corruptions,
      async (dir) => {
        const storage = await Storage.open(dir);
        try {
          const present = new Set(
            [...(storage.catalog.collections.get('rel.docs')?.records.values() ?? [])].map((r) => r.doc._id),
          );
          return acked.filter((i) => !present.has(i)).length;
        } finally {
          await storage.close();
        }
      },
      (e) => e instanceof MongoStorageCorruptionError,
    );
    report('MongoDB', tallies);
  }, 300_000);
});

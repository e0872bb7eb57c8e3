import { createHash } from 'node:crypto';
import { readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonEvent } from '@eventstore/db-client';
import { startEmbeddedEventStore } from '../server';
import { collect, startHarness, tempDir } from '../testing/harness';
import { StoreCorruptionError } from './store-corruption-error';

const events = (n: number) =>
  Array.from({ length: n }, (_, i) => jsonEvent({ type: 'Stored', data: { i, pad: 'p'.repeat(100) } }));

/** A hash of every file in the directory: a refusal must leave all of them byte for byte as they were. */
const fingerprint = async (dir: string): Promise<string> => {
  const hash = createHash('sha256');
  for (const name of (await readdir(dir)).filter((f) => f !== 'LOCK').sort()) {
    hash.update(name).update(await readFile(join(dir, name)));
  }
  return hash.digest('hex');
};

const flipByte = async (path: string, offset: number): Promise<void> => {
  const buf = await readFile(path);
  buf[offset] = buf[offset]! ^ 0x10;
  await writeFile(path, buf);
};

describe('corruption is refused, never truncated away', () => {
  let dataDir: string;
  let segment: string;
  /** File offsets of every record (system records included), and the file's size. */
  let offsets: number[];
  let size: number;
  beforeEach(async () => {
    dataDir = await tempDir();
    const first = await startHarness({ dataDir });
    for (let i = 0; i < 20; i++) await first.client.appendToStream(`acct-${i % 4}`, events(5));
    offsets = (await collect(first.client.readAll())).map((e) => Number(e.event!.position.commit));
    await first.dispose();
    segment = join(
      dataDir,
      (await readdir(dataDir)).find((f) => f.startsWith('segment-'))!,
    );
    size = (await readFile(segment)).length;
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  const expectRefusal = async (offset: number, recordsAfter: number): Promise<void> => {
    const before = await fingerprint(dataDir);
    const error = await startEmbeddedEventStore({ dataDir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreCorruptionError);
    expect(error).toMatchObject({ file: segment, offset, recordsAfter });
    expect((error as Error).message).toContain(segment);
    expect(await fingerprint(dataDir)).toBe(before);
  };

  it('refuses a flipped byte in the first record, naming the file, the offset and every record after it', async () => {
    expect(offsets[0]).toBe(16);
    await flipByte(segment, 16 + 30);
    await expectRefusal(16, offsets.length - 1);
  });

  it('refuses a flipped byte in the last acknowledged record (it is not a torn write)', async () => {
    await flipByte(segment, size - 5);
    await expectRefusal(offsets[offsets.length - 1]!, 0);
  });

  it('refuses a log cut short at a record boundary: acknowledged records are missing', async () => {
    const boundary = offsets[offsets.length - 3]!;
    await truncate(segment, boundary);
    await expectRefusal(boundary, 0);
  });

  it('still recovers a torn write past the acknowledged end, and says so', async () => {
    await writeFile(segment, Buffer.concat([Buffer.from([90, 0, 0, 0, 1, 2, 3, 4]), Buffer.alloc(20)]), {
      flag: 'a',
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const h = await startHarness({ dataDir });
    try {
      expect(h.server.recovery).toMatchObject({ records: offsets.length, truncatedBytes: 28 });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('cut a torn tail of 28 byte(s)'));
      const ids = (await collect(h.client.readAll())).map((e) => Number(e.event!.position.commit));
      expect(ids.slice(0, offsets.length)).toEqual(offsets);
    } finally {
      warn.mockRestore();
      await h.dispose();
    }
  });
});

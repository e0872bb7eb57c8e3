import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedMongo } from './server/start';
import { MongoStorageCorruptionError } from './storage/journal';
import { startHarness, tempDir } from './testing/harness';

const fingerprint = (dir: string): string => {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir)
    .filter((f) => f !== 'mongod.lock')
    .sort())
    hash.update(name).update(readFileSync(join(dir, name)));
  return hash.digest('hex');
};

const flip = (path: string, offset: number): void => {
  const buf = readFileSync(path);
  buf[offset] = buf[offset]! ^ 0x20;
  writeFileSync(path, buf);
};

/** Damage to acknowledged frames is refused with the file named, never cut away. */
describe('embedded-mongo corruption', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    dir = tempDir();
    const h = await startHarness({ dbPath: dir.path });
    const c = h.client.db('d').collection<{ _id: number; v: number }>('c');
    await c.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i, v: i })));
    await h.server.compact();
    for (let i = 0; i < 20; i++) await c.updateOne({ _id: i }, { $set: { v: -i } });
    await h.close();
  });
  afterEach(() => dir.remove());

  const journal = (): string => {
    const names = readdirSync(dir.path).filter(
      (f) => /^journal-\d+\.log$/.test(f) && readFileSync(join(dir.path, f)).length > 0,
    );
    return join(dir.path, names[names.length - 1]!);
  };

  const expectRefusal = async (file: string, framesAfter: number | undefined): Promise<void> => {
    const before = fingerprint(dir.path);
    const error = await startEmbeddedMongo({ dbPath: dir.path, port: 0 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MongoStorageCorruptionError);
    expect(error).toMatchObject({ file, ...(framesAfter === undefined ? {} : { framesAfter }) });
    expect((error as Error).message).toContain(file);
    expect(fingerprint(dir.path)).toBe(before);
  };

  it('refuses a flipped byte in the snapshot', async () => {
    const snapshot = join(dir.path, 'snapshot.bin');
    flip(snapshot, Math.floor(readFileSync(snapshot).length / 2));
    await expectRefusal(snapshot, undefined);
  });

  it('refuses a snapshot cut short at a frame boundary (its trailer is missing)', async () => {
    const snapshot = join(dir.path, 'snapshot.bin');
    const size = readFileSync(snapshot).length;
    truncateSync(snapshot, size - 36);
    await expectRefusal(snapshot, 0);
  });

  it('refuses a flipped byte in the first frame of the newest journal, with the 19 frames after it', async () => {
    const file = journal();
    flip(file, 12);
    await expectRefusal(file, 19);
  });
});

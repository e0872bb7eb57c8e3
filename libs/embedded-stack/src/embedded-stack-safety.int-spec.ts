import { MongoClient } from 'mongodb';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectOrStartEmbedded } from './embedded-stack';

/** Every path under `dir`, depth first. */
const walk = async (dir: string): Promise<string[]> => {
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    found.push(full, ...(entry.isDirectory() ? await walk(full) : []));
  }
  return found;
};

describe('embedded stack: DATA_DIR safety', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'stack-safety-'));
  });
  afterEach(() => fs.rm(dataDir, { recursive: true, force: true }));

  it('refuses a group- or world-writable DATA_DIR, naming it', async () => {
    await fs.chmod(dataDir, 0o777);
    await expect(connectOrStartEmbedded({ dataDir, reuse: false })).rejects.toThrow(
      `DATA_DIR ${dataDir} is writable by every local account`,
    );
    await fs.chmod(dataDir, 0o770);
    await expect(connectOrStartEmbedded({ dataDir, reuse: false })).rejects.toThrow(
      `DATA_DIR ${dataDir} is writable by its group`,
    );
  });

  it('keeps DATA_DIR and everything in it owner-only, narrowing what an older version left readable', async () => {
    await fs.chmod(dataDir, 0o755);
    await fs.writeFile(path.join(dataDir, 'old-notes'), 'x', { mode: 0o644 });
    const stack = await connectOrStartEmbedded({ dataDir, reuse: false });
    try {
      const mongo = await new MongoClient(stack.mongoUrl).connect();
      await mongo.db('d').collection('c').insertOne({ a: 1 });
      await mongo.close();
    } finally {
      await stack.stop();
    }
    const modes = await Promise.all(
      [dataDir, ...(await walk(dataDir))].map(async (p) => [p, (await fs.stat(p)).mode & 0o777] as const),
    );
    expect(modes.length).toBeGreaterThan(5);
    for (const [p, mode] of modes) expect([p, mode & 0o077]).toEqual([p, 0]);
  });

  it('falls back to an empty database (rebuilt from the event log) when the MongoDB journal is damaged, and says so', async () => {
    let stack = await connectOrStartEmbedded({ dataDir, reuse: false });
    const mongo = await new MongoClient(stack.mongoUrl).connect();
    for (let i = 0; i < 5; i++) await mongo.db('d').collection('c').insertOne({ i });
    await mongo.close();
    await stack.stop();
    const mongoDir = path.join(dataDir, 'mongo');
    const journals = (await fs.readdir(mongoDir)).filter((f) => /^journal-\d+\.log$/.test(f)).sort();
    let damaged = '';
    for (const name of journals) {
      const file = path.join(mongoDir, name);
      const buf = await fs.readFile(file);
      if (buf.length === 0) continue;
      buf[12] = buf[12]! ^ 0x40;
      await fs.writeFile(file, buf);
      damaged = name;
      break;
    }
    const hash = createHash('sha256')
      .update(await fs.readFile(path.join(mongoDir, damaged)))
      .digest('hex');
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      stack = await connectOrStartEmbedded({ dataDir, reuse: false });
      await stack.stop();
      expect(errors).toHaveBeenCalledWith(
        expect.stringMatching(
          /is damaged at offset 0 .*Fell back to the event log: the damaged database was kept/,
        ),
      );
    } finally {
      errors.mockRestore();
    }
    const aside = (await fs.readdir(dataDir)).find((f) => f.startsWith('mongo.damaged-'))!;
    const kept = await fs.readFile(path.join(dataDir, aside, damaged));
    expect(createHash('sha256').update(kept).digest('hex')).toBe(hash);
  });
});

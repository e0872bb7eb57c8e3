import { promises as fsp, readFileSync, truncateSync } from 'node:fs';
import { crc32 } from 'node:zlib';

const HEADER = 8;

export const frame = (payload: Buffer): Buffer => {
  const head = Buffer.allocUnsafe(HEADER);
  head.writeUInt32LE(payload.length, 0);
  head.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([head, payload]);
};

/**
 * Reads every complete, checksummed frame. A torn or corrupt tail (the process died mid-write) ends the log:
 * nothing after it was ever acknowledged, because acknowledgements wait for fsync of the whole batch.
 */
export const readFrames = (path: string, truncateTornTail: boolean): Buffer[] => {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: Buffer[] = [];
  let off = 0;
  while (off + HEADER <= data.length) {
    const len = data.readUInt32LE(off);
    const sum = data.readUInt32LE(off + 4);
    if (off + HEADER + len > data.length) break;
    const payload = data.subarray(off + HEADER, off + HEADER + len);
    if (crc32(payload) !== sum) break;
    out.push(payload);
    off += HEADER + len;
  }
  if (off < data.length && truncateTornTail) truncateSync(path, off);
  return out;
};

/** Append-only log with group commit: every append made while an fsync is running shares the next fsync. */
export class JournalWriter {
  private pending: Buffer[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private failed: Error | null = null;
  bytes = 0;

  private constructor(
    readonly path: string,
    private readonly handle: fsp.FileHandle,
    private predecessor: JournalWriter | null,
  ) {}

  /** `predecessor`: a rotated-out journal whose writes must reach disk before any of this one's. */
  static async open(path: string, predecessor: JournalWriter | null = null): Promise<JournalWriter> {
    const handle = await fsp.open(path, 'a');
    const w = new JournalWriter(path, handle, predecessor);
    w.bytes = (await handle.stat()).size;
    return w;
  }

  append(payload: Buffer): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const f = frame(payload);
    this.pending.push(f);
    this.bytes += f.length;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.flushing ??= this.flushLoop();
    return done;
  }

  /** Resolves once everything appended so far is on disk. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    await this.drain();
    await this.handle.close();
  }

  private async flushLoop(): Promise<void> {
    try {
      // Let the current tick's commands add their writes so one fsync covers them all.
      await new Promise<void>((r) => setImmediate(r));
      if (this.predecessor) {
        await this.predecessor.drain();
        this.predecessor = null;
      }
      while (this.pending.length) {
        const batch = this.pending;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          const buf = batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch);
          for (let off = 0; off < buf.length;) off += (await this.handle.write(buf, off)).bytesWritten;
          await this.handle.datasync();
          for (const w of waiters) w.resolve();
        } catch (e) {
          this.failed = e instanceof Error ? e : new Error('journal write failed');
          for (const w of [...waiters, ...this.waiters]) w.reject(e);
          this.waiters = [];
          this.pending = [];
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}

import { promises as fsp, readFileSync, truncateSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { AckLengthWriter } from './ack-length';

const HEADER = 8;

export const frame = (payload: Buffer): Buffer => {
  const head = Buffer.allocUnsafe(HEADER);
  head.writeUInt32LE(payload.length, 0);
  head.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([head, payload]);
};

/** A stretch of a journal or snapshot that holds no checksummed frame. */
export interface DamagedRange {
  offset: number;
  /** Offset of the next valid frame, or the file's length when none follows. */
  end: number;
}

export interface FrameScan {
  frames: Buffer[];
  /** File offset of each frame's header. */
  offsets: number[];
  damage: DamagedRange[];
  size: number;
}

const frameAt = (data: Buffer, off: number): Buffer | null => {
  if (off + HEADER > data.length) return null;
  const len = data.readUInt32LE(off);
  if (len === 0 || off + HEADER + len > data.length) return null;
  const payload = data.subarray(off + HEADER, off + HEADER + len);
  return crc32(payload) === data.readUInt32LE(off + 4) ? payload : null;
};

/** Decodes every checksummed frame, resyncing past damage so the caller learns what lies beyond it. */
export const scanFrames = (data: Buffer): FrameScan => {
  const scan: FrameScan = { frames: [], offsets: [], damage: [], size: data.length };
  let off = 0;
  while (off < data.length) {
    const payload = frameAt(data, off);
    if (payload) {
      scan.frames.push(payload);
      scan.offsets.push(off);
      off += HEADER + payload.length;
      continue;
    }
    let next = off + 1;
    while (next < data.length && !frameAt(data, next)) next++;
    scan.damage.push({ offset: off, end: next });
    off = next;
  }
  return scan;
};

export const readFileIfExists = (path: string): Buffer | null => {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
};

/** Cuts a torn tail (the process died mid-write, nothing after it was acknowledged). */
export const truncateTornTail = (path: string, length: number): void => truncateSync(path, length);

/**
 * Damage to acknowledged data in a journal or snapshot. The database refuses to open and leaves the file
 * as it found it; the embedded stack then rebuilds the read models from the event log instead.
 */
export class MongoStorageCorruptionError extends Error {
  override readonly name = 'MongoStorageCorruptionError';

  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
    readonly framesAfter: number,
  ) {
    super(
      `embedded-mongo: ${file} is damaged at offset ${offset} (${reason}) with ${framesAfter} valid ` +
        'frame(s) after it; refusing to open it, nothing was modified',
    );
  }
}

/** Append-only log with group commit: every append made while an fsync is running shares the next fsync. */
export class JournalWriter {
  private pending: Buffer[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private failed: Error | null = null;
  private readonly ack: AckLengthWriter;
  /** Bytes fsynced so far. */
  private durable = 0;
  bytes = 0;

  private constructor(
    readonly path: string,
    private readonly handle: fsp.FileHandle,
    private predecessor: JournalWriter | null,
  ) {
    this.ack = new AckLengthWriter(path);
  }

  /** `predecessor`: a rotated-out journal whose writes must reach disk before any of this one's. */
  static async open(path: string, predecessor: JournalWriter | null = null): Promise<JournalWriter> {
    const handle = await fsp.open(path, 'a', 0o600);
    const w = new JournalWriter(path, handle, predecessor);
    w.bytes = (await handle.stat()).size;
    w.durable = w.bytes;
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
    await this.ack.close();
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
          this.durable += buf.length;
          // Before the acknowledgements: from now on these bytes may no longer be cut as a torn tail.
          await this.ack.write(this.durable);
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

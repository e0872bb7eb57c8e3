import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventLog } from './event-log';
import { SEGMENT_HEADER_SIZE } from './event-log';
import { AckMarkWriter } from './ack-mark';
import { GroupCommit } from './group-commit';
import type { EncodableEvent } from './record-codec';
import { encodeRecord } from './record-codec';

const MAGIC = 0x47455345; // "ESEG" little-endian
const FORMAT_VERSION = 1;
export const DEFAULT_SEGMENT_SIZE = 64 * 1024 * 1024;

export const segmentFileName = (base: number): string => `segment-${String(base).padStart(16, '0')}.log`;
export const SEGMENT_FILE_RE = /^segment-(\d{16})\.log$/;

export const segmentHeader = (base: number): Buffer => {
  const header = Buffer.alloc(SEGMENT_HEADER_SIZE);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(FORMAT_VERSION, 4);
  header.writeDoubleLE(base, 8);
  return header;
};

export const checkSegmentHeader = (buf: Buffer, base: number): boolean =>
  buf.length >= SEGMENT_HEADER_SIZE &&
  buf.readUInt32LE(0) === MAGIC &&
  buf.readUInt32LE(4) === FORMAT_VERSION &&
  buf.readDoubleLE(8) === base;

export interface Segment {
  base: number;
  /** Logical size including records queued but not yet written. */
  size: number;
  /** Bytes already on disk (the file offset of the next write). */
  written: number;
  handle: FileHandle | null;
  /** Not yet created on disk: the first flush creates it and fsyncs the directory. */
  fresh: boolean;
}

/**
 * Segmented append-only log on disk. Records never straddle segments: a record that would overflow
 * the tail segment opens a new one whose base is the old segment's end, so positions stay monotonic
 * and equal to base + file offset.
 */
export class SegmentLog implements EventLog {
  private readonly commit: GroupCommit<{ segment: Segment; buf: Buffer }>;
  private readonly mark: AckMarkWriter;

  constructor(
    private readonly dir: string,
    private readonly segments: Segment[],
    private readonly segmentSize = DEFAULT_SEGMENT_SIZE,
  ) {
    this.commit = new GroupCommit((batch) => this.writeBatch(batch));
    this.mark = new AckMarkWriter(dir);
  }

  append(events: readonly EncodableEvent[]): { positions: number[]; durable: Promise<void> } {
    this.commit.throwIfFailed();
    const items: { segment: Segment; buf: Buffer }[] = [];
    const positions: number[] = [];
    for (const event of events) {
      const buf = encodeRecord(event);
      let segment = this.tail();
      if (segment.size + buf.length > this.segmentSize && segment.size > SEGMENT_HEADER_SIZE) {
        segment = {
          base: segment.base + segment.size,
          size: SEGMENT_HEADER_SIZE,
          written: 0,
          handle: null,
          fresh: true,
        };
        this.segments.push(segment);
      }
      positions.push(segment.base + segment.size);
      segment.size += buf.length;
      items.push({ segment, buf });
    }
    return { positions, durable: this.commit.submit(items) };
  }

  async close(): Promise<void> {
    await this.commit.drain();
    await this.mark.close();
    for (const segment of this.segments) {
      await segment.handle?.close();
      segment.handle = null;
    }
  }

  private tail(): Segment {
    const last = this.segments[this.segments.length - 1];
    if (!last) throw new Error('segment log has no segments');
    return last;
  }

  /** Writes one group of records (possibly spanning a segment roll) and fsyncs once per touched file. */
  private async writeBatch(batch: { segment: Segment; buf: Buffer }[]): Promise<void> {
    const touched: Segment[] = [];
    let i = 0;
    while (i < batch.length) {
      const segment = batch[i]!.segment;
      const bufs: Buffer[] = [];
      while (i < batch.length && batch[i]!.segment === segment) bufs.push(batch[i++]!.buf);
      const handle = await this.open(segment);
      const data = bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs);
      let done = 0;
      while (done < data.length) {
        const { bytesWritten } = await handle.write(data, done, data.length - done, segment.written + done);
        done += bytesWritten;
      }
      segment.written += data.length;
      touched.push(segment);
    }
    for (const segment of touched) await segment.handle?.datasync();
    // Before the acknowledgements go out: everything up to here may no longer be cut as a torn tail.
    const last = touched[touched.length - 1];
    if (last) await this.mark.write(last.base + last.written);
    // Earlier segments are complete once a later one receives data: close them to free descriptors.
    for (const segment of this.segments) {
      if (segment !== this.tail() && segment.handle && !touched.includes(segment)) {
        await segment.handle.close();
        segment.handle = null;
      }
    }
  }

  private async open(segment: Segment): Promise<FileHandle> {
    if (segment.handle) return segment.handle;
    const path = join(this.dir, segmentFileName(segment.base));
    if (segment.fresh) {
      const handle = await fsp.open(path, 'wx+', 0o600);
      await handle.write(segmentHeader(segment.base), 0, SEGMENT_HEADER_SIZE, 0);
      segment.written = SEGMENT_HEADER_SIZE;
      segment.fresh = false;
      segment.handle = handle;
      await fsyncDir(this.dir);
      return handle;
    }
    segment.handle = await fsp.open(path, 'r+');
    return segment.handle;
  }
}

export const fsyncDir = async (dir: string): Promise<void> => {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { StoredEvent } from './stored-event';
import { SEGMENT_HEADER_SIZE } from './event-log';
import { decodeRecord } from './record-codec';
import type { Segment } from './segment-log';
import {
  DEFAULT_SEGMENT_SIZE,
  SEGMENT_FILE_RE,
  SegmentLog,
  checkSegmentHeader,
  fsyncDir,
  segmentHeader,
} from './segment-log';

export interface RecoveryReport {
  records: number;
  segments: number;
  /** Bytes cut from the tail of the last segment (a write that was never acknowledged). */
  truncatedBytes: number;
}

/**
 * Opens the log in `dir`: validates every record's checksum, truncates a torn write at the end of the
 * last segment (it was never acknowledged, because acks wait for fsync), and refuses to start on damage
 * anywhere else, since silently dropping acknowledged events would be worse than not starting.
 */
export const openSegmentLog = async (
  dir: string,
  segmentSize = DEFAULT_SEGMENT_SIZE,
): Promise<{ log: SegmentLog; records: StoredEvent[]; report: RecoveryReport }> => {
  await fsp.mkdir(dir, { recursive: true });
  const bases = (await fsp.readdir(dir))
    .map((name) => SEGMENT_FILE_RE.exec(name)?.[1])
    .filter((base): base is string => base !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const records: StoredEvent[] = [];
  const segments: Segment[] = [];
  let truncatedBytes = 0;
  for (const [index, base] of bases.entries()) {
    const isLast = index === bases.length - 1;
    const path = join(dir, `segment-${String(base).padStart(16, '0')}.log`);
    const buf = await fsp.readFile(path);
    if (!checkSegmentHeader(buf, base)) {
      // A crash while creating the newest segment, before its header was written (what follows is a torn
      // tail): it never held an acknowledged record, since the first one is fsynced after the header. A
      // valid record behind a bad header is damage to acknowledged data instead.
      const holdsRecord =
        buf.length > SEGMENT_HEADER_SIZE &&
        decodeRecord(buf, SEGMENT_HEADER_SIZE, records.length, base + SEGMENT_HEADER_SIZE).ok;
      if (!isLast || holdsRecord) {
        throw new Error(`embedded-eventstore: segment ${path} has an invalid header; refusing to start`);
      }
      await rewriteEmpty(path, base);
      truncatedBytes += buf.length;
      segments.push({
        base,
        size: SEGMENT_HEADER_SIZE,
        written: SEGMENT_HEADER_SIZE,
        handle: null,
        fresh: false,
      });
      continue;
    }
    let offset = SEGMENT_HEADER_SIZE;
    while (offset < buf.length) {
      const result = decodeRecord(buf, offset, records.length, base + offset);
      if (!result.ok) {
        if (!isLast) {
          throw new Error(
            `embedded-eventstore: corrupt record (${result.reason}) at offset ${offset} of ${path}, ` +
              'which is not the last segment; refusing to start',
          );
        }
        truncatedBytes += buf.length - offset;
        await truncate(path, offset);
        break;
      }
      records.push(result.event);
      offset += result.size;
    }
    segments.push({ base, size: offset, written: offset, handle: null, fresh: false });
  }
  if (segments.length === 0) {
    segments.push({ base: 0, size: SEGMENT_HEADER_SIZE, written: 0, handle: null, fresh: true });
  }
  return {
    log: new SegmentLog(dir, segments, segmentSize),
    records,
    report: { records: records.length, segments: segments.length, truncatedBytes },
  };
};

const truncate = async (path: string, length: number): Promise<void> => {
  const handle = await fsp.open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
};

const rewriteEmpty = async (path: string, base: number): Promise<void> => {
  const handle = await fsp.open(path, 'w');
  try {
    await handle.write(segmentHeader(base), 0, SEGMENT_HEADER_SIZE, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsyncDir(join(path, '..'));
};

import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { StoredEvent } from './stored-event';
import { SEGMENT_HEADER_SIZE } from './event-log';
import { scanLog, verifyLog } from './log-scan';
import type { Segment } from './segment-log';
import { DEFAULT_SEGMENT_SIZE, SegmentLog, fsyncDir, segmentHeader } from './segment-log';
import { StoreCorruptionError } from './store-corruption-error';

export interface RecoveryReport {
  records: number;
  segments: number;
  /** Bytes cut from the tail of the last segment (a write that was never acknowledged). */
  truncatedBytes: number;
  /** Said at startup: a cut torn tail, an unreadable acknowledged-end mark. */
  warnings: string[];
}

/**
 * Opens the log in `dir`. The only thing it ever cuts is a torn tail: bytes past the acknowledged end of
 * the last segment with no valid record after them (a write that was never acknowledged, because acks wait
 * for fsync). Damage anywhere else throws a StoreCorruptionError and leaves every file untouched, since
 * silently dropping acknowledged events would be worse than not starting.
 */
export const openSegmentLog = async (
  dir: string,
  segmentSize = DEFAULT_SEGMENT_SIZE,
): Promise<{ log: SegmentLog; records: StoredEvent[]; report: RecoveryReport }> => {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const scan = await scanLog(dir);
  const problems = verifyLog(scan);
  const damage = problems.find((p) => !p.tornTail);
  if (damage) throw new StoreCorruptionError(damage.file, damage.offset, damage.reason, damage.recordsAfter);
  const warnings: string[] = [];
  if (scan.mark.state === 'invalid') {
    warnings.push(
      `embedded-eventstore: ${join(dir, 'acknowledged.mark')} is unreadable; recovered without it, so a ` +
        'damaged last record could not be told from a torn write',
    );
  }
  let truncatedBytes = 0;
  const segments: Segment[] = [];
  for (const segment of scan.segments) {
    const cut = problems.find((p) => p.file === segment.path);
    let size = segment.size;
    if (cut) {
      if (cut.offset === 0) await rewriteEmpty(segment.path, segment.base);
      else await truncate(segment.path, cut.offset);
      size = Math.max(cut.offset, SEGMENT_HEADER_SIZE);
      truncatedBytes += segment.size - cut.offset;
      warnings.push(
        `embedded-eventstore: cut a torn tail of ${segment.size - cut.offset} byte(s) (${cut.reason}) at ` +
          `offset ${cut.offset} of ${segment.path}: a write that was never acknowledged`,
      );
    }
    segments.push({ base: segment.base, size, written: size, handle: null, fresh: false });
  }
  if (segments.length === 0) {
    segments.push({ base: 0, size: SEGMENT_HEADER_SIZE, written: 0, handle: null, fresh: true });
  }
  for (const warning of warnings) console.warn(warning);
  return {
    log: new SegmentLog(dir, segments, segmentSize),
    records: scan.records,
    report: { records: scan.records.length, segments: segments.length, truncatedBytes, warnings },
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

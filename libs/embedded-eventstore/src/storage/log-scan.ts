import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { AckMark } from './ack-mark';
import { readAckMark } from './ack-mark';
import type { StoredEvent } from './stored-event';
import type { SegmentScan } from './segment-scan';
import { scanSegment } from './segment-scan';
import { SEGMENT_FILE_RE, checkSegmentHeader, segmentFileName } from './segment-log';

export interface ScannedSegment {
  path: string;
  base: number;
  /** The file's length in bytes. */
  size: number;
  headerOk: boolean;
  scan: SegmentScan;
}

export interface LogScan {
  dir: string;
  mark: AckMark;
  segments: ScannedSegment[];
  /** Every valid record of every segment, in log order, `seq` = index. */
  records: StoredEvent[];
}

/** Reads (never writes) every segment of the log in `dir` and decodes all it can, damage or not. */
export const scanLog = async (dir: string): Promise<LogScan> => {
  const bases = (await fsp.readdir(dir))
    .map((name) => SEGMENT_FILE_RE.exec(name)?.[1])
    .filter((base): base is string => base !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const records: StoredEvent[] = [];
  const segments: ScannedSegment[] = [];
  for (const base of bases) {
    const path = join(dir, segmentFileName(base));
    const buf = await fsp.readFile(path);
    const scan = scanSegment(buf, base, records.length);
    for (const record of scan.records) records.push(record);
    segments.push({ path, base, size: buf.length, headerOk: checkSegmentHeader(buf, base), scan });
  }
  return { dir, mark: await readAckMark(dir), segments, records };
};

/** One finding of `verifyLog`: damage, or a gap where acknowledged bytes are missing. */
export interface LogProblem {
  file: string;
  offset: number;
  reason: string;
  /** Valid records after the problem, in this file and every later one. */
  recordsAfter: number;
  /** Bytes past the acknowledged end that a restart would cut as a torn tail, not damage. */
  tornTail: boolean;
}

/**
 * The rules recovery applies, as a list of findings. A torn tail is only the end of the last segment,
 * past the acknowledged end, with no valid record after it; anything else is damage to acknowledged data.
 */
export const verifyLog = (log: LogScan): LogProblem[] => {
  const ackEnd = log.mark.state === 'ok' ? log.mark.position : 0;
  const problems: LogProblem[] = [];
  const later = (index: number): number =>
    log.segments.slice(index + 1).reduce((n, s) => n + s.scan.records.length, 0);
  log.segments.forEach((segment, index) => {
    const isLast = index === log.segments.length - 1;
    const previous = log.segments[index - 1];
    if (previous && previous.base + previous.size !== segment.base) {
      problems.push({
        file: previous.path,
        offset: previous.size,
        reason: `the file ends at position ${previous.base + previous.size} but the next segment starts at ${segment.base}`,
        recordsAfter: later(index - 1),
        tornTail: false,
      });
    }
    if (!segment.headerOk) {
      // A crash while creating the newest segment leaves a header-less file that never held an acknowledged
      // record: the first one is fsynced after the header.
      const torn = isLast && segment.scan.records.length === 0 && segment.base >= ackEnd;
      problems.push({
        file: segment.path,
        offset: 0,
        reason: 'invalid segment header',
        recordsAfter: segment.scan.records.length + later(index),
        tornTail: torn,
      });
      if (torn) return;
    }
    segment.scan.damage.forEach((range, i) => {
      const tornTail =
        isLast &&
        i === segment.scan.damage.length - 1 &&
        range.end === segment.size &&
        segment.base + range.offset >= ackEnd &&
        segment.headerOk;
      problems.push({
        file: segment.path,
        offset: range.offset,
        reason: range.reason,
        recordsAfter:
          segment.scan.records.filter((r) => r.position - segment.base > range.offset).length + later(index),
        tornTail,
      });
    });
  });
  const last = log.segments[log.segments.length - 1];
  const cut = problems.find((p) => p.tornTail && p.file === last?.path);
  const end = last ? last.base + (cut ? Math.max(cut.offset, 0) : last.size) : 0;
  if (end < ackEnd) {
    problems.push({
      file: last?.path ?? join(log.dir, segmentFileName(0)),
      offset: last ? end - last.base : 0,
      reason: `the log ends at position ${end} but appends were acknowledged up to position ${ackEnd}`,
      recordsAfter: 0,
      tornTail: false,
    });
  }
  return problems;
};

import type { StoredEvent } from './stored-event';
import { SEGMENT_HEADER_SIZE } from './event-log';
import { decodeRecord } from './record-codec';

/** A stretch of a segment file that holds no decodable record. */
export interface DamagedRange {
  /** File offset of the first byte that does not decode. */
  offset: number;
  /** File offset of the next valid record, or the file's length when none follows. */
  end: number;
  reason: string;
}

export interface SegmentScan {
  records: StoredEvent[];
  damage: DamagedRange[];
  /** Valid records found after the first damaged range (0 when the damage, if any, runs to the end). */
  recordsAfterFirstDamage: number;
}

/** The first offset after `from` at which a valid record starts, or -1: how scanning resyncs past damage. */
const nextValidRecord = (buf: Buffer, from: number, seq: number, base: number): number => {
  for (let offset = from; offset + 8 <= buf.length; offset++) {
    if (decodeRecord(buf, offset, seq, base + offset).ok) return offset;
  }
  return -1;
};

/**
 * Decodes every record of one segment file. Unlike recovery it does not stop at damage: it resyncs on the
 * next record whose length and checksum are valid, so an operator learns how much lies beyond the damage
 * and salvage can copy it out. `firstSeq` is the seq of the segment's first record.
 */
export const scanSegment = (buf: Buffer, base: number, firstSeq: number): SegmentScan => {
  const records: StoredEvent[] = [];
  const damage: DamagedRange[] = [];
  let offset = SEGMENT_HEADER_SIZE;
  while (offset < buf.length) {
    const seq = firstSeq + records.length;
    const result = decodeRecord(buf, offset, seq, base + offset);
    if (result.ok) {
      records.push(result.event);
      offset += result.size;
      continue;
    }
    const next = nextValidRecord(buf, offset + 1, seq, base);
    const end = next === -1 ? buf.length : next;
    damage.push({ offset, end, reason: result.reason });
    offset = end;
  }
  const first = damage[0];
  const recordsAfterFirstDamage = first ? records.filter((r) => r.position - base > first.offset).length : 0;
  return { records, damage, recordsAfterFirstDamage };
};

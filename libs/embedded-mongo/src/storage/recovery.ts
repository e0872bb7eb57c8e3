import { deserialize, serialize } from 'bson';
import { readAckedLength } from './ack-length';
import {
  frame,
  MongoStorageCorruptionError,
  readFileIfExists,
  scanFrames,
  truncateTornTail,
} from './journal';

/** Snapshots since this version end with a frame counting the frames before it: a cut one is detectable. */
const SNAPSHOT_VERSION = 2;

export const snapshotHeader = (gen: number): Buffer =>
  frame(Buffer.from(serialize({ gen, v: SNAPSHOT_VERSION })));
export const snapshotTrailer = (frames: number): Buffer =>
  frame(Buffer.from(serialize({ end: true, frames })));

/** A frame that should hold one BSON document; null when it holds something else (ops, in a cut snapshot). */
const bsonOrNull = (payload: Buffer): Record<string, unknown> | null => {
  try {
    return deserialize(payload);
  } catch {
    return null;
  }
};

/**
 * The snapshot's payloads after its header, with the generation it covers; null when there is none. A
 * snapshot is written to a temporary file, fsynced and renamed into place, so it is never torn: any
 * damage, or a missing trailer, is corruption.
 */
export const readSnapshot = (path: string): { gen: number; payloads: Buffer[] } | null => {
  const data = readFileIfExists(path);
  if (data === null) return null;
  const scan = scanFrames(data);
  const first = scan.damage[0];
  if (first) {
    const after = scan.offsets.filter((o) => o > first.offset).length;
    throw new MongoStorageCorruptionError(path, first.offset, 'bad checksum or length', after);
  }
  const [head, ...rest] = scan.frames;
  if (!head) throw new MongoStorageCorruptionError(path, 0, 'empty snapshot', 0);
  const header = bsonOrNull(head);
  if (!header) throw new MongoStorageCorruptionError(path, 0, 'unreadable snapshot header', rest.length);
  if (header.v !== SNAPSHOT_VERSION) return { gen: Number(header.gen), payloads: rest };
  const tail = rest.pop();
  const trailer = tail ? bsonOrNull(tail) : null;
  if (trailer?.end !== true || trailer.frames !== rest.length + 1) {
    throw new MongoStorageCorruptionError(path, data.length, 'snapshot ends before its trailer', 0);
  }
  return { gen: Number(header.gen), payloads: rest };
};

/**
 * A journal's frames. Only the newest journal may end in a torn tail (damage running to the end of the
 * file, with no valid frame after it: a write that never completed, so never acknowledged), which is cut;
 * any other damage is corruption and the file is left untouched.
 */
export const readJournal = (path: string, isNewest: boolean): { payloads: Buffer[]; cutBytes: number } => {
  const data = readFileIfExists(path);
  const acked = readAckedLength(path) ?? 0;
  if (data === null) {
    if (acked > 0) throw new MongoStorageCorruptionError(path, 0, 'the acknowledged journal is missing', 0);
    return { payloads: [], cutBytes: 0 };
  }
  const scan = scanFrames(data);
  const first = scan.damage[0];
  if (data.length < acked && (!first || first.offset >= data.length)) {
    throw new MongoStorageCorruptionError(
      path,
      data.length,
      `the journal ends at ${data.length} but writes were acknowledged up to ${acked}`,
      0,
    );
  }
  if (!first) return { payloads: scan.frames, cutBytes: 0 };
  const after = scan.offsets.filter((o) => o > first.offset).length;
  if (!isNewest || after > 0 || first.offset < acked) {
    throw new MongoStorageCorruptionError(path, first.offset, 'bad checksum or length', after);
  }
  truncateTornTail(path, first.offset);
  return { payloads: scan.frames, cutBytes: data.length - first.offset };
};

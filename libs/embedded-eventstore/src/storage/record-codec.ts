import { crc32 } from 'node:zlib';
import type { StoredEvent } from './stored-event';
import { LogBackedEvent } from './log-backed-event';
import { uuidToBytes } from './uuid';

/*
 * Record layout: [u32 payload length][u32 crc32(payload)][payload]. The checksum covers the whole
 * payload so a torn or bit-flipped tail is detected on recovery; the length prefix lets recovery skip
 * from record to record without parsing. All integers little-endian.
 *
 * payload: u8 flags | f64 revision | f64 createdMs | 16B id | u16+stream | u16+type | u32+data | u32+metadata
 */
export const RECORD_HEADER_SIZE = 8;
const FLAG_JSON = 1;
const FLAG_TOMBSTONE = 2;
const FIXED_PAYLOAD = 1 + 8 + 8 + 16 + 2 + 2 + 4 + 4;
/** A payload bigger than this cannot come from a valid append (1 MiB limit plus generous headroom). */
export const MAX_PAYLOAD_SIZE = 64 * 1024 * 1024;

export type EncodableEvent = Omit<StoredEvent, 'seq' | 'position'>;

export const encodeRecord = (event: EncodableEvent): Buffer => {
  const stream = Buffer.from(event.streamName, 'utf8');
  const type = Buffer.from(event.type, 'utf8');
  const payloadSize = FIXED_PAYLOAD + stream.length + type.length + event.data.length + event.metadata.length;
  const buf = Buffer.allocUnsafe(RECORD_HEADER_SIZE + payloadSize);
  let o = RECORD_HEADER_SIZE;
  buf.writeUInt8((event.isJson ? FLAG_JSON : 0) | (event.tombstone ? FLAG_TOMBSTONE : 0), o);
  o += 1;
  buf.writeDoubleLE(event.revision, o);
  o += 8;
  buf.writeDoubleLE(event.createdMs, o);
  o += 8;
  uuidToBytes(event.id).copy(buf, o);
  o += 16;
  buf.writeUInt16LE(stream.length, o);
  o += 2;
  stream.copy(buf, o);
  o += stream.length;
  buf.writeUInt16LE(type.length, o);
  o += 2;
  type.copy(buf, o);
  o += type.length;
  buf.writeUInt32LE(event.data.length, o);
  o += 4;
  buf.set(event.data, o);
  o += event.data.length;
  buf.writeUInt32LE(event.metadata.length, o);
  o += 4;
  buf.set(event.metadata, o);
  buf.writeUInt32LE(payloadSize, 0);
  buf.writeUInt32LE(crc32(buf.subarray(RECORD_HEADER_SIZE)), 4);
  return buf;
};

export type DecodeResult = { ok: true; event: StoredEvent; size: number } | { ok: false; reason: string };

/*
 * Recovery decodes millions of records; stream names and event types repeat endlessly. Returning one
 * canonical string per distinct value lets the per-record copies die young instead of filling the heap.
 */
const interned = new Map<string, string>();
const intern = (value: string): string => {
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size < 1_000_000) interned.set(value, value);
  return value;
};

/** Decodes the record at `offset`; id, data and metadata stay in `buf` until asked for (no copy). */
export const decodeRecord = (buf: Buffer, offset: number, seq: number, position: number): DecodeResult => {
  if (offset + RECORD_HEADER_SIZE > buf.length) return { ok: false, reason: 'truncated header' };
  const payloadSize = buf.readUInt32LE(offset);
  if (payloadSize < FIXED_PAYLOAD || payloadSize > MAX_PAYLOAD_SIZE)
    return { ok: false, reason: 'bad length' };
  const start = offset + RECORD_HEADER_SIZE;
  const end = start + payloadSize;
  if (end > buf.length) return { ok: false, reason: 'truncated payload' };
  if (crc32(buf.subarray(start, end)) !== buf.readUInt32LE(offset + 4))
    return { ok: false, reason: 'checksum' };
  let o = start;
  const flags = buf.readUInt8(o);
  o += 1;
  const revision = buf.readDoubleLE(o);
  o += 8;
  const createdMs = buf.readDoubleLE(o);
  o += 8;
  const idOffset = o;
  o += 16;
  const streamLen = buf.readUInt16LE(o);
  o += 2;
  const streamName = intern(buf.toString('utf8', o, o + streamLen));
  o += streamLen;
  const typeLen = buf.readUInt16LE(o);
  o += 2;
  const type = intern(buf.toString('utf8', o, o + typeLen));
  o += typeLen;
  const dataLen = buf.readUInt32LE(o);
  o += 4;
  o += dataLen;
  const metaLen = buf.readUInt32LE(o);
  o += 4;
  o += metaLen;
  if (o !== end) return { ok: false, reason: 'inconsistent field lengths' };
  const event = new LogBackedEvent(
    seq,
    position,
    streamName,
    revision,
    (flags & FLAG_TOMBSTONE) !== 0,
    type,
    (flags & FLAG_JSON) !== 0,
    createdMs,
    buf,
    idOffset,
    dataLen,
    metaLen,
  );
  return { ok: true, event, size: RECORD_HEADER_SIZE + payloadSize };
};

/** Size `encodeRecord` would produce, without encoding (the in-memory log only needs positions). */
export const recordSize = (event: EncodableEvent): number =>
  RECORD_HEADER_SIZE +
  FIXED_PAYLOAD +
  Buffer.byteLength(event.streamName, 'utf8') +
  Buffer.byteLength(event.type, 'utf8') +
  event.data.length +
  event.metadata.length;

import type { StoredEvent } from '../storage/stored-event';

/*
 * Hand-rolled protobuf encoding of `ReadResp{event: ReadEvent{event: RecordedEvent, commit_position}}`,
 * the one message reads and subscriptions send per event. Building google-protobuf objects and
 * serializing them dominated read throughput; this writes the same bytes directly. Field numbers are
 * those of the client's generated streams_pb.js (verified by a round-trip test against its decoder).
 */
const LEN = 2;
const VARINT = 0;
const tag = (field: number, wire: number): number => (field << 3) | wire;

const TOMBSTONE = 2n ** 63n - 1n;

const varintSize = (n: number): number => {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
};

class Writer {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  byte(b: number): void {
    this.buf[this.offset++] = b;
  }

  varint(n: number): void {
    while (n >= 128) {
      this.buf[this.offset++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.offset++] = n;
  }

  bigVarint(n: bigint): void {
    while (n >= 128n) {
      this.buf[this.offset++] = Number(n & 127n) | 128;
      n >>= 7n;
    }
    this.buf[this.offset++] = Number(n);
  }

  bytes(field: number, data: Uint8Array): void {
    this.byte(tag(field, LEN));
    this.varint(data.length);
    this.buf.set(data, this.offset);
    this.offset += data.length;
  }
}

const lenField = (payload: number): number => 1 + varintSize(payload) + payload;

const CONTENT_JSON = Buffer.from('application/json');
const CONTENT_BINARY = Buffer.from('application/octet-stream');
const KEY_TYPE = Buffer.from('type');
const KEY_CONTENT_TYPE = Buffer.from('content-type');
const KEY_CREATED = Buffer.from('created');

const mapEntrySize = (key: Uint8Array, value: Uint8Array): number =>
  lenField(key.length) + lenField(value.length);

export const encodeReadEvent = (event: StoredEvent): Buffer => {
  const id = Buffer.from(event.id, 'latin1');
  const stream = Buffer.from(event.streamName, 'utf8');
  const type = Buffer.from(event.type, 'utf8');
  const created = Buffer.from(`${Math.trunc(event.createdMs)}0000`, 'latin1');
  const contentType = event.isJson ? CONTENT_JSON : CONTENT_BINARY;
  const position = event.position;

  const uuidSize = lenField(id.length);
  const streamIdSize = lenField(stream.length);
  const revisionSize = event.tombstone ? 1 + 9 : event.revision === 0 ? 0 : 1 + varintSize(event.revision);
  const positionSize = position === 0 ? 0 : 1 + varintSize(position);
  const typeEntry = mapEntrySize(KEY_TYPE, type);
  const contentEntry = mapEntrySize(KEY_CONTENT_TYPE, contentType);
  const createdEntry = mapEntrySize(KEY_CREATED, created);
  const recordedSize =
    lenField(uuidSize) +
    lenField(streamIdSize) +
    revisionSize +
    2 * positionSize +
    lenField(typeEntry) +
    lenField(contentEntry) +
    lenField(createdEntry) +
    (event.metadata.length ? lenField(event.metadata.length) : 0) +
    (event.data.length ? lenField(event.data.length) : 0);
  const readEventSize = lenField(recordedSize) + positionSize;
  const w = new Writer(Buffer.allocUnsafe(lenField(readEventSize)));

  w.byte(tag(1, LEN)); // ReadResp.event
  w.varint(readEventSize);
  w.byte(tag(1, LEN)); // ReadEvent.event
  w.varint(recordedSize);
  w.byte(tag(1, LEN)); // RecordedEvent.id
  w.varint(uuidSize);
  w.bytes(2, id); // UUID.string
  w.byte(tag(2, LEN)); // RecordedEvent.stream_identifier
  w.varint(streamIdSize);
  w.bytes(3, stream); // StreamIdentifier.stream_name
  if (event.tombstone) {
    w.byte(tag(3, VARINT));
    w.bigVarint(TOMBSTONE);
  } else if (event.revision !== 0) {
    w.byte(tag(3, VARINT));
    w.varint(event.revision);
  }
  if (position !== 0) {
    w.byte(tag(4, VARINT)); // prepare_position
    w.varint(position);
    w.byte(tag(5, VARINT)); // commit_position
    w.varint(position);
  }
  for (const [key, value, size] of [
    [KEY_TYPE, type, typeEntry],
    [KEY_CONTENT_TYPE, contentType, contentEntry],
    [KEY_CREATED, created, createdEntry],
  ] as const) {
    w.byte(tag(6, LEN)); // metadata map entry
    w.varint(size);
    w.bytes(1, key);
    w.bytes(2, value);
  }
  if (event.metadata.length) w.bytes(7, event.metadata);
  if (event.data.length) w.bytes(8, event.data);
  if (position !== 0) {
    w.byte(tag(3, VARINT)); // ReadEvent.commit_position
    w.varint(position);
  }
  if (w.offset !== w.buf.length) throw new Error(`ReadResp size mismatch: ${w.offset} != ${w.buf.length}`);
  return w.buf;
};

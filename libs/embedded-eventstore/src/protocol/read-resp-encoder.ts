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

interface RecordedParts {
  event: StoredEvent;
  id: Buffer;
  stream: Buffer;
  type: Buffer;
  created: Buffer;
  contentType: Buffer;
  uuidSize: number;
  streamIdSize: number;
  revisionSize: number;
  positionSize: number;
  typeEntry: number;
  contentEntry: number;
  createdEntry: number;
  size: number;
}

const recordedParts = (event: StoredEvent): RecordedParts => {
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
  const size =
    lenField(uuidSize) +
    lenField(streamIdSize) +
    revisionSize +
    2 * positionSize +
    lenField(typeEntry) +
    lenField(contentEntry) +
    lenField(createdEntry) +
    (event.metadata.length ? lenField(event.metadata.length) : 0) +
    (event.data.length ? lenField(event.data.length) : 0);
  return {
    event,
    id,
    stream,
    type,
    created,
    contentType,
    uuidSize,
    streamIdSize,
    revisionSize,
    positionSize,
    typeEntry,
    contentEntry,
    createdEntry,
    size,
  };
};

/** Writes `RecordedEvent` as field `field` of the enclosing ReadEvent. */
const writeRecorded = (w: Writer, field: number, p: RecordedParts): void => {
  const { event } = p;
  w.byte(tag(field, LEN));
  w.varint(p.size);
  w.byte(tag(1, LEN)); // RecordedEvent.id
  w.varint(p.uuidSize);
  w.bytes(2, p.id); // UUID.string
  w.byte(tag(2, LEN)); // RecordedEvent.stream_identifier
  w.varint(p.streamIdSize);
  w.bytes(3, p.stream); // StreamIdentifier.stream_name
  if (event.tombstone) {
    w.byte(tag(3, VARINT));
    w.bigVarint(TOMBSTONE);
  } else if (event.revision !== 0) {
    w.byte(tag(3, VARINT));
    w.varint(event.revision);
  }
  if (event.position !== 0) {
    w.byte(tag(4, VARINT)); // prepare_position
    w.varint(event.position);
    w.byte(tag(5, VARINT)); // commit_position
    w.varint(event.position);
  }
  for (const [key, value, size] of [
    [KEY_TYPE, p.type, p.typeEntry],
    [KEY_CONTENT_TYPE, p.contentType, p.contentEntry],
    [KEY_CREATED, p.created, p.createdEntry],
  ] as const) {
    w.byte(tag(6, LEN)); // metadata map entry
    w.varint(size);
    w.bytes(1, key);
    w.bytes(2, value);
  }
  if (event.metadata.length) w.bytes(7, event.metadata);
  if (event.data.length) w.bytes(8, event.data);
};

/**
 * `ReadResp.event` for an event and/or the link that points at it. The read position is the link's when
 * there is one (the record actually read), like the real server's OriginalPosition.
 */
export const encodeReadEvent = (event: StoredEvent | undefined, link?: StoredEvent): Buffer => {
  const eventParts = event ? recordedParts(event) : undefined;
  const linkParts = link ? recordedParts(link) : undefined;
  const position = (link ?? event)!.position;
  const positionSize = position === 0 ? 0 : 1 + varintSize(position);
  const readEventSize =
    (eventParts ? lenField(eventParts.size) : 0) + (linkParts ? lenField(linkParts.size) : 0) + positionSize;
  const w = new Writer(Buffer.allocUnsafe(lenField(readEventSize)));
  w.byte(tag(1, LEN)); // ReadResp.event
  w.varint(readEventSize);
  if (eventParts) writeRecorded(w, 1, eventParts); // ReadEvent.event
  if (linkParts) writeRecorded(w, 2, linkParts); // ReadEvent.link
  if (position !== 0) {
    w.byte(tag(3, VARINT)); // ReadEvent.commit_position
    w.varint(position);
  }
  if (w.offset !== w.buf.length) throw new Error(`ReadResp size mismatch: ${w.offset} != ${w.buf.length}`);
  return w.buf;
};

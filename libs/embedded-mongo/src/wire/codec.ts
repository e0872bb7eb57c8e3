import { deserialize, Long, serialize } from 'bson';
import { type Doc, normalize } from '../bson/values';
import { DESERIALIZE } from '../engine/catalog';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
export const HEADER_SIZE = 16;
export const MAX_MESSAGE_SIZE = 48_000_000;

const CHECKSUM_PRESENT = 1;
export const MORE_TO_COME = 2;

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface Request {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  command: Doc;
  /** The client expects no reply (OP_MSG moreToCome). */
  noReply: boolean;
}

/** A message that is well framed but cannot be decoded: answered with an error, the connection survives. */
export class ProtocolError extends Error {}

export const readHeader = (buf: Buffer): Header => ({
  length: buf.readInt32LE(0),
  requestId: buf.readInt32LE(4),
  responseTo: buf.readInt32LE(8),
  opCode: buf.readInt32LE(12),
});

const readDoc = (buf: Buffer, off: number, end: number): { doc: Doc; next: number } => {
  if (off + 5 > end) throw new ProtocolError('truncated BSON document');
  const len = buf.readInt32LE(off);
  if (len < 5 || off + len > end) throw new ProtocolError(`invalid BSON document length ${len}`);
  try {
    const doc = normalize(deserialize(buf.subarray(off, off + len), DESERIALIZE)).value;
    return { doc, next: off + len };
  } catch (e) {
    throw new ProtocolError(`invalid BSON: ${(e as Error).message}`);
  }
};

const readCString = (buf: Buffer, off: number, end: number): { value: string; next: number } => {
  const zero = buf.indexOf(0, off);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated cstring');
  return { value: buf.toString('utf8', off, zero), next: zero + 1 };
};

/** Decodes one complete message (header included). Document sequences are merged into the body by identifier. */
export const decodeRequest = (msg: Buffer, h: Header): Request => {
  if (h.opCode === OP_MSG) {
    const flags = msg.readUInt32LE(HEADER_SIZE);
    if (flags & ~(CHECKSUM_PRESENT | MORE_TO_COME | (1 << 16)))
      throw new ProtocolError(`unsupported OP_MSG flags ${flags}`);
    const end = msg.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
    let off = HEADER_SIZE + 4;
    let body: Doc | null = null;
    const sequences: [string, Doc[]][] = [];
    while (off < end) {
      const kind = msg.readUInt8(off++);
      if (kind === 0) {
        if (body) throw new ProtocolError('OP_MSG with more than one body section');
        const r = readDoc(msg, off, end);
        body = r.doc;
        off = r.next;
      } else if (kind === 1) {
        if (off + 4 > end) throw new ProtocolError('truncated document sequence');
        const size = msg.readInt32LE(off);
        const seqEnd = off + size;
        if (size < 5 || seqEnd > end) throw new ProtocolError('invalid document sequence size');
        const id = readCString(msg, off + 4, seqEnd);
        const docs: Doc[] = [];
        let p = id.next;
        while (p < seqEnd) {
          const r = readDoc(msg, p, seqEnd);
          docs.push(r.doc);
          p = r.next;
        }
        sequences.push([id.value, docs]);
        off = seqEnd;
      } else throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
    if (!body) throw new ProtocolError('OP_MSG without a body section');
    for (const [id, docs] of sequences) body[id] = docs;
    return { requestId: h.requestId, opCode: OP_MSG, command: body, noReply: (flags & MORE_TO_COME) !== 0 };
  }
  if (h.opCode === OP_QUERY) {
    const coll = readCString(msg, HEADER_SIZE + 4, msg.length);
    const { doc } = readDoc(msg, coll.next + 8, msg.length);
    const db = coll.value.slice(0, coll.value.indexOf('.'));
    // Legacy handshakes may wrap the command as {$query: {...}}.
    const command = (doc.$query && typeof doc.$query === 'object' ? doc.$query : doc) as Doc;
    if (command.$db === undefined) command.$db = db || 'admin';
    return { requestId: h.requestId, opCode: OP_QUERY, command, noReply: false };
  }
  throw new ProtocolError(`unsupported opCode ${h.opCode}`);
};

let nextResponseId = 1;

const header = (length: number, responseTo: number, opCode: number): Buffer => {
  const b = Buffer.allocUnsafe(HEADER_SIZE);
  b.writeInt32LE(length, 0);
  b.writeInt32LE(nextResponseId++ & 0x7fffffff, 4);
  b.writeInt32LE(responseTo, 8);
  b.writeInt32LE(opCode, 12);
  return b;
};

export const encodeReply = (req: { requestId: number; opCode: number }, reply: Doc): Buffer => {
  const body = serialize(reply, { ignoreUndefined: true });
  if (req.opCode === OP_QUERY) {
    const fields = Buffer.alloc(20);
    fields.writeInt32LE(0, 0);
    fields.writeBigInt64LE(Long.ZERO.toBigInt(), 4);
    fields.writeInt32LE(0, 12);
    fields.writeInt32LE(1, 16);
    return Buffer.concat([header(HEADER_SIZE + 20 + body.length, req.requestId, OP_REPLY), fields, body]);
  }
  const flags = Buffer.alloc(5); // flagBits 0, then section kind 0
  return Buffer.concat([header(HEADER_SIZE + 5 + body.length, req.requestId, OP_MSG), flags, body]);
};

import { deserialize, serialize } from 'bson';
import { keyString, normalize } from '../bson/values';
import { type Catalog, DESERIALIZE, type Op } from '../engine/catalog';
import type { IndexSpec } from '../engine/index-store';

/**
 * Binary op encoding shared by the journal and snapshots: [u8 type][u16 ns length][ns utf8][BSON body].
 * A put's body is the document's own stored bytes, so journaling a write costs no second serialization.
 */
// Append only: a type's position is its journal code.
const TYPES = [
  'put',
  'del',
  'create',
  'drop',
  'rename',
  'createIndex',
  'dropIndex',
  'dropDb',
  'collMod',
] as const;

const body = (op: Op): Uint8Array => {
  switch (op.t) {
    case 'put':
      return op.rec.bytes;
    case 'del':
      return serialize({ _id: op.idValue });
    case 'create':
      return serialize({ options: op.options });
    case 'drop':
      return serialize({});
    case 'rename':
      return serialize({ to: op.to });
    case 'createIndex':
      return serialize({ spec: op.spec });
    case 'dropIndex':
      return serialize({ name: op.name });
    case 'dropDb':
      return serialize({});
    case 'collMod':
      return serialize({ options: op.options, ...(op.index ? { index: op.index } : {}) });
  }
};

const nsOf = (op: Op): string => (op.t === 'rename' ? op.from : op.t === 'dropDb' ? op.db : op.ns);

export const encodeOps = (ops: readonly Op[]): Buffer => {
  const parts: Uint8Array[] = [];
  for (const op of ops) {
    const ns = Buffer.from(nsOf(op), 'utf8');
    const head = Buffer.allocUnsafe(3);
    head.writeUInt8(TYPES.indexOf(op.t), 0);
    head.writeUInt16LE(ns.length, 1);
    parts.push(head, ns, body(op));
  }
  return Buffer.concat(parts);
};

/** Decodes ops against the catalog they will be applied to (records need its sequence numbers). */
export function* decodeOps(buf: Buffer, catalog: Catalog): Generator<Op> {
  let off = 0;
  while (off < buf.length) {
    const type = TYPES[buf.readUInt8(off)];
    const nsLen = buf.readUInt16LE(off + 1);
    const ns = buf.toString('utf8', off + 3, off + 3 + nsLen);
    off += 3 + nsLen;
    const len = buf.readInt32LE(off);
    const bytes = buf.subarray(off, off + len);
    off += len;
    if (type === 'put') {
      yield { t: 'put', ns, rec: catalog.recordFromBytes(ns, Buffer.from(bytes)) };
      continue;
    }
    const b = normalize(deserialize(bytes, DESERIALIZE)).value;
    if (type === undefined) throw new Error('unknown journal op type');
    switch (type) {
      case 'del':
        yield { t: 'del', ns, id: keyString(b._id), idValue: b._id };
        break;
      case 'create':
        yield { t: 'create', ns, options: (b.options ?? {}) as Record<string, unknown> };
        break;
      case 'drop':
        yield { t: 'drop', ns };
        break;
      case 'rename':
        yield { t: 'rename', from: ns, to: b.to as string };
        break;
      case 'createIndex':
        yield { t: 'createIndex', ns, spec: b.spec as IndexSpec };
        break;
      case 'dropIndex':
        yield { t: 'dropIndex', ns, name: b.name as string };
        break;
      case 'dropDb':
        yield { t: 'dropDb', db: ns };
        break;
      case 'collMod':
        yield {
          t: 'collMod',
          ns,
          options: (b.options ?? {}) as Record<string, unknown>,
          ...(b.index ? { index: b.index as { name: string; set: Record<string, unknown> } } : {}),
        };
        break;
    }
  }
}

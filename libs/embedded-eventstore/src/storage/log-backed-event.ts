import type { StoredEvent } from './stored-event';
import { uuidFromBytes } from './uuid';

const EMPTY = new Uint8Array(0);

/**
 * A recovered event that keeps its id, data and metadata in the segment buffer it was read from and
 * materialises them on demand. A million recovered events then cost one small object each instead of
 * an object plus a string and two Buffer views, which kept recovery busy in the garbage collector.
 */
export class LogBackedEvent implements StoredEvent {
  private cachedId: string | undefined;

  constructor(
    readonly seq: number,
    readonly position: number,
    readonly streamName: string,
    readonly revision: number,
    readonly tombstone: boolean,
    readonly type: string,
    readonly isJson: boolean,
    readonly createdMs: number,
    private readonly buf: Buffer,
    private readonly idOffset: number,
    private readonly dataLength: number,
    private readonly metaLength: number,
  ) {}

  get id(): string {
    return (this.cachedId ??= uuidFromBytes(this.buf, this.idOffset));
  }

  /** Data sits after id (16), stream (2 + n), type (2 + n) and its own length (4); see record-codec. */
  private get dataOffset(): number {
    const streamLen = this.buf.readUInt16LE(this.idOffset + 16);
    const typeOffset = this.idOffset + 18 + streamLen;
    return typeOffset + 2 + this.buf.readUInt16LE(typeOffset) + 4;
  }

  get data(): Uint8Array {
    if (!this.dataLength) return EMPTY;
    const offset = this.dataOffset;
    return this.buf.subarray(offset, offset + this.dataLength);
  }

  get metadata(): Uint8Array {
    if (!this.metaLength) return EMPTY;
    const offset = this.dataOffset + this.dataLength + 4;
    return this.buf.subarray(offset, offset + this.metaLength);
  }
}

import { constants, promises as fsp, readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/*
 * Each journal has a sidecar `<journal>.ack` holding how many of its bytes were fsynced before writes were
 * acknowledged: damage below that length is damage to acknowledged data (refuse), bytes past it may be a
 * torn write (cut). Written after every fsync, before the acknowledgements; fsynced on close only, so after
 * a power cut it may lag (recovery is then more lenient), never lead.
 *
 * Layout: [u32 magic][u32 crc32 of the next 8 bytes][f64 length], little-endian.
 */
const MAGIC = 0x4b434a4d; // "MJCK"
const SIZE = 16;

export const ackPath = (journalPath: string): string => `${journalPath}.ack`;

/** The acknowledged length of a journal, or null when its sidecar is missing or unreadable. */
export const readAckedLength = (journalPath: string): number | null => {
  let buf: Buffer;
  try {
    buf = readFileSync(ackPath(journalPath));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (buf.length !== SIZE || buf.readUInt32LE(0) !== MAGIC || crc32(buf.subarray(8)) !== buf.readUInt32LE(4))
    return null;
  return buf.readDoubleLE(8);
};

export class AckLengthWriter {
  private handle: fsp.FileHandle | null = null;

  constructor(private readonly journalPath: string) {}

  async write(length: number): Promise<void> {
    this.handle ??= await fsp.open(ackPath(this.journalPath), constants.O_RDWR | constants.O_CREAT, 0o600);
    const buf = Buffer.alloc(SIZE);
    buf.writeUInt32LE(MAGIC, 0);
    buf.writeDoubleLE(length, 8);
    buf.writeUInt32LE(crc32(buf.subarray(8)), 4);
    await this.handle.write(buf, 0, SIZE, 0);
  }

  async close(): Promise<void> {
    if (!this.handle) return;
    await this.handle.datasync();
    await this.handle.close();
    this.handle = null;
  }
}

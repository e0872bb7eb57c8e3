import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/*
 * The acknowledged end of the log: the position up to which every byte was fsynced before an append was
 * acknowledged. It is what separates a torn tail (bytes past it, never acknowledged, safe to cut) from
 * damage to acknowledged records (refuse to start). Written after every group commit's fsync and before
 * its acknowledgements; fsynced only on close, so after a power cut it may lag (recovery is then as
 * lenient as without it), but it is never ahead of data that is on disk.
 *
 * Layout: [u32 magic][u32 crc32 of the next 8 bytes][f64 position], little-endian.
 */
export const ACK_MARK_FILE = 'acknowledged.mark';
const MAGIC = 0x4b434145; // "EACK"
const SIZE = 16;

export type AckMark = { state: 'absent' } | { state: 'invalid' } | { state: 'ok'; position: number };

export const readAckMark = async (dir: string): Promise<AckMark> => {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(join(dir, ACK_MARK_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    throw error;
  }
  if (buf.length !== SIZE || buf.readUInt32LE(0) !== MAGIC || crc32(buf.subarray(8)) !== buf.readUInt32LE(4))
    return { state: 'invalid' };
  return { state: 'ok', position: buf.readDoubleLE(8) };
};

const encode = (position: number): Buffer => {
  const buf = Buffer.alloc(SIZE);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeDoubleLE(position, 8);
  buf.writeUInt32LE(crc32(buf.subarray(8)), 4);
  return buf;
};

export class AckMarkWriter {
  private handle: FileHandle | null = null;
  private last = -1;

  constructor(
    private readonly dir: string,
    private readonly mode = 0o600,
  ) {}

  async write(position: number): Promise<void> {
    if (position === this.last) return;
    this.handle ??= await fsp.open(
      join(this.dir, ACK_MARK_FILE),
      constants.O_RDWR | constants.O_CREAT,
      this.mode,
    );
    await this.handle.write(encode(position), 0, SIZE, 0);
    this.last = position;
  }

  async close(): Promise<void> {
    if (!this.handle) return;
    await this.handle.datasync();
    await this.handle.close();
    this.handle = null;
  }
}

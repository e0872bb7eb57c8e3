const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Normalises a textual UUID to lowercase, or returns null when it is not one. */
export const normaliseUuid = (text: string): string | null =>
  UUID_RE.test(text) ? text.toLowerCase() : null;

export const uuidToBytes = (uuid: string): Buffer => Buffer.from(uuid.replace(/-/g, ''), 'hex');

export const uuidFromBytes = (buf: Buffer, offset: number): string => {
  const hex = buf.toString('hex', offset, offset + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The protocol's structured form: two signed 64-bit halves as decimal strings. */
export const uuidFromHalves = (most: string, least: string): string => {
  const buf = Buffer.allocUnsafe(16);
  buf.writeBigInt64BE(BigInt.asIntN(64, BigInt(most)), 0);
  buf.writeBigInt64BE(BigInt.asIntN(64, BigInt(least)), 8);
  return uuidFromBytes(buf, 0);
};

import type { StoredEvent } from '../storage/stored-event';

/** The parts of `$$<stream>` metadata the server enforces. */
export interface StreamMetadata {
  maxCount?: number;
  /** Seconds. */
  maxAge?: number;
  truncateBefore?: number;
  /** Soft delete writes `$tb` = 2^63-1; it only survives JSON.parse as "something huge". */
  softDeleted: boolean;
  raw: Record<string, unknown>;
}

export const NO_METADATA: StreamMetadata = { softDeleted: false, raw: {} };
export const SOFT_DELETE_METADATA = '{"$tb":9223372036854775807}';
const SOFT_DELETED_THRESHOLD = 2 ** 62;

const cache = new WeakMap<StoredEvent, StreamMetadata>();

const nonNegativeInt = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

export const parseStreamMetadata = (event: StoredEvent | undefined): StreamMetadata => {
  if (!event || event.type !== '$metadata') return NO_METADATA;
  const cached = cache.get(event);
  if (cached) return cached;
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(event.data).toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      raw = parsed as Record<string, unknown>;
  } catch {
    // Unparseable metadata is ignored, as the real server does.
  }
  const tb = nonNegativeInt(raw['$tb']);
  const meta: StreamMetadata = {
    maxCount: nonNegativeInt(raw['$maxCount']),
    maxAge: nonNegativeInt(raw['$maxAge']),
    truncateBefore: tb,
    softDeleted: tb !== undefined && tb >= SOFT_DELETED_THRESHOLD,
    raw,
  };
  cache.set(event, meta);
  return meta;
};

/** Metadata for a stream re-created after a soft delete: other keys survive, `$tb` moves. */
export const reopenedMetadata = (meta: StreamMetadata, firstNewRevision: number): string => {
  const rest = Object.entries(meta.raw).filter(([key]) => key !== '$tb');
  return JSON.stringify(Object.fromEntries([...rest, ['$tb', firstNewRevision]]));
};

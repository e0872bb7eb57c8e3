import type { ResolvedRecord } from '../streams/resolve-link';
import { originalOf } from '../streams/resolve-link';

/**
 * `$correlationId` at the top level of a record's JSON metadata, as the real PinnedByCorrelation
 * strategy reads it (the resolved event's, else the link's); null when absent or not a string.
 */
const correlationOf = (metadata: Uint8Array): string | null => {
  if (metadata.length === 0) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(metadata).toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const value = (parsed as Record<string, unknown>)['$correlationId'];
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
};

/** What a pinned strategy hashes: the source stream, or (ByCorrelation) the correlation id when there is one. */
export const pinningKey = (resolved: ResolvedRecord, byCorrelation: boolean): string => {
  const record = resolved.event ?? originalOf(resolved);
  if (byCorrelation) {
    const correlation = correlationOf(record.metadata);
    if (correlation !== null) return correlation;
  }
  return record.streamName;
};

export const hashOf = (key: string): number => {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash);
};

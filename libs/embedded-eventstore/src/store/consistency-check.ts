import type { StreamMetadata } from './stream-metadata';
import type { StreamState } from './stream-state';

/**
 * A stream state as the newer protocol (kurrentdb.protocol.v2) states it in consistency checks: a revision
 * (>= 0) or one of its constants.
 */
export const STREAM_STATE = {
  noStream: -1,
  any: -2,
  exists: -4,
  deleted: -5,
  tombstoned: -6,
} as const;

/** What the stream is now, in those terms: tombstoned, soft-deleted, or its last revision (-1: none). */
export const actualStateOf = (state: StreamState | undefined, meta: StreamMetadata): number => {
  if (state?.tombstoned) return STREAM_STATE.tombstoned;
  if (meta.softDeleted) return STREAM_STATE.deleted;
  return state?.lastRevision ?? STREAM_STATE.noStream;
};

/**
 * Whether `stream` passes a check expecting `expected`, with writability semantics as a real node evaluates
 * them: a soft-deleted stream is writable (an append restores it and continues its revisions), so it passes
 * `no_stream`, `any` and its last revision; a tombstoned stream is never writable and passes only
 * `tombstoned`.
 */
export const passesCheck = (
  expected: number,
  state: StreamState | undefined,
  meta: StreamMetadata,
): boolean => {
  const tombstoned = state?.tombstoned === true;
  const last = state?.lastRevision ?? -1;
  if (expected === STREAM_STATE.tombstoned) return tombstoned;
  if (tombstoned) return false;
  switch (expected) {
    case STREAM_STATE.any:
      return true;
    case STREAM_STATE.noStream:
      return last === -1 || meta.softDeleted;
    case STREAM_STATE.exists:
      return last >= 0 && !meta.softDeleted;
    case STREAM_STATE.deleted:
      return meta.softDeleted;
    default:
      return expected >= 0 && last === expected;
  }
};

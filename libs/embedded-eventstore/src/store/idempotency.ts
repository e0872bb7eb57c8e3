import type { ProposedEvent } from '../storage/stored-event';
import type { ExpectedRevision, WriteResult } from './expected-revision';
import type { StreamMetadata } from './stream-metadata';
import type { StreamState } from './stream-state';

export type Decision = WriteResult | { kind: 'write' };

/**
 * Optimistic concurrency plus idempotency by event id. A proposal whose ids are exactly the events
 * already written at the place it targets is answered with the original result instead of being
 * written twice; a partial overlap is a conflict.
 */
export const checkExpected = (
  state: StreamState | undefined,
  meta: StreamMetadata,
  hasMetastream: boolean,
  expected: ExpectedRevision,
  proposed: readonly ProposedEvent[],
): Decision => {
  if (state?.tombstoned) return { kind: 'stream_deleted' };
  const last = state?.lastRevision ?? -1;
  const conflict: Decision = { kind: 'wrong_expected_version', current: last };
  switch (expected.kind) {
    case 'any':
      return replayById(state, proposed) ?? { kind: 'write' };
    case 'stream_exists':
      if (meta.softDeleted) return { kind: 'stream_deleted' };
      if (last === -1 && !hasMetastream) return conflict;
      return replayById(state, proposed) ?? { kind: 'write' };
    case 'no_stream':
      if (last === -1 || meta.softDeleted) return { kind: 'write' };
      return replayAt(state, 0, proposed) ?? conflict;
    case 'exact':
      if (expected.revision === last) return { kind: 'write' };
      if (expected.revision < last) return replayAt(state, expected.revision + 1, proposed) ?? conflict;
      return conflict;
  }
};

const replayAt = (
  state: StreamState | undefined,
  from: number,
  proposed: readonly ProposedEvent[],
): WriteResult | null => {
  if (!state || proposed.length === 0) return null;
  const lastIndex = from + proposed.length - 1;
  if (lastIndex > state.lastRevision) return null;
  for (let i = 0; i < proposed.length; i++) {
    if (state.events[from + i]!.id !== proposed[i]!.id) return null;
  }
  const original = state.events[lastIndex]!;
  return { kind: 'success', revision: original.revision, position: original.position };
};

const replayById = (state: StreamState | undefined, proposed: readonly ProposedEvent[]): Decision | null => {
  const first = proposed[0];
  if (!state || !first) return null;
  const from = state.revisionOfId(first.id);
  if (from === undefined) return null;
  return replayAt(state, from, proposed) ?? { kind: 'wrong_expected_version', current: state.lastRevision };
};

import { type LogPosition } from '@shop/event-sourcing';
import { Long } from 'mongodb';

/** How a $all position is stored in MongoDB: int64s, so checkpoints compare and sort in queries. */
export interface StoredPosition {
  commit: Long;
  prepare: Long;
}

export const toStored = (p: LogPosition): StoredPosition => ({
  commit: Long.fromBigInt(p.commit),
  prepare: Long.fromBigInt(p.prepare),
});

export const fromStored = (p: StoredPosition): LogPosition => ({
  commit: BigInt(p.commit.toString()),
  prepare: BigInt(p.prepare.toString()),
});

export const comparePositions = (a: LogPosition, b: LogPosition): number =>
  a.commit === b.commit ? Number(a.prepare - b.prepare) : a.commit < b.commit ? -1 : 1;

/** True when a projection checkpointed at `checkpoint` has applied the event at `position`. */
export const hasReached = (checkpoint: LogPosition | null, position: LogPosition): boolean =>
  checkpoint !== null && comparePositions(checkpoint, position) >= 0;

export const formatPosition = (p: LogPosition | null): string => (p ? `${p.commit}/${p.prepare}` : 'start');

const POSITION_TOKEN = /^(\d{1,20})\/(\d{1,20})$/;

/** Parses the `commit/prepare` token that commands return (see formatPosition); null when malformed. */
export const parsePosition = (token: string): LogPosition | null => {
  const match = POSITION_TOKEN.exec(token.trim());
  if (!match) return null;
  const commit = BigInt(match[1]!);
  const prepare = BigInt(match[2]!);
  return commit < 2n ** 64n && prepare < 2n ** 64n ? { commit, prepare } : null;
};

import { type Command } from './command';
import { type DomainEvent } from './event';

/**
 * One aggregate's behaviour as three pure functions. `decide` throws a DomainError to reject a command and
 * returns `[]` when the command changes nothing (an accepted no-op).
 */
export interface Decider<S, C extends Command, E extends DomainEvent> {
  decide(command: C, state: S): readonly E[];
  evolve(state: S, event: E): S;
  initialState(): S;
  /** Optional: store the state every N events so loading does not replay the whole stream. */
  readonly snapshots?: SnapshotPolicy<S>;
}

export interface SnapshotPolicy<S> {
  /** Take a snapshot once at least this many events were appended since the last one. */
  readonly every: number;
  /**
   * Version of the state's shape. Bump it whenever `evolve` or the state type changes: snapshots of another
   * version are ignored and the aggregate is rebuilt from its events.
   */
  readonly schemaVersion: number;
  /** Needed only when the state is not plain JSON (Map, Date, bigint...). */
  serialize?(state: S): unknown;
  deserialize?(json: unknown): S;
}

export const fold = <S, E extends DomainEvent>(
  decider: Pick<Decider<S, never, E>, 'evolve'>,
  state: S,
  events: Iterable<E>,
): S => {
  let current = state;
  for (const event of events) current = decider.evolve(current, event);
  return current;
};

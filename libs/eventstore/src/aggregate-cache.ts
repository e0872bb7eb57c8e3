import { type LoadedAggregate } from './aggregate-loader';

interface Entry {
  readonly decider: object;
  readonly aggregate: LoadedAggregate<unknown>;
}

/**
 * The last known state of recently used aggregates, so the next command on a stream reads only the events
 * appended since (usually none) instead of replaying. Safe because streams are append-only: a cached state is
 * always the fold of a prefix of its stream, and loading catches up from there. Requires `evolve` not to
 * mutate its input state (deciders are pure). Keyed by decider identity too: another decider on the same
 * stream never sees this one's state.
 */
export class AggregateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  get<S>(streamName: string, decider: object): LoadedAggregate<S> | undefined {
    const entry = this.entries.get(streamName);
    if (!entry || entry.decider !== decider) return undefined;
    this.entries.delete(streamName);
    this.entries.set(streamName, entry);
    return copy(entry.aggregate) as LoadedAggregate<S>;
  }

  set<S>(streamName: string, decider: object, aggregate: LoadedAggregate<S>): void {
    if (this.capacity <= 0) return;
    this.entries.delete(streamName);
    this.entries.set(streamName, { decider, aggregate: copy(aggregate) });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(streamName: string): void {
    this.entries.delete(streamName);
  }
}

// The idempotency window is mutated while handling a command; the cached copy must not see a failed attempt.
const copy = <S>(aggregate: LoadedAggregate<S>): LoadedAggregate<S> => ({
  ...aggregate,
  recentCommands: aggregate.recentCommands.clone(),
});

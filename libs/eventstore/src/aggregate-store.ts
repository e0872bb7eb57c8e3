import { randomUUID } from 'node:crypto';
import {
  type AppendResult,
  type EventData,
  type EventStoreDBClient,
  NO_STREAM,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  buildEventMetadata,
  type Command,
  type Decider,
  type DomainEvent,
  fold,
  type LogPosition,
  type MessageContext,
} from '@shop/event-sourcing';
import { type RetryPolicy } from 'cockatiel';
import { type CommandStep, CommandStepError } from './command-step';
import {
  type AggregateLoader,
  type LoadedAggregate,
  type LoadOptions,
  NO_STREAM_REVISION,
} from './aggregate-loader';
import {
  ExpectedRevisionMismatchError,
  IdempotencyKeyReusedError,
  isWrongExpectedVersion,
  StreamContentionError,
  toEventStoreError,
} from './errors';
import { type EventSerializer } from './event-serializer';
import { idempotentEventId } from './idempotency';
import { KeyedMutex } from './keyed-mutex';
import { type MultiStreamAppender } from './multi-stream-appender';
import { type CommandRange } from './recent-commands';
import { conflictRetryPolicy, type RetrySettings, transientRetryPolicy } from './retry-policies';
import { type SnapshotStore } from './snapshot-store';
import { readEvents } from './stream-reader';

export interface HandleOptions {
  /**
   * The revision the caller last saw (HTTP If-Match); NO_STREAM_REVISION (-1n) means "must not exist yet".
   * When given, a mismatch fails with ExpectedRevisionMismatchError instead of being retried.
   */
  readonly expectedRevision?: bigint;
  /** Correlation, causation, user and trace of the request or of the causing event (`contextFromEvent`). */
  readonly context?: MessageContext;
  /**
   * The caller just generated the stream's id (a random UUID), so the stream almost surely does not exist:
   * decide on the initial state and append with no_stream without reading first. If the stream exists after
   * all, the append is refused and the command takes the normal path.
   */
  readonly expectNew?: boolean;
}

export interface CommandResult<E extends DomainEvent> {
  /**
   * Revision of the stream's last event after the command: the value for the next If-Match/ETag.
   * NO_STREAM_REVISION (-1n) when the stream still does not exist (a no-op on a new stream).
   */
  readonly nextRevision: bigint;
  /** Log position of the last event the command appended, for read-your-writes waits; absent for a no-op. */
  readonly position?: LogPosition;
  readonly events: readonly E[];
  /**
   * `duplicate`: the idempotency key was found in the stream; the original command's result is returned. A
   * concurrent duplicate may also report `appended` when EventStoreDB accepted it as an idempotent re-append.
   */
  readonly outcome: 'appended' | 'unchanged' | 'duplicate';
}

export interface AggregateStoreHooks {
  /** A failed snapshot never fails the command (snapshots are a cache), but it should be visible. */
  readonly onSnapshotFailure?: (error: unknown, streamName: string) => void;
}

/** The write path of every command: load, fold, decide, append with optimistic concurrency. */
export class AggregateStore {
  private readonly conflictRetry: RetryPolicy;
  private readonly transientRetry: RetryPolicy;
  private readonly perStream = new KeyedMutex();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly serializer: EventSerializer,
    private readonly loader: AggregateLoader,
    private readonly snapshots: SnapshotStore,
    private readonly retrySettings: RetrySettings,
    private readonly hooks: AggregateStoreHooks = {},
    private readonly multiStream: MultiStreamAppender,
  ) {
    this.conflictRetry = conflictRetryPolicy(retrySettings);
    this.transientRetry = transientRetryPolicy(retrySettings);
  }

  /** Current state and revision, from the latest compatible snapshot plus later events. Retried when transient. */
  load<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    options: LoadOptions = {},
  ): Promise<LoadedAggregate<S>> {
    return this.transientRetry.execute(() => this.loader.load(decider, streamName, options));
  }

  /**
   * The state this process last saw of the stream (the aggregate cache), without a round trip; loaded when
   * not cached. For a caller that is the stream's only writer and reads it to decide what to write next (a
   * process manager after recording a fact): its own writes keep the entry current, and every write it
   * decides is still appended at the revision it saw, so a stale entry costs a refused append, never a lost or
   * doubled write.
   */
  latest<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
  ): Promise<LoadedAggregate<S>> {
    const cached = this.loader.cached<S>(streamName, decider);
    return cached ? Promise.resolve(cached) : this.load(decider, streamName);
  }

  async handle<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    command: C,
    options: HandleOptions = {},
  ): Promise<CommandResult<E>> {
    return this.perStream.run(streamName, async () => {
      const fast = await this.attemptFromCache(decider, streamName, command, options);
      if (fast) return fast;
      if (options.expectedRevision !== undefined) return this.attempt(decider, streamName, command, options);
      try {
        return await this.conflictRetry.execute(() => this.attempt(decider, streamName, command, options));
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        throw new StreamContentionError(streamName, this.retrySettings.conflictRetries + 1, { cause: error });
      }
    });
  }

  /**
   * Several aggregates' commands as one write: each step is decided on its own stream's current state, and
   * everything decided is appended in one atomic multi-stream append with each stream's expected revision,
   * so either every stream gets its events or none does (a conflict on any stream reloads all and decides
   * again). A step whose command is a duplicate (idempotency key) or a no-op contributes nothing. A refusal,
   * an If-Match mismatch or a failed read of step i is thrown as CommandStepError(i) and writes nothing.
   * Results are in the order of the steps.
   *
   * Where the node offers no atomic appends (EventStoreDB before KurrentDB 25.1), the steps run in order as separate `handle` calls: still correct for idempotent steps (a
   * crash between them is repaired by running the whole write again), but not atomic.
   */
  async handleTogether(steps: readonly CommandStep[]): Promise<CommandResult<DomainEvent>[]> {
    const names = steps.map((step) => step.streamName);
    if (new Set(names).size !== names.length) {
      throw new Error(`handleTogether needs one step per stream, got ${names.join(', ')}`);
    }
    const appender = this.multiStream;
    if (appender.offered !== false) {
      const together = await this.perStream.runAll(names, async () => {
        const fast = await this.attemptTogetherFromCache(appender, steps);
        if (fast !== 'normal') return fast;
        try {
          return await this.conflictRetry.execute(() => this.attemptTogether(appender, steps));
        } catch (error) {
          if (!isWrongExpectedVersion(error)) throw error;
          throw new StreamContentionError(names.join(' + '), this.retrySettings.conflictRetries + 1, {
            cause: error,
          });
        }
      });
      if (together) return together;
    }
    return this.handleInTurn(steps);
  }

  private async handleInTurn(steps: readonly CommandStep[]): Promise<CommandResult<DomainEvent>[]> {
    const results: CommandResult<DomainEvent>[] = [];
    for (const [index, step] of steps.entries()) {
      try {
        results.push(await this.handle(step.decider, step.streamName, step.command, step.options));
      } catch (error) {
        throw new CommandStepError(index, step.streamName, { cause: error });
      }
    }
    return results;
  }

  /** The steps' results, or undefined when the node turned out to have no atomic appends (nothing written). */
  private async attemptTogether(
    appender: MultiStreamAppender,
    steps: readonly CommandStep[],
  ): Promise<CommandResult<DomainEvent>[] | undefined> {
    // Loaded side by side; of several failures the first step's is reported, whichever came first.
    const settled = await Promise.allSettled(steps.map((step, index) => this.decideStep(step, index)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const decided = settled.map((s) => (s as PromiseFulfilledResult<DecidedStep>).value);
    const writing = decided.filter((d) => d.result === undefined);
    if (writing.length === 1) {
      const [only] = writing as [DecidedStep];
      const { decider, streamName, command, options } = only.step;
      only.result = await this.appendDecided(decider, streamName, command, options, only.loaded, only.events);
    } else if (writing.length > 1 && !(await this.appendAtomically(appender, writing))) {
      return undefined;
    }
    return decided.map((d) => d.result as CommandResult<DomainEvent>);
  }

  /**
   * handleTogether's hot path, as attemptFromCache is handle's: when every step's stream is cached (or the
   * step expects a new stream), decide on those states and append at their revisions without reading. A
   * step that a stale state could get wrong without appending (a refusal, a no-op, a duplicate, an If-Match
   * mismatch) and a refused append take the normal path ('normal'); undefined: the node has no atomic appends.
   */
  private async attemptTogetherFromCache(
    appender: MultiStreamAppender,
    steps: readonly CommandStep[],
  ): Promise<CommandResult<DomainEvent>[] | 'normal' | undefined> {
    const decided: DecidedStep[] = [];
    for (const step of steps) {
      const loaded =
        this.loader.cached<unknown>(step.streamName, step.decider) ??
        (step.options.expectNew ? this.loader.initial(step.decider) : undefined);
      if (!loaded) return 'normal';
      const { expectedRevision } = step.options;
      if (expectedRevision !== undefined && expectedRevision !== loaded.revision) return 'normal';
      const key = step.command.metadata.idempotencyKey;
      if (key !== undefined && loaded.recentCommands.find(key)) return 'normal';
      let events: readonly DomainEvent[];
      try {
        events = step.decider.decide(step.command, loaded.state);
      } catch {
        return 'normal';
      }
      if (events.length === 0) return 'normal';
      decided.push({ step, loaded, events });
    }
    try {
      if (decided.length === 1) {
        const [only] = decided as [DecidedStep];
        const { decider, streamName, command, options } = only.step;
        only.result = await this.appendDecided(
          decider,
          streamName,
          command,
          options,
          only.loaded,
          only.events,
        );
      } else if (!(await this.appendAtomically(appender, decided))) {
        return undefined;
      }
    } catch (error) {
      if (isWrongExpectedVersion(error)) return 'normal';
      throw error;
    }
    return decided.map((d) => d.result as CommandResult<DomainEvent>);
  }

  private async decideStep(step: CommandStep, index: number): Promise<DecidedStep> {
    try {
      const loaded = await this.load(step.decider, step.streamName);
      const original = this.findOriginal<DomainEvent>(loaded, step.streamName, step.command);
      if (original) return { step, loaded, events: [], result: await original };
      const expected = step.options.expectedRevision;
      if (expected !== undefined && expected !== loaded.revision) {
        throw new ExpectedRevisionMismatchError(step.streamName, expected, loaded.revision);
      }
      const events = step.decider.decide(step.command, loaded.state);
      if (events.length > 0) return { step, loaded, events };
      return {
        step,
        loaded,
        events,
        result: { nextRevision: loaded.revision, events, outcome: 'unchanged' },
      };
    } catch (error) {
      throw new CommandStepError(index, step.streamName, { cause: error });
    }
  }

  private async appendAtomically(appender: MultiStreamAppender, writing: DecidedStep[]): Promise<boolean> {
    const requests = writing.map(({ step, loaded, events }) => ({
      streamName: step.streamName,
      expectedRevision: loaded.revision,
      events: this.serializeDecided(step.streamName, step.command, step.options, events),
    }));
    const append = () => appender.append(requests);
    // As for one stream: only an append with deterministic event ids may be retried when its outcome is unknown.
    const idempotent = writing.every((d) => d.step.command.metadata.idempotencyKey !== undefined);
    const written = await (idempotent ? this.transientRetry.execute(append) : append());
    if (!written) return false;
    const position = { commit: written.position, prepare: written.position };
    for (const [i, d] of writing.entries()) {
      const { decider, streamName, command } = d.step;
      const revision = written.revisions[i] as bigint;
      d.result = await this.afterAppend(decider, streamName, command, d.loaded, d.events, revision, position);
    }
    return true;
  }

  /**
   * The hot path of a busy aggregate: decide on the state this process last saw (or, for a stream the caller
   * expects to be new, the initial state) and append with that revision, without first reading the stream.
   * A stale cache (another process appended) fails the append's expected-revision check and the command
   * takes the normal path. Anything a stale state could get wrong
   * without appending (a refusal, a no-op, an If-Match mismatch) also goes the normal path, on fresh state.
   * Streams are never deleted by the application; an operator deleting one should restart its writers.
   */
  private async attemptFromCache<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    command: C,
    options: HandleOptions,
  ): Promise<CommandResult<E> | undefined> {
    const cached =
      this.loader.cached<S>(streamName, decider) ??
      (options.expectNew ? this.loader.initial(decider) : undefined);
    if (!cached) return undefined;
    const original = this.findOriginal<E>(cached, streamName, command);
    if (original) return original;
    if (options.expectedRevision !== undefined && options.expectedRevision !== cached.revision)
      return undefined;
    let events: readonly E[];
    try {
      events = decider.decide(command, cached.state);
    } catch {
      return undefined;
    }
    if (events.length === 0) return undefined;
    try {
      return await this.appendDecided(decider, streamName, command, options, cached, events);
    } catch (error) {
      if (isWrongExpectedVersion(error)) return undefined;
      throw error;
    }
  }

  private async attempt<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    command: C,
    options: HandleOptions,
  ): Promise<CommandResult<E>> {
    const loaded = await this.load(decider, streamName);
    const key = command.metadata.idempotencyKey;
    // Checked before the expected revision: after a lost response the stream has moved because of this very
    // command, and its retry (same If-Match) must get the original result, not a conflict.
    const original = this.findOriginal<E>(loaded, streamName, command);
    if (original) return original;
    const expected = options.expectedRevision;
    if (expected !== undefined && expected !== loaded.revision) {
      throw new ExpectedRevisionMismatchError(streamName, expected, loaded.revision);
    }

    const events = decider.decide(command, loaded.state);
    if (events.length === 0) return { nextRevision: loaded.revision, events: [], outcome: 'unchanged' };

    try {
      return await this.appendDecided(decider, streamName, command, options, loaded, events);
    } catch (error) {
      if (!isWrongExpectedVersion(error) || expected === undefined) throw error;
      // With an explicit revision there is no reload-and-retry, but a conflict may be our own earlier append
      // whose response was lost (a transient retry of an idempotent append).
      const again = key === undefined ? undefined : await this.load(decider, streamName);
      const ours = again ? await this.findOriginal<E>(again, streamName, command) : undefined;
      if (ours) return ours;
      throw new ExpectedRevisionMismatchError(streamName, expected, actualRevision(error, again));
    }
  }

  /** Appends what the decider decided on `loaded`, expecting its revision, then caches the new state. */
  private async appendDecided<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    command: C,
    options: HandleOptions,
    loaded: LoadedAggregate<S>,
    events: readonly E[],
  ): Promise<CommandResult<E>> {
    const data = this.serializeDecided(streamName, command, options, events);
    const idempotent = command.metadata.idempotencyKey !== undefined;
    const result: AppendResult = await this.append(streamName, data, loaded.revision, idempotent);
    return this.afterAppend(
      decider,
      streamName,
      command,
      loaded,
      events,
      result.nextExpectedRevision,
      result.position,
    );
  }

  /** The events to append, with ids derived from the idempotency key when there is one. */
  private serializeDecided(
    streamName: string,
    command: Command,
    options: HandleOptions,
    events: readonly DomainEvent[],
  ): EventData[] {
    const { idempotencyKey: key, requestFingerprint: fingerprint } = command.metadata;
    const ids = events.map((_, i) =>
      key === undefined ? randomUUID() : idempotentEventId(streamName, key, i, fingerprint),
    );
    const firstId = ids[0] as string;
    return events.map((event, i) =>
      this.serializer.serialize(
        event,
        buildEventMetadata({
          eventId: ids[i] as string,
          schemaVersion: this.serializer.schemaVersionOf(event.type),
          occurredAt: command.metadata.now,
          fallbackCorrelationId: firstId,
          ...(options.context ? { context: options.context } : {}),
          ...(key !== undefined ? { idempotencyKey: key } : {}),
          ...(key !== undefined && fingerprint !== undefined ? { requestFingerprint: fingerprint } : {}),
        }),
      ),
    );
  }

  /** After `events` were appended up to `lastRevision`: remember the command, snapshot, cache the state. */
  private async afterAppend<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    command: C,
    loaded: LoadedAggregate<S>,
    events: readonly E[],
    lastRevision: bigint,
    position: LogPosition | undefined,
  ): Promise<CommandResult<E>> {
    const { idempotencyKey: key, requestFingerprint: fingerprint } = command.metadata;
    const appended = {
      first: lastRevision - BigInt(events.length) + 1n,
      last: lastRevision,
      ...(fingerprint !== undefined ? { fingerprint } : {}),
    };
    // Learnt here because later loads may start after these events (cache, snapshot) and never track them.
    if (key !== undefined) loaded.recentCommands.remember(key, appended);
    const next = { ...loaded, state: fold(decider, loaded.state, events), revision: appended.last };
    const snapshotted = await this.maybeSnapshot(decider, streamName, next);
    this.loader.remember(
      streamName,
      decider,
      snapshotted ? { ...next, snapshotRevision: next.revision } : next,
    );
    return {
      nextRevision: lastRevision,
      ...(position ? { position } : {}),
      events,
      outcome: 'appended',
    };
  }

  private async append(
    streamName: string,
    data: Parameters<EventStoreDBClient['appendToStream']>[1],
    revision: bigint,
    idempotent: boolean,
  ): Promise<AppendResult> {
    const append = async () => {
      try {
        return await this.client.appendToStream(streamName, data, {
          expectedRevision: revision === NO_STREAM_REVISION ? NO_STREAM : revision,
        });
      } catch (error) {
        throw toEventStoreError(error, streamName);
      }
    };
    // Retrying an append whose outcome is unknown is only safe when its event ids are deterministic: the retry
    // is then either accepted as the same write or recognised as already done.
    return idempotent ? this.transientRetry.execute(append) : append();
  }

  /**
   * The result of the earlier command with this command's idempotency key, if the stream remembers one. The
   * same key with another request fingerprint is a different request: refused, never answered with the
   * first one's result. (Commands without a fingerprint, from process managers, are matched by key alone.)
   */
  private findOriginal<E extends DomainEvent>(
    loaded: LoadedAggregate<unknown>,
    streamName: string,
    command: Command,
  ): Promise<CommandResult<E>> | undefined {
    const { idempotencyKey: key, requestFingerprint: fingerprint } = command.metadata;
    if (key === undefined) return undefined;
    const range = loaded.recentCommands.find(key);
    if (!range) return undefined;
    if (range.fingerprint !== undefined && fingerprint !== undefined && range.fingerprint !== fingerprint) {
      throw new IdempotencyKeyReusedError(streamName);
    }
    return this.originalResult<E>(streamName, range);
  }

  private async originalResult<E extends DomainEvent>(
    streamName: string,
    range: CommandRange,
  ): Promise<CommandResult<E>> {
    const stored = await this.transientRetry.execute(() =>
      readEvents<E>(this.client, this.serializer, streamName, {
        fromRevision: range.first,
        maxCount: Number(range.last - range.first + 1n),
      }),
    );
    const last = stored[stored.length - 1];
    return {
      nextRevision: range.last,
      ...(last?.position ? { position: last.position } : {}),
      events: stored.map((s) => s.event),
      outcome: 'duplicate',
    };
  }

  private async maybeSnapshot<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    aggregate: LoadedAggregate<S>,
  ): Promise<boolean> {
    const policy = decider.snapshots;
    if (!policy || aggregate.revision - aggregate.snapshotRevision < BigInt(policy.every)) return false;
    try {
      await this.snapshots.write(streamName, policy, aggregate);
      return true;
    } catch (error) {
      this.hooks.onSnapshotFailure?.(error, streamName);
      return false;
    }
  }
}

interface DecidedStep {
  readonly step: CommandStep;
  readonly loaded: LoadedAggregate<unknown>;
  readonly events: readonly DomainEvent[];
  /** Set once known: a duplicate or no-op at once, an appended step after the append. */
  result?: CommandResult<DomainEvent>;
}

const actualRevision = (error: unknown, reloaded: LoadedAggregate<unknown> | undefined): bigint => {
  if (reloaded) return reloaded.revision;
  const actual = error instanceof WrongExpectedVersionError ? error.actualVersion : undefined;
  return typeof actual === 'bigint' ? actual : NO_STREAM_REVISION;
};

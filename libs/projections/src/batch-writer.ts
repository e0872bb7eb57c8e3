import { type Logger } from '@nestjs/common';
import {
  type LogPosition,
  type ProjectionDefinition,
  type ProjectionWrite,
  type StoredEvent,
} from '@shop/event-sourcing';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { type AnyBulkWriteOperation, type Db, type Document, type MongoClient } from 'mongodb';
import { ChangeFeed, type ProjectionObserver } from './change-feed';
import { type CheckpointStore } from './checkpoint-store';
import { type Decoded } from './event-decoding';
import { type EventTracer, untraced } from './event-tracer';
import { LeaseLostError, type Leases } from './lease';
import { type ParkedStore } from './parked-store';
import { isTransient } from './transient';
import { coalesceWrites, constrainedFields } from './write-coalescing';

/** Where one run of a projection writes: its checkpoint and the physical collection of each logical one. */
export interface ProjectionTarget {
  checkpointId: string;
  collections: Readonly<Record<string, string>>;
  /** When set, every batch proves inside its transaction that this worker still holds the lease. */
  leaseKey?: string;
}

export interface BatchWriterDeps {
  client: MongoClient;
  db: Db;
  checkpoints: CheckpointStore;
  parked: ParkedStore;
  leases?: Leases;
  logger: Logger;
}

export interface BatchWriterOptions {
  /** How often a failing handler or a rejected write is tried before the event is parked. */
  maxAttempts: number;
  /** Traces each batch as a continuation of its newest event's trace (live, a batch is usually one event). */
  tracer?: EventTracer;
  /** Called while transient database errors are being retried (the projection is stalled meanwhile). */
  onTransientError?: (error: unknown, attempt: number) => void;
  /** Called after each committed transaction with the events it applied (not the parked ones). */
  onCommitted?: (events: readonly StoredEvent[]) => void;
}

type Prepared =
  | { event: StoredEvent; writes: readonly ProjectionWrite[] }
  | { event: StoredEvent; failure: unknown; attempts: number };

export interface WriteResult {
  applied: number;
  parked: number;
}

/** Where a runner delivers its batches: a projection's transactional writer, or a processor. */
export interface BatchSink {
  write(events: readonly Decoded[], through: LogPosition, signal?: AbortSignal): Promise<WriteResult>;
}

/**
 * Applies a batch of events as ONE MongoDB transaction: every handler's writes, the parking of poison
 * events, and the checkpoint. A crash at any point leaves either all of it or none of it, so nothing is lost
 * and nothing (not even an `$inc`) is applied twice.
 */
export class BatchWriter implements BatchSink {
  private readonly transientRetry;
  /** Per physical collection: fields a coalesced write must not move (see {@link coalesceWrites}). */
  private readonly constrained = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly deps: BatchWriterDeps,
    private readonly definition: ProjectionDefinition,
    private readonly target: ProjectionTarget,
    private readonly options: BatchWriterOptions,
  ) {
    this.transientRetry = retry(handleWhen(isTransient), {
      maxAttempts: Number.POSITIVE_INFINITY,
      backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 5_000 }),
    });
    for (const [logical, physical] of Object.entries(target.collections)) {
      this.constrained.set(physical, constrainedFields(definition.collections[logical]?.indexes ?? []));
    }
    this.transientRetry.onRetry(({ attempt, ...reason }) =>
      this.options.onTransientError?.('error' in reason ? reason.error : reason.value, attempt),
    );
  }

  /** Applies `events` (in log order) and moves the checkpoint to `through` (>= the last event's position). */
  async write(events: readonly Decoded[], through: LogPosition, signal?: AbortSignal): Promise<WriteResult> {
    const newest = events[events.length - 1]?.event;
    const trace = this.options.tracer ?? untraced;
    const name = `projection ${this.definition.name} ${newest?.event.type ?? 'checkpoint'}`;
    return trace(name, newest?.metadata.traceparent, () =>
      this.writePrepared(
        events.map((item) => this.prepare(item)),
        through,
        signal,
      ),
    );
  }

  private async writePrepared(
    prepared: readonly Prepared[],
    through: LogPosition,
    signal?: AbortSignal,
    isolating = false,
  ): Promise<WriteResult> {
    try {
      return await this.commit(prepared, through, signal);
    } catch (error) {
      if (error instanceof LeaseLostError || signal?.aborted || isTransient(error)) throw error;
      if (prepared.length === 1) return this.retryOrPark(prepared[0]!, through, error, signal);
      // The database rejected something in this batch: find the culprit by halving the batch, so one
      // poison event among thousands costs a few transactions; the rest is applied in order around it.
      if (!isolating)
        this.deps.logger.warn(
          `${this.definition.name}: batch of ${prepared.length} rejected, isolating the poison event`,
        );
      const half = Math.ceil(prepared.length / 2);
      const head = prepared.slice(0, half);
      const first = await this.writePrepared(head, head[half - 1]!.event.position ?? through, signal, true);
      const second = await this.writePrepared(prepared.slice(half), through, signal, true);
      return { applied: first.applied + second.applied, parked: first.parked + second.parked };
    }
  }

  /**
   * Runs the (pure) handler; a handler that keeps throwing, or writes to a collection the projection did not
   * declare, marks its event as poison. So does an event that could not be decoded.
   */
  private prepare({ event, failure: decodeFailure }: Decoded): Prepared {
    if (decodeFailure !== undefined) return { event, failure: decodeFailure, attempts: 1 };
    let failure: unknown;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      try {
        const writes = this.definition.handle(event);
        const undeclared = writes.find((w) => this.target.collections[w.collection] === undefined);
        if (undeclared) throw new Error(`handler wrote to undeclared collection "${undeclared.collection}"`);
        return { event, writes };
      } catch (error) {
        failure = error;
      }
    }
    return { event, failure, attempts: this.options.maxAttempts };
  }

  private async retryOrPark(item: Prepared, through: LogPosition, firstError: unknown, signal?: AbortSignal) {
    let lastError = firstError;
    for (let attempt = 2; attempt <= this.options.maxAttempts; attempt++) {
      try {
        return await this.commit([item], through, signal);
      } catch (error) {
        if (error instanceof LeaseLostError || signal?.aborted || isTransient(error)) throw error;
        lastError = error;
      }
    }
    const poison = { event: item.event, failure: lastError, attempts: this.options.maxAttempts };
    return this.commit([poison], through, signal);
  }

  private commit(
    items: readonly Prepared[],
    through: LogPosition,
    signal?: AbortSignal,
  ): Promise<WriteResult> {
    return this.transientRetry.execute(async () => {
      const session = this.deps.client.startSession();
      try {
        let result: WriteResult = { applied: 0, parked: 0 };
        await session.withTransaction(async () => {
          result = { applied: 0, parked: 0 };
          if (this.target.leaseKey && this.deps.leases)
            await this.deps.leases.fence(this.target.leaseKey, session);
          for (const [collection, ops] of this.group(items)) {
            await this.deps.db.collection(collection).bulkWrite(ops, { session, ordered: true });
          }
          for (const item of items) {
            if ('failure' in item) {
              await this.deps.parked.park(
                this.definition.name,
                item.event,
                item.failure,
                item.attempts,
                session,
              );
              this.deps.logger.error(
                `${this.definition.name}: parked ${item.event.event.type} ${item.event.metadata.eventId} ` +
                  `(${item.event.streamName}@${item.event.revision}): ${String(item.failure)}`,
              );
              result.parked++;
            } else {
              result.applied++;
            }
          }
          await this.deps.checkpoints.advance(
            this.target.checkpointId,
            this.definition.name,
            this.definition.version,
            through,
            items.length,
            session,
          );
        });
        if (this.options.onCommitted && result.applied > 0)
          this.options.onCommitted(items.flatMap((item) => ('writes' in item ? [item.event] : [])));
        return result;
      } finally {
        await session.endSession();
      }
    }, signal);
  }

  /** Bulk operations per physical collection, each in event order, later updates folded into earlier ones. */
  private group(items: readonly Prepared[]): Map<string, AnyBulkWriteOperation<Document>[]> {
    const byCollection = new Map<string, AnyBulkWriteOperation<Document>[]>();
    for (const item of items) {
      if (!('writes' in item)) continue;
      for (const write of item.writes) {
        const physical = this.target.collections[write.collection]!;
        const ops = byCollection.get(physical) ?? [];
        ops.push(toBulkOperation(write));
        byCollection.set(physical, ops);
      }
    }
    for (const [physical, ops] of byCollection) {
      byCollection.set(physical, coalesceWrites(ops, this.constrained.get(physical) ?? new Set()));
    }
    return byCollection;
  }
}

const toBulkOperation = (write: ProjectionWrite): AnyBulkWriteOperation<Document> => {
  const { collection: _collection, ...operation } = write;
  return operation as unknown as AnyBulkWriteOperation<Document>;
};

/** Builds a runner's sink once the runner's logger and stall reporting exist. */
export type SinkFactory = (hooks: {
  logger: Logger;
  onTransientError: (error: unknown) => void;
}) => BatchSink;

export const projectionSink =
  (
    deps: Omit<BatchWriterDeps, 'logger'>,
    definition: ProjectionDefinition,
    target: ProjectionTarget,
    maxAttempts: number,
    tracer?: EventTracer,
    observer?: ProjectionObserver,
  ): SinkFactory =>
  ({ logger, onTransientError }) => {
    const feed =
      observer && ChangeFeed.announces(definition)
        ? new ChangeFeed(deps.db, definition, target, observer, logger)
        : undefined;
    return new BatchWriter({ ...deps, logger }, definition, target, {
      maxAttempts,
      onTransientError,
      ...(tracer ? { tracer } : {}),
      ...(feed ? { onCommitted: (events: readonly StoredEvent[]) => feed.committed(events) } : {}),
    });
  };

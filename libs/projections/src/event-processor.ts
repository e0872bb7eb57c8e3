import { type Logger } from '@nestjs/common';
import { type DomainEvent, type LogPosition, type StoredEvent, isDomainError } from '@shop/event-sourcing';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { type BatchSink, type WriteResult } from './batch-writer';
import { type CheckpointStore } from './checkpoint-store';
import { type Decoded } from './event-decoding';
import { type EventTracer, untraced } from './event-tracer';
import { type Leases } from './lease';
import { type ParkedStore } from './parked-store';
import { isTransient } from './transient';

/**
 * A process manager or job driven by a checkpointed subscription: unlike a projection it has side effects
 * (commands, calls to other services), so it gets at-least-once delivery and must be idempotent; its
 * commands use deterministic ids and idempotency keys for exactly that.
 */
export interface ProcessorDefinition<E extends DomainEvent = DomainEvent> {
  readonly name: string;
  readonly eventTypes: readonly E['type'][];
  /** Events with the same key are handled one after another in log order; different keys concurrently. */
  key(event: StoredEvent<E>): string;
  handle(event: StoredEvent<E>, signal: AbortSignal): Promise<void>;
  /**
   * The third-party service (outside this deployment) whose outage stalls this processor, e.g.
   * 'payment-provider'. Its stall then degrades the shop without making the process unready.
   */
  readonly thirdParty?: string;
  /**
   * Keys handled at once within a batch (default: the engine's processorConcurrency). A processor whose
   * work is a round trip to elsewhere (a broker confirm) keeps more in flight.
   */
  readonly concurrency?: number;
}

export interface ProcessorSinkDeps {
  checkpoints: CheckpointStore;
  parked: ParkedStore;
  leases?: Leases;
  logger: Logger;
}

/** Retried without limit: the infrastructure is down, not the event; parking it would strand the process. */
const isInfrastructureFailure = (error: unknown): boolean =>
  isTransient(error) || (isDomainError(error) && error.category === 'unavailable');

export class ProcessorSink implements BatchSink {
  private readonly infraRetry;

  constructor(
    private readonly deps: ProcessorSinkDeps,
    private readonly processor: ProcessorDefinition,
    private readonly target: { checkpointId: string; leaseKey?: string },
    private readonly options: {
      maxAttempts: number;
      concurrency: number;
      onTransientError?: (e: unknown) => void;
      tracer?: EventTracer;
    },
  ) {
    this.infraRetry = retry(handleWhen(isInfrastructureFailure), {
      maxAttempts: Number.POSITIVE_INFINITY,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 5_000 }),
    });
    this.infraRetry.onRetry((reason) =>
      this.options.onTransientError?.('error' in reason ? reason.error : reason),
    );
  }

  async write(batch: readonly Decoded[], through: LogPosition, signal?: AbortSignal): Promise<WriteResult> {
    if (this.target.leaseKey && this.deps.leases) await this.deps.leases.fence(this.target.leaseKey);
    const partitions = new Map<string, Decoded[]>();
    for (const item of batch) {
      const key = item.failure === undefined ? this.safeKey(item) : 'undecodable';
      partitions.set(key, [...(partitions.get(key) ?? []), item]);
    }
    const result: WriteResult = { applied: 0, parked: 0 };
    const queue = [...partitions.values()];
    const worker = async () => {
      for (let items = queue.shift(); items; items = queue.shift()) {
        for (const item of items) {
          if (await this.process(item, signal)) result.applied++;
          else result.parked++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, queue.length) }, worker));
    signal?.throwIfAborted();
    await this.deps.checkpoints.advance(
      this.target.checkpointId,
      this.processor.name,
      1,
      through,
      batch.length,
    );
    return result;
  }

  /** True when handled, false when parked. */
  private async process({ event, failure }: Decoded, signal?: AbortSignal): Promise<boolean> {
    let lastError: unknown = failure;
    if (failure === undefined) {
      for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
        try {
          const trace = this.options.tracer ?? untraced;
          await trace(`${this.processor.name} ${event.event.type}`, event.metadata.traceparent, () =>
            this.infraRetry.execute(({ signal: s }) => this.processor.handle(event, s), signal),
          );
          return true;
        } catch (error) {
          signal?.throwIfAborted();
          lastError = error;
          this.deps.logger.warn(
            `${this.processor.name}: ${event.event.type} ${event.metadata.eventId} failed (attempt ${attempt}): ${String(error)}`,
          );
        }
      }
    }
    await this.deps.parked.park(this.processor.name, event, lastError, this.options.maxAttempts);
    this.deps.logger.error(`${this.processor.name}: parked ${event.event.type} ${event.metadata.eventId}`);
    return false;
  }

  private safeKey(item: Decoded): string {
    try {
      return this.processor.key(item.event);
    } catch {
      return item.event.streamName;
    }
  }
}

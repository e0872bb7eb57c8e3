import { type AllStreamSubscription, type EventStoreDBClient, START } from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { type LogPosition } from '@shop/event-sourcing';
import { type EventSerializer } from '@shop/eventstore';
import { EventEmitter, once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import {
  type BatchSink,
  type BatchWriterDeps,
  type ProjectionTarget,
  type SinkFactory,
} from './batch-writer';
import { BatchQueue } from './batch-queue';
import { type Decoded, decode } from './event-decoding';
import { pendingEvents, type SubscriptionSource, typeFilter } from './event-scan';
import { LeaseLostError } from './lease';
import { PendingLog } from './pending-log';
import { comparePositions, hasReached } from './position';

export type ProjectionState = 'stopped' | 'catching-up' | 'live' | 'stalled' | 'rebuilding';

export interface RunnerOptions {
  /**
   * Most events applied in one transaction. Live, a batch is whatever arrived while the previous one was
   * written (usually one event); while catching up, batches are filled up to this.
   */
  batchSize: number;
  /** While catching up, how long a batch may wait to fill up before it is written anyway. */
  catchUpLingerMs: number;
  /** Tries of a failing handler or write before its event is parked. */
  maxAttempts: number;
  /** How often lag is measured and a stalled subscription looked for. */
  watchdogIntervalMs: number;
  /** No progress for this long while events are waiting means stalled: the subscription is restarted. */
  stallTimeoutMs: number;
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = {
  batchSize: 1_000,
  catchUpLingerMs: 100,
  maxAttempts: 3,
  watchdogIntervalMs: 2_000,
  stallTimeoutMs: 15_000,
};

export interface RunnerDeps extends Omit<BatchWriterDeps, 'logger'> {
  esdb: EventStoreDBClient;
  serializer: EventSerializer;
}

export interface RunnerStatus {
  state: ProjectionState;
  checkpoint: LogPosition | null;
  processed: number;
  /** Matching events appended but not yet applied (capped at {@link LAG_SCAN_LIMIT}). */
  lagEvents: number;
  /** Age of the oldest event not yet applied. */
  lagMs: number;
  lastError?: string;
}

const LAG_SCAN_LIMIT = 10_000;

/**
 * Keeps one projection target up to date: a catch-up subscription to $all, filtered server-side by event
 * type, resumed after the stored checkpoint and applied in transactional batches. Restarts itself after
 * errors and when the watchdog finds it stalled.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private readonly sink: BatchSink;
  private readonly emitter = new EventEmitter();
  /** What is still to apply up to a position (waitFor), kept between waits. */
  private readonly pendingLog: PendingLog;
  private abort = new AbortController();
  private loopDone: Promise<void> = Promise.resolve();
  private watchdog?: NodeJS.Timeout;
  /** A health check's lag scan is in flight. */
  private checkingHealth = false;
  private subscription?: AllStreamSubscription;
  private progressAt = Date.now();
  /** When set, the runner applies events up to this position and no further (verification). */
  private stopAt: LogPosition | null = null;
  private status: RunnerStatus = { state: 'stopped', checkpoint: null, processed: 0, lagEvents: 0, lagMs: 0 };

  constructor(
    private readonly deps: RunnerDeps,
    readonly definition: SubscriptionSource,
    readonly target: ProjectionTarget,
    private readonly options: RunnerOptions,
    createSink: SinkFactory,
    private readonly mode: 'live' | 'rebuilding' = 'live',
  ) {
    this.logger = new Logger(`Projection:${definition.name}${mode === 'rebuilding' ? ':rebuild' : ''}`);
    this.emitter.setMaxListeners(0);
    this.pendingLog = new PendingLog(deps.esdb, definition);
    this.sink = createSink({
      logger: this.logger,
      onTransientError: (error) => this.setState('stalled', `dependency unavailable: ${String(error)}`),
    });
  }

  get snapshot(): RunnerStatus {
    return { ...this.status };
  }

  get running(): boolean {
    return !this.abort.signal.aborted && this.status.state !== 'stopped';
  }

  async start(): Promise<void> {
    const checkpoint = await this.deps.checkpoints.get(this.target.checkpointId);
    this.abort = new AbortController();
    this.status = {
      state: 'catching-up',
      checkpoint: checkpoint?.position ?? null,
      processed: checkpoint?.processed ?? 0,
      lagEvents: 0,
      lagMs: 0,
    };
    this.progressAt = Date.now();
    this.loopDone = this.loop();
    this.watchdog = setInterval(() => void this.checkHealth(), this.options.watchdogIntervalMs);
    this.watchdog.unref();
  }

  /** Stops after the batch in flight: everything applied so far is checkpointed. */
  async stop(): Promise<void> {
    clearInterval(this.watchdog);
    this.abort.abort();
    this.subscription?.destroy();
    await this.loopDone;
    this.status.state = 'stopped';
  }

  /** Resolves once the subscription has caught up with the head of $all (then it is live). */
  async caughtUp(signal?: AbortSignal): Promise<void> {
    if (this.status.state === 'live') return;
    await once(this.emitter, 'live', { signal });
  }

  /**
   * Applies this projection's events from its checkpoint up to `position` (inclusive), then stops. Used to
   * rebuild a scratch copy of a view exactly as far as the live one got.
   */
  async runUntil(position: LogPosition, timeoutMs: number): Promise<void> {
    this.stopAt = position;
    await this.start();
    try {
      const reached = once(this.emitter, 'reached');
      if (!hasReached(this.status.checkpoint, position)) {
        // Either the last event up to `position` gets applied, or there is none left to apply.
        await Promise.race([reached, this.caughtUp().then(() => this.waitFor(position, timeoutMs))]);
      }
    } finally {
      await this.stop();
    }
  }

  onProgress(listener: (status: RunnerStatus) => void): () => void {
    this.emitter.on('progress', listener);
    return () => this.emitter.off('progress', listener);
  }

  /**
   * Resolves true once every event up to `position` that this projection handles is applied, false on
   * timeout. Events it does not handle never hold it back.
   */
  waitFor(position: LogPosition, timeoutMs: number): Promise<boolean> {
    return this.pendingLog.waitFor(position, timeoutMs, {
      checkpoint: () => this.status.checkpoint,
      changed: (seen, ms) => this.checkpointChanged(seen, ms),
    });
  }

  private checkpointChanged(seen: LogPosition | null, timeoutMs: number): Promise<void> {
    if (this.status.checkpoint !== seen) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off('checkpoint', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.emitter.on('checkpoint', done);
    });
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        await this.consume();
        failures = 0;
      } catch (error) {
        if (this.abort.signal.aborted) break;
        if (error instanceof LeaseLostError) {
          this.logger.warn(error.message);
          this.abort.abort();
          this.emitter.emit('lease-lost');
          break;
        }
        failures++;
        this.setState('stalled', String(error));
        this.logger.warn(`subscription failed (${failures}), resuming from the checkpoint: ${String(error)}`);
      }
      const backoff = Math.min(5_000, 100 * 2 ** failures) * (0.5 + Math.random() / 2);
      await delay(backoff, undefined, { signal: this.abort.signal }).catch(() => undefined);
    }
  }

  private async consume(): Promise<void> {
    const from = this.status.checkpoint;
    const subscription = this.deps.esdb.subscribeToAll({
      fromPosition: from ? { commit: from.commit, prepare: from.prepare } : START,
      filter: typeFilter(this.definition),
    });
    this.subscription = subscription;
    this.setState(this.mode === 'rebuilding' ? 'rebuilding' : 'catching-up');
    // Reading goes on while a batch is written. Until the subscription has caught up, batches are filled
    // (a transaction per few events would cost more than the events); afterwards a batch is whatever
    // arrived meanwhile, so a live event is written at once.
    const queue = new BatchQueue<Decoded>(this.options.batchSize);
    let caughtUp = false;
    subscription.on('caughtUp', () => {
      caughtUp = true;
      queue.release();
      if (this.mode === 'live') this.setState('live');
      this.emitter.emit('live');
    });
    const reading = (async () => {
      try {
        for await (const resolved of subscription) {
          const decoded = decode(this.deps.serializer, resolved);
          if (decoded) await queue.push(decoded);
        }
        queue.end();
      } catch (error) {
        queue.fail(error);
      }
    })();
    try {
      const linger = () => (caughtUp ? 0 : this.options.catchUpLingerMs);
      for (let batch = await queue.take(linger()); batch; batch = await queue.take(linger())) {
        await this.flush(batch);
      }
    } finally {
      queue.close();
      await subscription.unsubscribe().catch(() => undefined);
      await reading;
    }
  }

  private async flush(batch: readonly Decoded[]): Promise<void> {
    const last = batch[batch.length - 1]!.event.position;
    if (!last) throw new Error('subscription delivered an event without a position');
    if (this.status.checkpoint && comparePositions(last, this.status.checkpoint) <= 0) return; // redelivered
    let pending = this.status.checkpoint
      ? batch.filter(
          (d) => d.event.position && comparePositions(d.event.position, this.status.checkpoint!) > 0,
        )
      : batch;
    let through = last;
    if (this.stopAt) {
      const stopAt = this.stopAt;
      pending = pending.filter((d) => d.event.position && comparePositions(d.event.position, stopAt) <= 0);
      const lastWanted = pending[pending.length - 1]?.event.position;
      if (!lastWanted) {
        this.emitter.emit('reached');
        return;
      }
      through = lastWanted;
    }
    const result = await this.sink.write(pending, through, this.abort.signal);
    this.status.checkpoint = through;
    this.status.processed += result.applied + result.parked;
    this.progressAt = Date.now();
    if (this.status.state === 'stalled')
      this.setState(this.mode === 'rebuilding' ? 'rebuilding' : 'catching-up');
    this.emitter.emit('checkpoint', through);
    if (this.stopAt && hasReached(through, this.stopAt)) this.emitter.emit('reached');
    this.emitter.emit('progress', this.snapshot);
  }

  /**
   * Measures lag; restarts a subscription that stopped making progress while events are waiting. A round
   * that finds the previous one still scanning is skipped: the interval does not wait, and overlapping
   * scans of $all made every later one slower until they piled up by the thousand (22 runners on a loaded
   * machine: a rebuild's own scan took 3.5 s, then 20 s, then timed out).
   */
  private async checkHealth(): Promise<void> {
    if (this.checkingHealth) return;
    this.checkingHealth = true;
    try {
      const pending = await this.pendingEvents(LAG_SCAN_LIMIT);
      this.status.lagEvents = pending.count;
      this.status.lagMs = pending.oldest ? Math.max(0, Date.now() - pending.oldest.getTime()) : 0;
      if (pending.count === 0) {
        this.progressAt = Date.now();
        if (this.status.state === 'stalled')
          this.setState(this.mode === 'rebuilding' ? 'rebuilding' : 'live');
      } else if (Date.now() - this.progressAt > this.options.stallTimeoutMs) {
        this.logger.warn(
          `no progress for ${Date.now() - this.progressAt} ms with ${pending.count} events waiting`,
        );
        this.setState('stalled', 'no progress');
        this.progressAt = Date.now();
        this.subscription?.destroy(); // the loop resumes from the checkpoint
      }
      this.emitter.emit('progress', this.snapshot);
    } catch (error) {
      this.status.lastError = `health check failed: ${String(error)}`;
    } finally {
      this.checkingHealth = false;
    }
  }

  private async pendingEvents(limit: number): Promise<{ count: number; oldest?: Date }> {
    const pending = await pendingEvents(this.deps.esdb, this.definition, this.status.checkpoint, limit);
    return { count: pending.length, ...(pending[0] ? { oldest: pending[0].created } : {}) };
  }

  private setState(state: ProjectionState, error?: string): void {
    this.status.state = state;
    if (error !== undefined) this.status.lastError = error;
  }
}

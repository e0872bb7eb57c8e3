import { EventStoreDBClient } from '@eventstore/db-client';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import {
  type LogPosition,
  NotFoundError,
  type ProjectionDefinition,
  RuleViolatedError,
} from '@shop/event-sourcing';
import { EventSerializer } from '@shop/eventstore';
import { MONGO_CLIENT, MONGO_DB } from '@shop/mongo';
import { type Db, type MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { type ProjectionTarget, projectionSink, type SinkFactory } from './batch-writer';
import { ChangeFeed, PROJECTION_OBSERVER, type ProjectionObserver } from './change-feed';
import { checkpointId, CheckpointStore } from './checkpoint-store';
import { dropCollections, ensureIndexes, physicalCollections } from './collections';
import { headOfAll, pendingEvents } from './event-scan';
import { EVENT_TRACER, type EventTracer, untraced } from './event-tracer';
import { type ProcessorDefinition, ProcessorSink } from './event-processor';
import { currentHolder } from './holder-liveness';
import { Leases } from './lease';
import { LeaseWatch } from './lease-watch';
import { LogDivergence } from './log-divergence';
import { replayParked } from './parked-replay';
import { type ParkedResolution, ParkedStore } from './parked-store';
import {
  DEFAULT_RUNNER_OPTIONS,
  ProjectionRunner,
  type RunnerDeps,
  type RunnerStatus,
  type RunnerOptions,
} from './projection-runner';
import { completePendingSwap, rebuildWithShadow } from './rebuild';
import { expectedEvents, ProgressMeter, type RebuildProgress } from './rebuild-progress';
import { PendingLog } from './pending-log';
import { formatPosition } from './position';
import { SharedScan } from './shared-scan';
import { diffViews, type ViewDifference } from './view-diff';

export const PROJECTIONS = Symbol('PROJECTIONS');
/** Lag is counted exactly up to this many events, and reported as this many beyond. */
const LAG_SCAN_LIMIT = 10_000;
/** How long a measured remote lag answers further status calls (operators' pages poll; each scan reads). */
const REMOTE_LAG_TTL_MS = 1_000;

interface Lag {
  readonly lagEvents: number | null;
  readonly lagMs: number | null;
}
export const PROCESSORS = Symbol('PROCESSORS');
export const PROJECTION_OPTIONS = Symbol('PROJECTION_OPTIONS');

export interface ProjectionEngineOptions extends RunnerOptions {
  /** Run the workers in this process (false: another process, e.g. apps/worker, runs them). */
  runWorkers: boolean;
  leaseTtlMs: number;
  /** Event keys a processor handles at the same time. */
  processorConcurrency: number;
  /**
   * URLs of the embedded servers this process runs, recorded with its leases: a process that later serves
   * them knows this one is gone (see provablyDead).
   */
  publishedServers?: readonly string[];
}

/** Whether this process can serve reads: every worker it runs is running here or under a live holder. */
export interface WorkersReadiness {
  ready: boolean;
  /** Workers running nowhere, or only under a lease whose holder stopped renewing it. */
  waiting: string[];
}

export const DEFAULT_ENGINE_OPTIONS: ProjectionEngineOptions = {
  ...DEFAULT_RUNNER_OPTIONS,
  runWorkers: true,
  leaseTtlMs: 15_000,
  processorConcurrency: 16,
};

export interface VerifyReport {
  name: string;
  /** The live checkpoint both sides were compared at. */
  checkpoint: LogPosition | null;
  compared: number;
  ok: boolean;
  differences: ViewDifference[];
}

export interface ProjectionStatus {
  name: string;
  kind: 'projection' | 'processor';
  version: number;
  state: string;
  checkpoint: LogPosition | null;
  processed: number;
  lagEvents: number | null;
  lagMs: number | null;
  parked: number;
  owner: string | null;
  lastError?: string;
  /** A processor's third party (see ProcessorDefinition.thirdParty): its stall is an outage elsewhere. */
  thirdParty?: string;
}

/** How often a wait on a worker run elsewhere reads its stored checkpoint. */
const REMOTE_POLL_MS = 100;

/** A worker run by another process, as this one follows it for waitFor. */
interface RemoteWorker {
  pending: PendingLog;
  /** Concurrent waits share one checkpoint read (started after their call). */
  checkpoint: SharedScan<LogPosition | null>;
}

type Worker =
  | { kind: 'projection'; name: string; version: number; definition: ProjectionDefinition }
  | { kind: 'processor'; name: string; version: number; definition: ProcessorDefinition };

/**
 * Runs every registered projection and processor in this process (when workers are enabled), each under a
 * lease so that several processes never run the same one, and offers the operations: status, waitFor,
 * rebuild, reset, parked events.
 */
@Injectable()
export class ProjectionManager implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly runners = new Map<string, ProjectionRunner>();
  private readonly rebuilding = new Set<string>();
  private readonly verifying = new Set<string>();
  private readonly remote = new Map<string, RemoteWorker>();
  /** Per worker: the last (or running) remote lag scan, shared by concurrent and quick repeated calls. */
  private readonly remoteLags = new Map<string, { from: string; doneAt?: number; lag: Promise<Lag> }>();
  private readonly stopped = new AbortController();
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly workers: Worker[];
  readonly checkpoints: CheckpointStore;
  readonly parked: ParkedStore;
  private readonly leases: Leases;
  private readonly leaseWatch: LeaseWatch;
  private readonly options: ProjectionEngineOptions;
  /** Read models whose checkpoint is beyond the end of $all (see LogDivergence). */
  readonly divergence: LogDivergence;

  constructor(
    @Inject(MONGO_CLIENT) private readonly client: MongoClient,
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly esdb: EventStoreDBClient,
    private readonly serializer: EventSerializer,
    @Inject(PROJECTIONS) projections: ProjectionDefinition[],
    @Optional() @Inject(PROJECTION_OPTIONS) options?: Partial<ProjectionEngineOptions>,
    @Optional() @Inject(PROCESSORS) processors: ProcessorDefinition[] = [],
    @Optional() @Inject(EVENT_TRACER) private readonly tracer: EventTracer = untraced,
    @Optional() @Inject(PROJECTION_OBSERVER) private readonly observer?: ProjectionObserver,
  ) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    this.checkpoints = new CheckpointStore(db);
    this.parked = new ParkedStore(db);
    this.leases = new Leases(
      db,
      this.owner,
      this.options.leaseTtlMs,
      currentHolder(this.options.publishedServers ?? []),
    );
    this.workers = [
      ...projections.map((definition): Worker => ({
        kind: 'projection',
        name: definition.name,
        version: definition.version,
        definition,
      })),
      ...processors.map((definition): Worker => ({
        kind: 'processor',
        name: definition.name,
        version: 1,
        definition,
      })),
    ];
    const names = this.workers.map((w) => w.name);
    this.leaseWatch = new LeaseWatch(this.leases, names);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw new Error(`two projections or processors are named "${duplicate}"`);
    this.divergence = new LogDivergence(esdb, this.checkpoints, names);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.parked.ensureIndexes();
    for (const worker of this.workers) {
      if (worker.kind === 'projection') await ensureIndexes(this.db, worker.definition, 'live');
    }
    await this.warnIfAheadOfLog();
    if (!this.options.runWorkers) return;
    this.leaseWatch.start();
    for (const worker of this.workers) this.track(this.supervise(worker));
  }

  private async warnIfAheadOfLog(): Promise<void> {
    try {
      const message = LogDivergence.describe(await this.divergence.check());
      if (message) this.logger.error(message);
    } catch (error) {
      // The event store may not answer yet; readiness keeps checking.
      this.logger.warn(`could not compare checkpoints with the event log: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped.abort();
    this.leaseWatch.stop();
    await Promise.allSettled([...this.runners.values()].map((runner) => runner.stop()));
    await Promise.allSettled([...this.tasks]);
    // A supervision round in flight during the first pass may have started a runner: stop those too.
    await Promise.allSettled([...this.runners.keys()].map((name) => this.stopRunner(name)));
    await Promise.allSettled(this.workers.map((w) => this.leases.release(w.name)));
  }

  /** The projection named `name`; NotFoundError otherwise. */
  definition(name: string): ProjectionDefinition {
    const worker = this.workers.find((w) => w.name === name);
    if (worker?.kind !== 'projection') {
      throw new NotFoundError('projection_not_found', `no projection named "${name}"`, { name });
    }
    return worker.definition;
  }

  list(): readonly ProjectionDefinition[] {
    return this.workers.flatMap((w) => (w.kind === 'projection' ? [w.definition] : []));
  }

  /** Every projection and processor with the event types it handles (the console's trace shows them). */
  handlers(): { name: string; kind: 'projection' | 'processor'; eventTypes: readonly string[] }[] {
    return this.workers.map((w) => ({ name: w.name, kind: w.kind, eventTypes: w.definition.eventTypes }));
  }

  async status(): Promise<ProjectionStatus[]> {
    return Promise.all(this.workers.map((worker) => this.statusOf(worker)));
  }

  /**
   * A process that runs workers is ready only once each of them runs here, is being rebuilt here, or is held
   * by another process that keeps renewing its lease (a holder silent for two renewal periods is presumed
   * gone, even while its lease has not expired). A process that runs no workers claims nothing.
   */
  async readiness(): Promise<WorkersReadiness> {
    if (!this.options.runWorkers) return { ready: true, waiting: [] };
    const renewedSince = Date.now() - (2 * this.options.leaseTtlMs) / 3 - 1_000;
    const waiting: string[] = [];
    for (const worker of this.workers) {
      if (this.runners.get(worker.name)?.running || this.rebuilding.has(worker.name)) continue;
      const holder = await this.leases.holder(worker.name);
      const live = holder && holder.owner !== this.owner && !holder.dead;
      if (!live || holder.renewedAt.getTime() < renewedSince) waiting.push(worker.name);
    }
    return { ready: waiting.length === 0, waiting };
  }

  /** Resolves true once `name` has applied everything it handles up to `position`; false on timeout. */
  async waitFor(name: string, position: LogPosition, timeoutMs: number): Promise<boolean> {
    const worker = this.worker(name);
    await this.divergence.assertNotAhead(name);
    const runner = this.runners.get(name);
    if (runner?.running) return runner.waitFor(position, timeoutMs);
    // Another process runs it: follow its stored checkpoint.
    const remote = this.remoteWorker(worker);
    return remote.pending.waitFor(position, timeoutMs, {
      checkpoint: () => remote.checkpoint.run(),
      changed: (_seen, ms) => delay(Math.min(REMOTE_POLL_MS, ms)),
    });
  }

  private remoteWorker(worker: Worker): RemoteWorker {
    let remote = this.remote.get(worker.name);
    if (!remote) {
      const id = checkpointId(worker.name);
      remote = {
        pending: new PendingLog(this.esdb, worker.definition),
        checkpoint: new SharedScan(async () => (await this.checkpoints.get(id))?.position ?? null),
      };
      this.remote.set(worker.name, remote);
    }
    return remote;
  }

  /** Zero-downtime rebuild of one projection in this process (shadow collections, then an atomic swap). */
  async rebuild(name: string, onProgress?: (p: RebuildProgress) => void): Promise<RebuildProgress> {
    const definition = this.definition(name);
    this.assertCanRebuild(name);
    this.rebuilding.add(name);
    try {
      const result = await rebuildWithShadow(this.runnerDeps(), this.db, definition, this.options, {
        ...(onProgress ? { onProgress } : {}),
        pauseLive: () => this.pauseLive(name),
        signal: this.stopped.signal,
      });
      if (this.options.runWorkers && !this.stopped.signal.aborted) await this.startRunner(this.worker(name));
      return result;
    } finally {
      this.rebuilding.delete(name);
      if (!this.options.runWorkers) await this.leases.release(name);
    }
  }

  /**
   * RuleViolatedError (409 over HTTP) naming why a rebuild, verify or reset of `name` cannot start now: one
   * of them is running (they pause the live view and share scratch collections), or the process is stopping.
   */
  assertCanRebuild(name: string): void {
    this.definition(name);
    if (this.rebuilding.has(name)) {
      throw new RuleViolatedError('rebuild_in_progress', `projection "${name}" is already rebuilding`, {
        name,
      });
    }
    if (this.verifying.has(name)) {
      throw new RuleViolatedError('verify_in_progress', `projection "${name}" is being verified`, { name });
    }
    if (this.stopped.signal.aborted) {
      throw new RuleViolatedError('shutting_down', 'this process is shutting down; no rebuild can start', {
        name,
      });
    }
  }

  /**
   * Stops applying to the live view before a swap or reset: this process's runner, or, when another
   * process runs the projection, that process's (by taking the lease from it).
   */
  private async pauseLive(name: string): Promise<void> {
    await this.stopRunner(name);
    if (!this.options.runWorkers) await this.leases.take(name, this.options.leaseTtlMs * 3);
  }

  /**
   * Stop-the-world: empty the view, forget the checkpoint, replay everything from the start. A process that
   * runs workers restarts its runner; one that does not (the CLI) replays up to the head of $all itself
   * while it holds the lease, so the view is whole again when this returns, whether or not a worker runs.
   */
  async reset(name: string, onProgress?: (progress: RebuildProgress) => void): Promise<void> {
    const definition = this.definition(name);
    this.assertCanRebuild(name);
    await this.pauseLive(name);
    try {
      // Counted before the checkpoint that records what the view applied is forgotten.
      const expected = this.options.runWorkers
        ? 0
        : await expectedEvents(this.esdb, this.checkpoints, definition);
      await dropCollections(this.db, definition, 'live');
      await this.checkpoints.reset(checkpointId(name), name, definition.version);
      await ensureIndexes(this.db, definition, 'live');
      if (!this.options.runWorkers)
        await this.replayHeld(definition, new ProgressMeter(expected), onProgress);
    } finally {
      if (!this.options.runWorkers) await this.leases.release(name);
    }
    if (this.options.runWorkers && !this.stopped.signal.aborted) await this.startRunner(this.worker(name));
  }

  /** Replays the live view up to the current head of $all, renewing the lease this process took meanwhile. */
  private async replayHeld(
    definition: ProjectionDefinition,
    meter: ProgressMeter,
    onProgress?: (progress: RebuildProgress) => void,
  ) {
    const head = await headOfAll(this.esdb);
    if (!head) {
      onProgress?.(meter.done(0));
      return;
    }
    const deps = this.runnerDeps();
    const target = {
      checkpointId: checkpointId(definition.name),
      collections: physicalCollections(definition, 'live'),
      leaseKey: definition.name,
    };
    const sink = projectionSink(deps, definition, target, this.options.maxAttempts, this.tracer);
    const runner = new ProjectionRunner(deps, definition, target, this.options, sink);
    const unsubscribe = runner.onProgress((s) => onProgress?.(meter.at(s.processed)));
    const renew = setInterval(
      () => void this.leases.acquire(definition.name).catch(() => undefined),
      this.options.leaseTtlMs / 3,
    );
    try {
      await runner.runUntil(head, 10 * 60_000);
      onProgress?.(meter.done(runner.snapshot.processed));
    } finally {
      clearInterval(renew);
      unsubscribe();
    }
  }

  /**
   * Rebuilds the projection into scratch collections exactly as far as the live view got, and compares
   * the two. Live updates of this projection pause meanwhile (reads go on), so both sides stand still.
   */
  async verify(name: string, onProgress?: (processed: number) => void): Promise<VerifyReport> {
    const definition = this.definition(name);
    const verifyId = checkpointId(name, 'verify');
    this.assertCanRebuild(name);
    this.verifying.add(name);
    try {
      await this.pauseLive(name);
    } catch (error) {
      this.verifying.delete(name);
      throw error;
    }
    try {
      const live = await this.checkpoints.get(checkpointId(name));
      await dropCollections(this.db, definition, 'verify');
      await this.checkpoints.reset(verifyId, name, definition.version);
      await ensureIndexes(this.db, definition, 'verify');
      if (live?.position) {
        const deps = this.runnerDeps();
        const target = { checkpointId: verifyId, collections: physicalCollections(definition, 'verify') };
        const sink = projectionSink(deps, definition, target, this.options.maxAttempts);
        const runner = new ProjectionRunner(deps, definition, target, this.options, sink, 'rebuilding');
        const unsubscribe = runner.onProgress((s) => onProgress?.(s.processed));
        await runner.runUntil(live.position, 60_000).finally(unsubscribe);
      }
      const { compared, differences } = await diffViews(this.db, definition, 20);
      return {
        name,
        checkpoint: live?.position ?? null,
        compared,
        ok: differences.length === 0,
        differences,
      };
    } finally {
      try {
        await dropCollections(this.db, definition, 'verify');
        await this.checkpoints.remove(verifyId);
        if (this.options.runWorkers && !this.stopped.signal.aborted)
          await this.startRunner(this.worker(name));
        if (!this.options.runWorkers) await this.leases.release(name);
      } finally {
        this.verifying.delete(name);
      }
    }
  }

  /** Applies a parked event with the current code; false when there is no such parked event. */
  async replayParked(name: string, eventId: string, resolution?: ParkedResolution): Promise<boolean> {
    const worker = this.worker(name);
    if (worker.kind === 'projection') {
      const definition = worker.definition;
      const feed =
        this.observer && ChangeFeed.announces(definition)
          ? new ChangeFeed(
              this.db,
              definition,
              { checkpointId: checkpointId(name), collections: physicalCollections(definition, 'live') },
              this.observer,
              this.logger,
            )
          : undefined;
      return replayParked(this.client, this.db, this.parked, definition, eventId, resolution, (event) =>
        feed?.committed([event]),
      );
    }
    const entry = await this.parked.get(name, eventId);
    if (!entry || entry.status !== 'parked') return false;
    await worker.definition.handle(entry.event, this.stopped.signal);
    return this.parked.resolve(name, eventId, 'replayed', undefined, resolution);
  }

  /** `resolution`: who gave up on the event and why, kept on its record. */
  async skipParked(name: string, eventId: string, resolution?: ParkedResolution): Promise<boolean> {
    this.worker(name);
    return this.parked.resolve(name, eventId, 'skipped', undefined, resolution);
  }

  /** Throws NotFoundError unless a projection or processor has this name. */
  assertExists(name: string): void {
    this.worker(name);
  }

  runner(name: string): ProjectionRunner | undefined {
    return this.runners.get(name);
  }

  private worker(name: string): Worker {
    const worker = this.workers.find((w) => w.name === name);
    if (!worker)
      throw new NotFoundError('projection_not_found', `no projection or processor named "${name}"`, { name });
    return worker;
  }

  private async statusOf(worker: Worker): Promise<ProjectionStatus> {
    const [checkpoint, parked, holder] = await Promise.all([
      this.checkpoints.get(checkpointId(worker.name)),
      this.parked.count(worker.name),
      this.leases.holder(worker.name),
    ]);
    const local = this.runners.get(worker.name)?.snapshot;
    // Run elsewhere (or stopped): measure its lag from the stored checkpoint, as its own watchdog would.
    const lag = local ?? (await this.remoteLag(worker, checkpoint?.position ?? null));
    const lastError = local ? local.lastError : holder?.status?.lastError;
    return {
      name: worker.name,
      kind: worker.kind,
      version: worker.version,
      state: this.rebuilding.has(worker.name)
        ? 'rebuilding'
        : (local?.state ?? (holder ? (holder.status?.state ?? 'remote') : 'stopped')),
      checkpoint: local?.checkpoint ?? checkpoint?.position ?? null,
      processed: local?.processed ?? checkpoint?.processed ?? 0,
      lagEvents: lag.lagEvents,
      lagMs: lag.lagMs,
      parked,
      owner: holder?.owner ?? null,
      ...(lastError ? { lastError } : {}),
      ...(worker.kind === 'processor' && worker.definition.thirdParty
        ? { thirdParty: worker.definition.thirdParty }
        : {}),
    };
  }

  private remoteLag(worker: Worker, from: LogPosition | null): Promise<Lag> {
    const key = formatPosition(from);
    const last = this.remoteLags.get(worker.name);
    const fresh = last?.doneAt === undefined || Date.now() - last.doneAt < REMOTE_LAG_TTL_MS;
    if (last && last.from === key && fresh) return last.lag;
    const scan = {
      from: key,
      doneAt: undefined as number | undefined,
      lag: this.scanRemoteLag(worker, from),
    };
    void scan.lag.finally(() => (scan.doneAt = Date.now()));
    this.remoteLags.set(worker.name, scan);
    return scan.lag;
  }

  private async scanRemoteLag(worker: Worker, from: LogPosition | null): Promise<Lag> {
    const pending = await pendingEvents(this.esdb, worker.definition, from, LAG_SCAN_LIMIT).catch(() => null);
    if (!pending) return { lagEvents: null, lagMs: null };
    const oldest = pending[0]?.created;
    return { lagEvents: pending.length, lagMs: oldest ? Math.max(0, Date.now() - oldest.getTime()) : 0 };
  }

  /** Holds the worker's lease for as long as this process runs, (re)starting its runner around it. */
  private async supervise(worker: Worker): Promise<void> {
    const { signal } = this.stopped;
    while (!signal.aborted) {
      try {
        // An operator's rebuild or reset elsewhere asked for the lease: stop first, then hand it over.
        if (this.runners.get(worker.name)?.running && (await this.leases.handoverRequested(worker.name))) {
          this.logger.log(`${worker.name}: handing over to an operator's operation`);
          await this.stopRunner(worker.name);
          await this.leases.handOverIfRequested(worker.name);
        } else if (await this.leases.acquire(worker.name)) {
          if (!this.runners.get(worker.name)?.running && !this.rebuilding.has(worker.name)) {
            await this.activate(worker);
          }
        } else if (this.runners.get(worker.name)?.running) {
          this.logger.warn(`${worker.name}: lease lost, stopping`);
          await this.stopRunner(worker.name);
        }
      } catch (error) {
        this.logger.warn(`${worker.name}: supervision failed: ${String(error)}`);
      }
      // Renew a third of the TTL later, or at once when an operator's operation asks for the lease or
      // gives it back (see LeaseWatch).
      await this.leaseWatch.nap(worker.name, this.options.leaseTtlMs / 3);
    }
  }

  private async activate(worker: Worker): Promise<void> {
    if (worker.kind === 'projection') {
      const checkpoint = await this.checkpoints.get(checkpointId(worker.name));
      if (checkpoint?.pendingSwap) {
        this.logger.warn(`${worker.name}: completing a swap interrupted by a crash`);
        await completePendingSwap(this.checkpoints, this.db, worker.name, checkpoint.pendingSwap);
      } else if (checkpoint && checkpoint.version !== worker.version) {
        this.logger.log(
          `${worker.name}: v${checkpoint.version} -> v${worker.version}, rebuilding in the background`,
        );
        this.track(
          this.rebuild(worker.name).catch((e: unknown) => this.logger.error(`rebuild failed: ${String(e)}`)),
        );
        return;
      }
    }
    await this.startRunner(worker);
  }

  private async startRunner(worker: Worker): Promise<void> {
    await this.stopRunner(worker.name);
    // Shutdown may have begun while this start was awaiting: a runner started now would never be stopped.
    if (this.stopped.signal.aborted) return;
    const deps = this.runnerDeps();
    const id = checkpointId(worker.name);
    let target: ProjectionTarget;
    let sink: SinkFactory;
    if (worker.kind === 'projection') {
      target = {
        checkpointId: id,
        collections: physicalCollections(worker.definition, 'live'),
        leaseKey: worker.name,
      };
      sink = projectionSink(
        deps,
        worker.definition,
        target,
        this.options.maxAttempts,
        this.tracer,
        this.observer,
      );
    } else {
      target = { checkpointId: id, collections: {}, leaseKey: worker.name };
      const processor = worker.definition;
      sink = ({ logger, onTransientError }) =>
        new ProcessorSink({ ...deps, logger }, processor, target, {
          maxAttempts: this.options.maxAttempts,
          concurrency: processor.concurrency ?? this.options.processorConcurrency,
          onTransientError,
          tracer: this.tracer,
        });
    }
    const runner = new ProjectionRunner(deps, worker.definition, target, this.options, sink);
    this.runners.set(worker.name, runner);
    const publish = this.publishState(worker.name);
    const observe = (status: RunnerStatus) =>
      this.observer?.status({ name: worker.name, kind: worker.kind, ...status });
    runner.onProgress((status) => {
      publish(status);
      observe(status);
    });
    await runner.start();
    publish(runner.snapshot);
    observe(runner.snapshot);
  }

  /** Other processes (the CLI, other API instances) see the runner's real state on its lease. */
  private publishState(name: string): (status: RunnerStatus) => void {
    let published: string | undefined;
    return ({ state, lastError }: RunnerStatus): void => {
      const key = `${state}\u0000${lastError ?? ''}`;
      if (key === published) return;
      published = key;
      this.leases
        .report(name, { state, ...(lastError !== undefined ? { lastError } : {}) })
        .catch(() => (published = undefined));
    };
  }

  private async stopRunner(name: string): Promise<void> {
    const runner = this.runners.get(name);
    this.runners.delete(name);
    await runner?.stop();
  }

  private runnerDeps(): RunnerDeps {
    return {
      client: this.client,
      db: this.db,
      esdb: this.esdb,
      serializer: this.serializer,
      checkpoints: this.checkpoints,
      parked: this.parked,
      leases: this.leases,
    };
  }

  private track(task: Promise<unknown>): void {
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }
}

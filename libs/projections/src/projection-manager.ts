import { EventStoreDBClient } from '@eventstore/db-client';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { type LogPosition, NotFoundError, type ProjectionDefinition } from '@shop/event-sourcing';
import { EventSerializer } from '@shop/eventstore';
import { MONGO_CLIENT, MONGO_DB } from '@shop/mongo';
import { type Db, type MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { checkpointId, CheckpointStore } from './checkpoint-store';
import { dropCollections, ensureIndexes, physicalCollections } from './collections';
import { Leases } from './lease';
import { ParkedStore } from './parked-store';
import { replayParked } from './parked-replay';
import { hasReached } from './position';
import {
  DEFAULT_RUNNER_OPTIONS,
  ProjectionRunner,
  type RunnerDeps,
  type RunnerOptions,
} from './projection-runner';
import { completePendingSwap, type RebuildProgress, rebuildWithShadow } from './rebuild';
import { hasPendingUpTo } from './event-scan';

export const PROJECTIONS = Symbol('PROJECTIONS');
export const PROJECTION_OPTIONS = Symbol('PROJECTION_OPTIONS');

export interface ProjectionEngineOptions extends RunnerOptions {
  /** Run the projections in this process (false: another process, e.g. apps/worker, runs them). */
  runWorkers: boolean;
  leaseTtlMs: number;
}

export const DEFAULT_ENGINE_OPTIONS: ProjectionEngineOptions = {
  ...DEFAULT_RUNNER_OPTIONS,
  runWorkers: true,
  leaseTtlMs: 15_000,
};

export interface ProjectionStatus {
  name: string;
  version: number;
  state: string;
  checkpoint: LogPosition | null;
  processed: number;
  lagEvents: number | null;
  lagMs: number | null;
  parked: number;
  owner: string | null;
  lastError?: string;
}

/**
 * Runs every registered projection in this process (when workers are enabled), each under a lease so that
 * several processes never apply the same projection, and offers the operations: status, waitFor, rebuild,
 * reset, parked events.
 */
@Injectable()
export class ProjectionManager implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly runners = new Map<string, ProjectionRunner>();
  private readonly rebuilding = new Set<string>();
  private readonly stopped = new AbortController();
  private readonly tasks = new Set<Promise<unknown>>();
  readonly checkpoints: CheckpointStore;
  readonly parked: ParkedStore;
  private readonly leases: Leases;
  private readonly options: ProjectionEngineOptions;

  constructor(
    @Inject(MONGO_CLIENT) private readonly client: MongoClient,
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly esdb: EventStoreDBClient,
    private readonly serializer: EventSerializer,
    @Inject(PROJECTIONS) private readonly definitions: ProjectionDefinition[],
    @Optional() @Inject(PROJECTION_OPTIONS) options?: Partial<ProjectionEngineOptions>,
  ) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    this.checkpoints = new CheckpointStore(db);
    this.parked = new ParkedStore(db);
    this.leases = new Leases(db, this.owner, this.options.leaseTtlMs);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.parked.ensureIndexes();
    for (const definition of this.definitions) await ensureIndexes(this.db, definition, 'live');
    if (!this.options.runWorkers) return;
    for (const definition of this.definitions) this.track(this.supervise(definition));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped.abort();
    await Promise.allSettled([...this.runners.values()].map((runner) => runner.stop()));
    await Promise.allSettled([...this.tasks]);
    await Promise.allSettled(this.definitions.map((d) => this.leases.release(d.name)));
  }

  definition(name: string): ProjectionDefinition {
    const definition = this.definitions.find((d) => d.name === name);
    if (!definition)
      throw new NotFoundError('projection_not_found', `no projection named "${name}"`, { name });
    return definition;
  }

  list(): readonly ProjectionDefinition[] {
    return this.definitions;
  }

  async status(): Promise<ProjectionStatus[]> {
    return Promise.all(
      this.definitions.map(async (definition) => {
        const [checkpoint, parked, holder] = await Promise.all([
          this.checkpoints.get(checkpointId(definition.name)),
          this.parked.count(definition.name),
          this.leases.holder(definition.name),
        ]);
        const runner = this.runners.get(definition.name);
        const local = runner?.snapshot;
        return {
          name: definition.name,
          version: definition.version,
          state: this.rebuilding.has(definition.name)
            ? 'rebuilding'
            : (local?.state ?? (holder ? 'remote' : 'stopped')),
          checkpoint: local?.checkpoint ?? checkpoint?.position ?? null,
          processed: local?.processed ?? checkpoint?.processed ?? 0,
          lagEvents: local ? local.lagEvents : null,
          lagMs: local ? local.lagMs : null,
          parked,
          owner: holder?.owner ?? null,
          ...(local?.lastError ? { lastError: local.lastError } : {}),
        };
      }),
    );
  }

  /** Resolves true once `name` has applied everything it handles up to `position`; false on timeout. */
  async waitFor(name: string, position: LogPosition, timeoutMs: number): Promise<boolean> {
    const definition = this.definition(name);
    const runner = this.runners.get(name);
    if (runner?.running) return runner.waitFor(position, timeoutMs);
    // Another process runs it: watch its checkpoint.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const checkpoint = (await this.checkpoints.get(checkpointId(name)))?.position ?? null;
      if (hasReached(checkpoint, position)) return true;
      if (!(await hasPendingUpTo(this.esdb, definition, checkpoint, position))) return true;
      if (Date.now() >= deadline) return false;
      await delay(Math.min(100, Math.max(1, deadline - Date.now())));
    }
  }

  /** Zero-downtime rebuild of one projection in this process (shadow collections, then an atomic swap). */
  async rebuild(name: string, onProgress?: (p: RebuildProgress) => void): Promise<RebuildProgress> {
    const definition = this.definition(name);
    if (this.rebuilding.has(name)) throw new Error(`projection "${name}" is already rebuilding`);
    this.rebuilding.add(name);
    try {
      const result = await rebuildWithShadow(this.runnerDeps(name), this.db, definition, this.options, {
        ...(onProgress ? { onProgress } : {}),
        pauseLive: () => this.stopRunner(name),
        signal: this.stopped.signal,
      });
      if (this.options.runWorkers && !this.stopped.signal.aborted) await this.startRunner(definition);
      return result;
    } finally {
      this.rebuilding.delete(name);
    }
  }

  /** Stop-the-world: empty the view, forget the checkpoint, replay everything from the start. */
  async reset(name: string): Promise<void> {
    const definition = this.definition(name);
    await this.stopRunner(name);
    await dropCollections(this.db, definition, 'live');
    await this.checkpoints.reset(checkpointId(name), name, definition.version);
    await ensureIndexes(this.db, definition, 'live');
    if (this.options.runWorkers && !this.stopped.signal.aborted) await this.startRunner(definition);
  }

  async replayParked(name: string, eventId: string): Promise<boolean> {
    return replayParked(this.client, this.db, this.parked, this.definition(name), eventId);
  }

  async skipParked(name: string, eventId: string): Promise<boolean> {
    this.definition(name);
    return this.parked.resolve(name, eventId, 'skipped');
  }

  runner(name: string): ProjectionRunner | undefined {
    return this.runners.get(name);
  }

  /** Holds the projection's lease for as long as this process runs, (re)starting its runner around it. */
  private async supervise(definition: ProjectionDefinition): Promise<void> {
    const { signal } = this.stopped;
    while (!signal.aborted) {
      try {
        if (await this.leases.acquire(definition.name)) {
          if (!this.runners.get(definition.name)?.running && !this.rebuilding.has(definition.name)) {
            await this.activate(definition);
          }
        } else if (this.runners.get(definition.name)?.running) {
          this.logger.warn(`${definition.name}: lease lost, stopping`);
          await this.stopRunner(definition.name);
        }
      } catch (error) {
        this.logger.warn(`${definition.name}: supervision failed: ${String(error)}`);
      }
      await delay(this.options.leaseTtlMs / 3, undefined, { signal }).catch(() => undefined);
    }
  }

  private async activate(definition: ProjectionDefinition): Promise<void> {
    const checkpoint = await this.checkpoints.get(checkpointId(definition.name));
    if (checkpoint?.pendingSwap) {
      this.logger.warn(`${definition.name}: completing a swap interrupted by a crash`);
      await completePendingSwap(this.checkpoints, this.db, definition.name, checkpoint.pendingSwap);
    } else if (checkpoint && checkpoint.version !== definition.version) {
      this.logger.log(
        `${definition.name}: v${checkpoint.version} -> v${definition.version}, rebuilding in the background`,
      );
      this.track(
        this.rebuild(definition.name).catch((e: unknown) =>
          this.logger.error(`rebuild failed: ${String(e)}`),
        ),
      );
      return;
    }
    await this.startRunner(definition);
  }

  private async startRunner(definition: ProjectionDefinition): Promise<void> {
    await this.stopRunner(definition.name);
    const runner = new ProjectionRunner(
      this.runnerDeps(definition.name),
      definition,
      {
        checkpointId: checkpointId(definition.name),
        collections: physicalCollections(definition, 'live'),
        leaseKey: definition.name,
      },
      this.options,
    );
    this.runners.set(definition.name, runner);
    await runner.start();
  }

  private async stopRunner(name: string): Promise<void> {
    const runner = this.runners.get(name);
    this.runners.delete(name);
    await runner?.stop();
  }

  private runnerDeps(_name: string): RunnerDeps {
    return {
      client: this.client,
      db: this.db,
      esdb: this.esdb,
      serializer: this.serializer,
      checkpoints: this.checkpoints,
      parked: this.parked,
      leases: this.leases,
      logger: this.logger,
    };
  }

  private track(task: Promise<unknown>): void {
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }
}

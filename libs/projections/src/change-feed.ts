import { type Logger } from '@nestjs/common';
import {
  type LogPosition,
  type ProjectionDefinition,
  type StoredEvent,
  type ViewChange,
} from '@shop/event-sourcing';
import { type Db } from 'mongodb';
import { type ProjectionTarget } from './batch-writer';

/** A change of a read model, announced once the event's writes and the checkpoint have committed. */
export interface CommittedChange extends ViewChange {
  readonly projection: string;
  readonly eventType: string;
  readonly position: LogPosition;
  readonly streamName: string;
  readonly revision: bigint;
  readonly recordedAt: Date;
  /** When the batch's transaction committed (this process's clock). */
  readonly committedAt: Date;
}

/** A running worker's status, as its runner reports it after each batch and each lag measurement. */
export interface ObservedStatus {
  readonly name: string;
  readonly kind: 'projection' | 'processor';
  readonly state: string;
  readonly checkpoint: LogPosition | null;
  readonly processed: number;
  readonly lagEvents: number;
  readonly lagMs: number;
  readonly lastError?: string;
}

/**
 * Told what the live views of this process commit (libs/live implements it). Called in log order per
 * projection, after the transaction: a listener that then reads the view sees at least that state.
 * Must not throw or block: it is called on the projection's path.
 */
export interface ProjectionObserver {
  committed(changes: readonly CommittedChange[]): void;
  status(status: ObservedStatus): void;
}

export const PROJECTION_OBSERVER = Symbol('PROJECTION_OBSERVER');

/** Owners remembered per projection (an order's customer never changes): most changes need no read. */
const OWNER_CACHE_SIZE = 10_000;

/**
 * Turns the events a live view's batch committed into {@link CommittedChange}s (the definition's pure
 * `changes`) and hands them to the observer in commit order. A change without an owner gets it from the view
 * (`definition.owners`), read after the commit, so announcements wait on each other, never on the runner.
 */
export class ChangeFeed {
  private readonly owners = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly definition: ProjectionDefinition,
    private readonly target: ProjectionTarget,
    private readonly observer: ProjectionObserver,
    private readonly logger: Logger,
  ) {}

  /** Whether the definition announces anything at all (then the writer calls {@link committed}). */
  static announces(definition: ProjectionDefinition): boolean {
    return definition.changes !== undefined;
  }

  committed(events: readonly StoredEvent[]): void {
    const changes = this.changesOf(events, new Date());
    if (changes.length === 0) return;
    const owners = this.definition.owners;
    const resolve =
      owners !== undefined && changes.some((c) => c.ownerId === undefined && c.topic === owners.topic);
    // In order behind any announcement still resolving its owners.
    this.chain = this.chain
      .then(async () => this.observer.committed(resolve ? await this.withOwners(changes) : changes))
      .catch((error: unknown) =>
        this.logger.warn(`${this.definition.name}: live changes not announced: ${String(error)}`),
      );
  }

  /** Resolves once everything handed over so far has been announced (tests, shutdown). */
  drained(): Promise<void> {
    return this.chain;
  }

  private changesOf(events: readonly StoredEvent[], committedAt: Date): CommittedChange[] {
    const changes: CommittedChange[] = [];
    for (const stored of events) {
      if (!stored.position) continue;
      let viewChanges: readonly ViewChange[];
      try {
        viewChanges = this.definition.changes?.(stored) ?? [];
      } catch (error) {
        this.logger.warn(`${this.definition.name}: changes of ${stored.event.type} failed: ${String(error)}`);
        continue;
      }
      for (const change of viewChanges) {
        if (change.ownerId !== undefined) this.remember(`${change.topic}:${change.id}`, change.ownerId);
        changes.push({
          ...change,
          projection: this.definition.name,
          eventType: stored.event.type,
          position: stored.position,
          streamName: stored.streamName,
          revision: stored.revision,
          recordedAt: stored.recordedAt,
          committedAt,
        });
      }
    }
    return changes;
  }

  private async withOwners(changes: readonly CommittedChange[]): Promise<CommittedChange[]> {
    const { topic, collection, field } = this.definition.owners!;
    const missing = new Set(
      changes
        .filter((c) => c.topic === topic && c.ownerId === undefined && !this.owners.has(`${topic}:${c.id}`))
        .map((c) => c.id),
    );
    if (missing.size > 0) {
      const physical = this.target.collections[collection];
      if (!physical) throw new Error(`owners read from undeclared collection "${collection}"`);
      const docs = await this.db
        .collection<{ _id: string }>(physical)
        .find({ _id: { $in: [...missing] } }, { projection: { [field]: 1 } })
        .toArray();
      for (const doc of docs) {
        const owner = (doc as Record<string, unknown>)[field];
        if (typeof owner === 'string') this.remember(`${topic}:${doc._id}`, owner);
      }
    }
    return changes.map((c) => {
      if (c.ownerId !== undefined || c.topic !== topic) return c;
      const ownerId = this.owners.get(`${topic}:${c.id}`);
      return ownerId === undefined ? c : { ...c, ownerId };
    });
  }

  private remember(key: string, owner: string): void {
    if (this.owners.has(key)) return;
    if (this.owners.size >= OWNER_CACHE_SIZE) this.owners.delete(this.owners.keys().next().value!);
    this.owners.set(key, owner);
  }
}

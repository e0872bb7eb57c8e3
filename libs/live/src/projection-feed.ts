import {
  type CommittedChange,
  formatPosition,
  type ObservedStatus,
  type ProjectionObserver,
} from '@shop/projections';
import { type ChangeBus } from './change-bus';
import { type ProjectionStatusMessage, type ViewChangeMessage } from './live-message';

export const changeMessage = (change: CommittedChange): ViewChangeMessage => ({
  type: 'change',
  topic: change.topic,
  id: change.id,
  ...(change.ownerId !== undefined ? { ownerId: change.ownerId } : {}),
  projection: change.projection,
  eventType: change.eventType,
  position: formatPosition(change.position),
  streamName: change.streamName,
  revision: change.revision.toString(),
  recordedAt: change.recordedAt.toISOString(),
  committedAt: change.committedAt.toISOString(),
});

/**
 * Connects the projection engine to the bus: every committed change is published, and workers' statuses
 * are published when their state or error changes, otherwise at most once per `statusIntervalMs` per worker
 * (a runner reports after every batch; operators need the lag's trend, not every step).
 */
export class ProjectionFeed implements ProjectionObserver {
  private readonly last = new Map<string, { key: string; at: number }>();

  constructor(
    private readonly bus: ChangeBus,
    private readonly statusIntervalMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  committed(changes: readonly CommittedChange[]): void {
    this.bus.publish(changes.map(changeMessage));
  }

  status(status: ObservedStatus): void {
    const key = `${status.state}\u0000${status.lastError ?? ''}`;
    const previous = this.last.get(status.name);
    const now = this.now();
    if (previous && previous.key === key && now - previous.at < this.statusIntervalMs) return;
    this.last.set(status.name, { key, at: now });
    this.bus.publish([statusMessage(status, new Date(now))]);
  }
}

export const statusMessage = (status: ObservedStatus, at: Date): ProjectionStatusMessage => ({
  type: 'projectionStatus',
  name: status.name,
  kind: status.kind,
  state: status.state,
  checkpoint: status.checkpoint ? formatPosition(status.checkpoint) : null,
  processed: status.processed,
  lagEvents: status.lagEvents,
  lagMs: status.lagMs,
  ...(status.lastError !== undefined ? { lastError: status.lastError } : {}),
  at: at.toISOString(),
});

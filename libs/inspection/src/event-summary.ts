import { type StoredEvent } from '@shop/event-sourcing';

/** An event as operators see it: JSON-friendly (positions and revisions as strings). */
export interface EventSummary {
  stream: string;
  revision: string;
  position: string | null;
  type: string;
  eventId: string;
  correlationId: string;
  causationId: string;
  userId?: string;
  occurredAt: string;
  recordedAt: string;
  data: unknown;
}

export const summarize = (stored: StoredEvent): EventSummary => ({
  stream: stored.streamName,
  revision: stored.revision.toString(),
  position: stored.position ? `${stored.position.commit}/${stored.position.prepare}` : null,
  type: stored.event.type,
  eventId: stored.metadata.eventId,
  correlationId: stored.metadata.correlationId,
  causationId: stored.metadata.causationId,
  ...(stored.metadata.userId ? { userId: stored.metadata.userId } : {}),
  occurredAt: stored.metadata.occurredAt,
  recordedAt: stored.recordedAt.toISOString(),
  data: stored.event.data,
});

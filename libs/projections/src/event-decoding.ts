import { type AllStreamResolvedEvent, type RecordedEvent } from '@eventstore/db-client';
import { type StoredEvent } from '@shop/event-sourcing';
import { type EventSerializer } from '@shop/eventstore';

export type Decoded = { event: StoredEvent; failure?: undefined } | { event: StoredEvent; failure: unknown };

/**
 * Turns a subscription record into a StoredEvent. A record that cannot be decoded (not JSON, an unknown
 * schema version) is still returned, raw, with its failure, so the projection parks it instead of stopping.
 */
export function decode(serializer: EventSerializer, resolved: AllStreamResolvedEvent): Decoded | undefined {
  const recorded = resolved.event;
  if (!recorded) return undefined;
  try {
    const event = serializer.deserialize(recorded);
    return event ? { event } : { event: raw(recorded), failure: new Error('event is not a JSON object') };
  } catch (failure) {
    return { event: raw(recorded), failure };
  }
}

const raw = (recorded: RecordedEvent): StoredEvent => ({
  streamName: recorded.streamId,
  revision: recorded.revision,
  ...(recorded.position ? { position: recorded.position } : {}),
  event: {
    type: recorded.type,
    data: isObject(recorded.data) ? recorded.data : { raw: String(recorded.data) },
  },
  metadata: {
    eventId: recorded.id,
    correlationId: recorded.id,
    causationId: recorded.id,
    schemaVersion: 0,
    occurredAt: recorded.created.toISOString(),
  },
  recordedAt: recorded.created,
});

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

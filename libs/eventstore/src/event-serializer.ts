import { type EventData, jsonEvent, type JSONType, type RecordedEvent } from '@eventstore/db-client';
import {
  type DomainEvent,
  type EventMetadata,
  type StoredEvent,
  UpcasterRegistry,
} from '@shop/event-sourcing';

/**
 * The one place that knows how domain events look on the wire: JSON data under the stable event `type`, the
 * kernel's EventMetadata as JSON custom metadata, ids taken from the metadata so they can be deterministic.
 */
export class EventSerializer {
  constructor(readonly upcasters: UpcasterRegistry = new UpcasterRegistry()) {}

  schemaVersionOf(eventType: string): number {
    return this.upcasters.currentVersion(eventType);
  }

  serialize(event: DomainEvent, metadata: EventMetadata): EventData {
    assertJson(event.data, `data of event ${event.type}`);
    return jsonEvent({
      id: metadata.eventId,
      type: event.type,
      data: event.data as JSONType,
      metadata: metadata as unknown as JSONType,
    });
  }

  /**
   * Returns undefined for records that are not domain events (binary data, `$`-prefixed system types), so
   * folding a stream never trips over link events or snapshots.
   */
  deserialize<E extends DomainEvent = DomainEvent>(recorded: RecordedEvent): StoredEvent<E> | undefined {
    if (!recorded.isJson || recorded.type.startsWith('$') || !isRecord(recorded.data)) return undefined;
    const metadata = readMetadata(recorded);
    const data = this.upcasters.upcast(recorded.type, metadata.schemaVersion, recorded.data);
    return {
      streamName: recorded.streamId,
      revision: recorded.revision,
      ...(recorded.position ? { position: recorded.position } : {}),
      event: { type: recorded.type, data } as unknown as E,
      metadata,
      recordedAt: recorded.created,
    };
  }
}

/**
 * The client serializes lazily inside its append pipeline, where a JSON.stringify failure (a bigint, a cycle)
 * leaves the append promise pending forever; failing here, before the append, keeps the error on the caller.
 */
export const assertJson = (value: unknown, what: string): void => {
  try {
    JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`The ${what} is not JSON-serialisable: ${(error as Error).message}`, {
      cause: error,
    });
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** A number, or the string a multi-stream append stores it as (that protocol's metadata values are strings). */
const storedSchemaVersion = (value: unknown): number => {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^[1-9]\d{0,8}$/.test(value) ? Number(value) : 1;
};

// Events appended by other tools may lack our metadata; fall back to what the store knows rather than failing.
const readMetadata = (recorded: RecordedEvent): EventMetadata => {
  const raw = isRecord(recorded.metadata) ? recorded.metadata : {};
  const correlationId = optionalString(raw.correlationId) ?? recorded.id;
  const userId = optionalString(raw.userId);
  const traceparent = optionalString(raw.traceparent);
  const idempotencyKey = optionalString(raw.idempotencyKey);
  const requestFingerprint = optionalString(raw.requestFingerprint);
  return {
    eventId: recorded.id,
    correlationId,
    causationId: optionalString(raw.causationId) ?? correlationId,
    ...(userId !== undefined ? { userId } : {}),
    ...(traceparent !== undefined ? { traceparent } : {}),
    schemaVersion: storedSchemaVersion(raw.schemaVersion),
    occurredAt: optionalString(raw.occurredAt) ?? recorded.created.toISOString(),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    ...(requestFingerprint !== undefined ? { requestFingerprint } : {}),
  };
};

import { BACKWARDS, END, eventTypeFilter, type EventStoreDBClient } from '@eventstore/db-client';
import { scanAll } from '@shop/eventstore';
import { type LogPosition } from '@shop/event-sourcing';
import { comparePositions } from './position';

/** Server-side filter matching exactly the projection's event types. */
/** What a runner subscribes to: a projection or a processor. */
export interface SubscriptionSource {
  readonly name: string;
  readonly eventTypes: readonly string[];
}

export const typeFilter = (definition: SubscriptionSource) =>
  eventTypeFilter({ regex: `^(${definition.eventTypes.map(escapeRegex).join('|')})$` });

const escapeRegex = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface PendingEvent {
  position: LogPosition;
  created: Date;
}

/**
 * The projection's events after `from`, up to `limit` of them. Reads of $all cannot be filtered by this
 * client, so this runs a filtered catch-up subscription and ends it when the server says it caught up:
 * the events still buffered at that moment are the last ones to count.
 */
export async function pendingEvents(
  esdb: EventStoreDBClient,
  definition: SubscriptionSource,
  from: LogPosition | null,
  limit: number,
): Promise<PendingEvent[]> {
  const found: PendingEvent[] = [];
  await scanAll(esdb, { from, filter: typeFilter(definition) }, (resolved) => {
    const event = resolved.event;
    if (event?.position && !(from && comparePositions(event.position, from) <= 0)) {
      found.push({ position: event.position, created: event.created });
    }
    return found.length < limit;
  });
  return found;
}

/** Position of the newest event in the whole log (any type), or null for an empty store. */
export async function headOfAll(esdb: EventStoreDBClient): Promise<LogPosition | null> {
  let head: LogPosition | null = null;
  // Read to the end (one event): leaving the loop early would leave the gRPC call open.
  for await (const resolved of esdb.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })) {
    head = resolved.event?.position ?? head;
  }
  return head;
}

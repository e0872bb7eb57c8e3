import {
  BACKWARDS,
  type EventStoreDBClient,
  FORWARDS,
  START,
  END,
  StreamNotFoundError,
} from '@eventstore/db-client';
import { type DomainEvent, type StoredEvent } from '@shop/event-sourcing';
import { toEventStoreError } from './errors';
import { type EventSerializer } from './event-serializer';

export interface ReadOptions {
  /** First revision to read (inclusive); defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
  readonly direction?: 'forwards' | 'backwards';
}

/**
 * Streams a stream's events through `onEvent` without buffering them, so folding 10,000 events costs no
 * array of 10,000. Resolves 'not_found' when the stream does not exist (or was soft-deleted).
 */
export const forEachEvent = async <E extends DomainEvent>(
  client: EventStoreDBClient,
  serializer: EventSerializer,
  streamName: string,
  options: ReadOptions,
  onEvent: (event: StoredEvent<E>) => void,
): Promise<'found' | 'not_found'> => {
  const backwards = options.direction === 'backwards';
  const read = client.readStream(streamName, {
    direction: backwards ? BACKWARDS : FORWARDS,
    fromRevision: options.fromRevision ?? (backwards ? END : START),
    ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
  });
  let drained = false;
  try {
    for await (const resolved of read) {
      const stored = resolved.event && serializer.deserialize<E>(resolved.event);
      if (stored) onEvent(stored);
    }
    drained = true;
    return 'found';
  } catch (error) {
    if (error instanceof StreamNotFoundError) return 'not_found';
    throw toEventStoreError(error, streamName);
  } finally {
    // Leaving the loop early (an upcaster or evolve threw) destroys only the client's Node stream; the gRPC
    // call underneath stays open until cancelled.
    if (!drained) await read.cancel().catch(() => undefined);
  }
};

export const readEvents = async <E extends DomainEvent>(
  client: EventStoreDBClient,
  serializer: EventSerializer,
  streamName: string,
  options: ReadOptions,
): Promise<StoredEvent<E>[]> => {
  const events: StoredEvent<E>[] = [];
  await forEachEvent<E>(client, serializer, streamName, options, (event) => events.push(event));
  return events;
};

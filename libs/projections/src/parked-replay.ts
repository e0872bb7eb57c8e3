import { type ProjectionDefinition, type StoredEvent } from '@shop/event-sourcing';
import { type AnyBulkWriteOperation, type Db, type Document, type MongoClient } from 'mongodb';
import { physicalCollections } from './collections';
import { type ParkedResolution, type ParkedStore } from './parked-store';

/**
 * Applies a parked event with the projection's current (fixed) handler, and marks it replayed, in one
 * transaction. It lands after events that came later in the log: handlers that set fields from the event
 * (rather than accumulate) may need the projection rebuilt instead, which the operator decides.
 * Returns false when there is no such parked event; throws when the handler still fails. `onCommitted` is
 * told the event once the transaction committed (the live-updates feed).
 */
export async function replayParked(
  client: MongoClient,
  db: Db,
  parked: ParkedStore,
  definition: ProjectionDefinition,
  eventId: string,
  resolution?: ParkedResolution,
  onCommitted?: (event: StoredEvent) => void,
): Promise<boolean> {
  const entry = await parked.get(definition.name, eventId);
  if (!entry || entry.status !== 'parked') return false;
  const writes = definition.handle(entry.event);
  const collections = physicalCollections(definition, 'live');
  const session = client.startSession();
  try {
    let resolved = false;
    await session.withTransaction(async () => {
      for (const { collection, ...operation } of writes) {
        const physical = collections[collection];
        if (!physical) throw new Error(`handler wrote to undeclared collection "${collection}"`);
        await db
          .collection(physical)
          .bulkWrite([operation as unknown as AnyBulkWriteOperation<Document>], { session, ordered: true });
      }
      resolved = await parked.resolve(definition.name, eventId, 'replayed', session, resolution);
    });
    if (resolved) onCommitted?.(entry.event);
    return resolved;
  } finally {
    await session.endSession();
  }
}

import { type EventMetadata, type StoredEvent } from '@shop/event-sourcing';
import { type ClientSession, type Collection, type Db, Long } from 'mongodb';
import { fromStored, type StoredPosition, toStored } from './position';

export const PARKED = 'projection_parked';

export type ParkedStatus = 'parked' | 'replayed' | 'skipped';

/** Who replayed or skipped a parked event, and why: kept on the record for audit. */
export interface ParkedResolution {
  by: string;
  reason: string | null;
}

/** An event a projection could not apply, kept with everything needed to apply it later. */
export interface ParkedDoc {
  _id: string;
  projection: string;
  status: ParkedStatus;
  eventId: string;
  streamName: string;
  revision: Long;
  position: StoredPosition | null;
  type: string;
  data: object;
  metadata: EventMetadata;
  recordedAt: Date;
  error: { name: string; message: string };
  attempts: number;
  parkedAt: Date;
  resolvedAt?: Date;
  resolution?: ParkedResolution;
}

export interface ParkedEvent {
  id: string;
  projection: string;
  status: ParkedStatus;
  event: StoredEvent;
  error: { name: string; message: string };
  attempts: number;
  parkedAt: Date;
  resolvedAt?: Date;
  resolution?: ParkedResolution;
}

export class ParkedStore {
  readonly collection: Collection<ParkedDoc>;

  constructor(db: Db) {
    this.collection = db.collection<ParkedDoc>(PARKED);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex(
      { projection: 1, status: 1, parkedAt: 1 },
      { name: 'projection_status_time' },
    );
  }

  /** Upsert by (projection, event id), so parking the same event twice keeps one record. */
  async park(
    projection: string,
    event: StoredEvent,
    error: unknown,
    attempts: number,
    session?: ClientSession,
  ): Promise<void> {
    const id = parkedId(projection, event.metadata.eventId);
    const doc: ParkedDoc = {
      _id: id,
      projection,
      status: 'parked',
      eventId: event.metadata.eventId,
      streamName: event.streamName,
      revision: Long.fromBigInt(event.revision),
      position: event.position ? toStored(event.position) : null,
      type: event.event.type,
      data: event.event.data,
      metadata: event.metadata,
      recordedAt: event.recordedAt,
      error: describeError(error),
      attempts,
      parkedAt: new Date(),
    };
    await this.collection.replaceOne({ _id: id }, doc, { upsert: true, session });
  }

  async list(projection?: string, status: ParkedStatus = 'parked'): Promise<ParkedEvent[]> {
    const filter = projection ? { projection, status } : { status };
    const docs = await this.collection.find(filter).sort({ parkedAt: 1 }).limit(1000).toArray();
    return docs.map(toParkedEvent);
  }

  async count(projection: string): Promise<number> {
    return this.collection.countDocuments({ projection, status: 'parked' });
  }

  async get(projection: string, eventId: string): Promise<ParkedEvent | null> {
    const doc = await this.collection.findOne({ _id: parkedId(projection, eventId) });
    return doc ? toParkedEvent(doc) : null;
  }

  async resolve(
    projection: string,
    eventId: string,
    status: 'replayed' | 'skipped',
    session?: ClientSession,
    resolution?: ParkedResolution,
  ) {
    const result = await this.collection.updateOne(
      { _id: parkedId(projection, eventId), status: 'parked' },
      { $set: { status, resolvedAt: new Date(), ...(resolution ? { resolution } : {}) } },
      { session },
    );
    return result.matchedCount === 1;
  }
}

const parkedId = (projection: string, eventId: string): string => `${projection}:${eventId}`;

const describeError = (error: unknown): { name: string; message: string } =>
  error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };

const toParkedEvent = (doc: ParkedDoc): ParkedEvent => ({
  id: doc.eventId,
  projection: doc.projection,
  status: doc.status,
  event: {
    streamName: doc.streamName,
    revision: BigInt(doc.revision.toString()),
    ...(doc.position ? { position: fromStored(doc.position) } : {}),
    event: { type: doc.type, data: doc.data },
    metadata: doc.metadata,
    recordedAt: doc.recordedAt,
  },
  error: doc.error,
  attempts: doc.attempts,
  parkedAt: doc.parkedAt,
  ...(doc.resolvedAt ? { resolvedAt: doc.resolvedAt } : {}),
  ...(doc.resolution ? { resolution: doc.resolution } : {}),
});

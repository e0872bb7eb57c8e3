import { type LogPosition } from '@shop/event-sourcing';
import { type ClientSession, type Collection, type Db } from 'mongodb';
import { fromStored, type StoredPosition, toStored } from './position';

export const CHECKPOINTS = 'projection_checkpoints';

/** A shadow rebuild that finished and is being swapped in; kept so a crash mid-swap can be completed. */
export interface PendingSwap {
  version: number;
  position: StoredPosition | null;
  processed: number;
  /** shadow collection -> live collection */
  renames: Record<string, string>;
}

export interface CheckpointDoc {
  _id: string;
  projection: string;
  version: number;
  position: StoredPosition | null;
  processed: number;
  updatedAt: Date;
  pendingSwap?: PendingSwap;
}

export interface Checkpoint {
  id: string;
  version: number;
  position: LogPosition | null;
  processed: number;
  updatedAt: Date;
  pendingSwap?: PendingSwap;
}

/** Checkpoint ids: the live view uses the projection name; a shadow rebuild and a verify run get their own. */
export const checkpointId = (projection: string, purpose: 'live' | 'rebuild' | 'verify' = 'live'): string =>
  purpose === 'live' ? projection : `${projection}#${purpose}`;

export class CheckpointStore {
  readonly collection: Collection<CheckpointDoc>;

  constructor(db: Db) {
    this.collection = db.collection<CheckpointDoc>(CHECKPOINTS);
  }

  async get(id: string, session?: ClientSession): Promise<Checkpoint | null> {
    const doc = await this.collection.findOne({ _id: id }, { session });
    return doc ? toCheckpoint(doc) : null;
  }

  async list(): Promise<Checkpoint[]> {
    return (await this.collection.find({}).toArray()).map(toCheckpoint);
  }

  /** Moves the checkpoint forward (never back) and counts the events applied since the last save. */
  async advance(
    id: string,
    projection: string,
    version: number,
    position: LogPosition,
    applied: number,
    session?: ClientSession,
  ): Promise<void> {
    await this.collection.updateOne(
      { _id: id },
      {
        $set: { projection, version, position: toStored(position), updatedAt: new Date() },
        $inc: { processed: applied },
      },
      { upsert: true, session },
    );
  }

  async reset(id: string, projection: string, version: number, session?: ClientSession): Promise<void> {
    await this.collection.replaceOne(
      { _id: id },
      { projection, version, position: null, processed: 0, updatedAt: new Date() },
      { upsert: true, session },
    );
  }

  async setPendingSwap(id: string, swap: PendingSwap): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { pendingSwap: swap } });
  }

  /** The swap's renames are done: the live checkpoint takes over the shadow's position and version. */
  async completeSwap(id: string, projection: string, swap: PendingSwap): Promise<void> {
    await this.collection.replaceOne(
      { _id: id },
      {
        projection,
        version: swap.version,
        position: swap.position,
        processed: swap.processed,
        updatedAt: new Date(),
      },
      { upsert: true },
    );
  }

  async remove(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }
}

const toCheckpoint = (doc: CheckpointDoc): Checkpoint => ({
  id: doc._id,
  version: doc.version,
  position: doc.position ? fromStored(doc.position) : null,
  processed: doc.processed,
  updatedAt: doc.updatedAt,
  ...(doc.pendingSwap ? { pendingSwap: doc.pendingSwap } : {}),
});

import { type DomainEvent, type StoredEvent } from './event';

/**
 * A read model as pure data transformation: which events it needs and, for each, the document writes it
 * causes. Handlers do no I/O and read nothing; the projection runner applies their writes in batches, in one
 * transaction with the checkpoint, which is what makes `$inc` and `$push` safe (exactly-once effects).
 *
 * The write shapes follow MongoDB's bulkWrite operations, declared here so that domain libs can define
 * projections without depending on the driver.
 */
export interface ProjectionDefinition<E extends DomainEvent = DomainEvent> {
  /** Stable name: the checkpoint key. Lowercase letters, digits and dashes. */
  readonly name: string;
  /** Bump when the handlers or document shape change: the runner then rebuilds into a shadow and swaps. */
  readonly version: number;
  /** Event types to subscribe to (a server-side filter on $all). */
  readonly eventTypes: readonly E['type'][];
  /** Logical collection names the handlers write to, with the indexes their queries need. */
  readonly collections: Readonly<Record<string, CollectionSpec>>;
  handle(event: StoredEvent<E>): readonly ProjectionWrite[];
  /**
   * What live subscribers (libs/live) are told an applied event changed; nothing when absent. Pure, like
   * `handle`: the engine announces these only after the event's writes and checkpoint have committed.
   */
  changes?(event: StoredEvent<E>): readonly ViewChange[];
  /**
   * Where a change of `topic` without `ownerId` finds its owner: `field` of the document `_id: change.id`
   * in the logical `collection`, read after the commit (events that do not name the customer, e.g. payments).
   */
  readonly owners?: { readonly topic: string; readonly collection: string; readonly field: string };
}

/** Something a live subscriber can follow (an order, a product's stock, a report) that an event changed. */
export interface ViewChange {
  /** What kind of thing changed, e.g. `order`, `product`, `stock`, `report`, `report-ready`. */
  readonly topic: string;
  readonly id: string;
  /** The customer it belongs to, when it has one: subscribers are filtered by it. */
  readonly ownerId?: string;
}

export interface CollectionSpec {
  readonly indexes: readonly IndexSpec[];
}

export interface IndexSpec {
  readonly key: Readonly<Record<string, 1 | -1 | 'text'>>;
  readonly name?: string;
  readonly unique?: boolean;
  readonly sparse?: boolean;
  readonly partialFilterExpression?: Readonly<Record<string, unknown>>;
  /** Text indexes: relative weight of each field in the relevance score (MongoDB's default is 1). */
  readonly weights?: Readonly<Record<string, number>>;
  /** Text indexes: the language for stemming and stop words (MongoDB's default is english). */
  readonly default_language?: string;
}

export type Doc = Readonly<Record<string, unknown>>;

/** One document write into one of the projection's logical collections. */
export type ProjectionWrite =
  | { readonly collection: string; readonly updateOne: UpdateSpec }
  | { readonly collection: string; readonly updateMany: UpdateSpec }
  | { readonly collection: string; readonly replaceOne: { filter: Doc; replacement: Doc; upsert?: boolean } }
  | { readonly collection: string; readonly deleteOne: { filter: Doc } }
  | { readonly collection: string; readonly deleteMany: { filter: Doc } };

export interface UpdateSpec {
  readonly filter: Doc;
  /** An update document (`$set`, `$inc`, `$push`, `$setOnInsert`, ...) or an aggregation pipeline. */
  readonly update: Doc | readonly Doc[];
  readonly upsert?: boolean;
  readonly arrayFilters?: readonly Doc[];
}

/** Convenience for the most common write: upsert one document by its id. */
export const upsertById = (collection: string, id: string, update: Doc): ProjectionWrite => ({
  collection,
  updateOne: { filter: { _id: id }, update, upsert: true },
});

import {
  type ProjectionDefinition,
  type StoredEvent,
  upsertById,
  type ViewChange,
} from '@shop/event-sourcing';
import { PRODUCT_EVENT_TYPES, type ProductEvent } from './product.events';

export const PRODUCTS_COLLECTION = 'products';

/** A document of the `products` read model, as query handlers read it. */
export interface ProductView {
  readonly _id: string;
  readonly sku: string;
  readonly name: string;
  /** `name` lowercased: case-insensitive prefix search as an anchored range on an index. */
  readonly nameLower: string;
  readonly priceCents: number;
  readonly currency: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  readonly registeredAt: Date;
  readonly updatedAt: Date;
  /** Stream revision of the last applied event: the product's ETag on reads. */
  readonly revision: number;
}

const touched = (stored: StoredEvent) => ({
  updatedAt: new Date(stored.metadata.occurredAt),
  revision: Number(stored.revision),
});

const handle = (stored: StoredEvent<ProductEvent>) => {
  const { event } = stored;
  const id = event.data.productId;
  switch (event.type) {
    case 'ProductRegistered': {
      const { sku, name, priceCents, currency } = event.data;
      return [
        upsertById(PRODUCTS_COLLECTION, id, {
          $set: {
            sku,
            name,
            nameLower: name.toLowerCase(),
            priceCents,
            currency,
            registeredAt: new Date(stored.metadata.occurredAt),
            ...touched(stored),
          },
          $setOnInsert: { onHand: 0, reserved: 0, available: 0 },
        }),
      ];
    }
    case 'ProductPriceChanged':
      return [
        upsertById(PRODUCTS_COLLECTION, id, {
          $set: { priceCents: event.data.priceCents, ...touched(stored) },
        }),
      ];
    case 'StockReceived': {
      const q = event.data.quantity;
      return [
        upsertById(PRODUCTS_COLLECTION, id, { $inc: { onHand: q, available: q }, $set: touched(stored) }),
      ];
    }
    case 'StockReserved': {
      const q = event.data.quantity;
      return [
        upsertById(PRODUCTS_COLLECTION, id, { $inc: { reserved: q, available: -q }, $set: touched(stored) }),
      ];
    }
    case 'StockReservationReleased': {
      const q = event.data.quantity;
      return [
        upsertById(PRODUCTS_COLLECTION, id, { $inc: { reserved: -q, available: q }, $set: touched(stored) }),
      ];
    }
    case 'StockReservationCommitted': {
      const q = event.data.quantity;
      return [
        upsertById(PRODUCTS_COLLECTION, id, { $inc: { onHand: -q, reserved: -q }, $set: touched(stored) }),
      ];
    }
  }
};

/** Live topics (libs/live): any change of a product, and changes of its stock levels (stockChanged). */
export const PRODUCT_TOPIC = 'product';
export const STOCK_TOPIC = 'stock';

const changes = ({ event }: StoredEvent<ProductEvent>): readonly ViewChange[] => {
  const id = event.data.productId;
  const stock = event.type !== 'ProductRegistered' && event.type !== 'ProductPriceChanged';
  return stock
    ? [
        { topic: PRODUCT_TOPIC, id },
        { topic: STOCK_TOPIC, id },
      ]
    : [{ topic: PRODUCT_TOPIC, id }];
};

/**
 * `products`: the catalog with stock levels, for `GET /products` and `GET /products/:id`.
 * List queries sort by name, price or registration time and paginate with a cursor of (sort key, _id),
 * so every sort index ends with `_id` as the tie-breaker. Price range filters use the price index; search
 * (`q`) is `$text` on the `search` text index (name and SKU, English stemming, name weighted higher), and a
 * name prefix is an anchored range on `nameLower` (`{ $gte: p, $lt: p + '\uffff' }`).
 * `$inc` is safe because the runner applies each event exactly once, in order, with its checkpoint.
 */
export const productsProjection: ProjectionDefinition<ProductEvent> = {
  name: 'products',
  version: 1,
  eventTypes: PRODUCT_EVENT_TYPES,
  collections: {
    [PRODUCTS_COLLECTION]: {
      indexes: [
        { key: { sku: 1 }, name: 'sku_unique', unique: true },
        { key: { nameLower: 1, _id: 1 }, name: 'name_cursor' },
        { key: { priceCents: 1, _id: 1 }, name: 'price_cursor' },
        { key: { registeredAt: -1, _id: -1 }, name: 'newest_cursor' },
        {
          key: { name: 'text', sku: 'text' },
          name: 'search',
          weights: { name: 10, sku: 2 },
          default_language: 'english',
        },
      ],
    },
  },
  handle,
  changes,
};

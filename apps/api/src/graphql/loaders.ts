import { type QueryBus } from '@nestjs/cqrs';
import DataLoader from 'dataloader';
import { NotFoundError } from '@shop/event-sourcing';
import { type InspectionService } from '@shop/inspection';
import { orderStreamName } from '@shop/ordering';
import { type EventType } from './types/operator.type';
import { GetProductsQuery } from '../products/get-products/get-products.query';
import { type ProductType, toProduct } from './types/product.type';

/** Per-request batching: every `product` a response asks for is read in one query, each id once. */
export interface Loaders {
  product: DataLoader<string, ProductType | null>;
  /** An order's events (its stream, oldest first, at most 100): each stream read once per request. */
  orderEvents: DataLoader<string, EventType[]>;
}

export function createLoaders(queries: QueryBus, inspection: InspectionService): Loaders {
  return {
    orderEvents: new DataLoader<string, EventType[]>((orderIds) =>
      Promise.all(
        orderIds.map(async (orderId) => {
          const page = await inspection
            .readStream(orderStreamName(orderId), { limit: 100, backwards: false })
            .catch((error: unknown) => {
              if (error instanceof NotFoundError) return { events: [] };
              throw error;
            });
          return page.events;
        }),
      ),
    ),
    product: new DataLoader<string, ProductType | null>(
      async (ids) => {
        const views = await queries.execute(new GetProductsQuery(ids));
        const byId = new Map(views.map((view) => [view._id, toProduct(view)]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      // A page of 50 orders has at most 50 x 50 lines; one read of every distinct product of the page.
      { maxBatchSize: 1_000 },
    ),
  };
}

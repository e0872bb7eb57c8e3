import { type QueryBus } from '@nestjs/cqrs';
import DataLoader from 'dataloader';
import { GetProductsQuery } from '../products/get-products/get-products.query';
import { type ProductType, toProduct } from './types/product.type';

/** Per-request batching: every `product` a response asks for is read in one query, each id once. */
export interface Loaders {
  product: DataLoader<string, ProductType | null>;
}

export function createLoaders(queries: QueryBus): Loaders {
  return {
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

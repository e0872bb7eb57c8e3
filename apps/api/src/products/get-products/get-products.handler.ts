import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PRODUCTS_COLLECTION, type ProductView } from '@shop/inventory';
import { MONGO_DB } from '@shop/mongo';
import { type Db } from 'mongodb';
import { GetProductsQuery } from './get-products.query';

/** One `find` with `$in` on the primary key index, however many ids (the GraphQL product loader's batch). */
@QueryHandler(GetProductsQuery)
export class GetProductsHandler implements IQueryHandler<GetProductsQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  execute({ productIds }: GetProductsQuery): Promise<ProductView[]> {
    if (productIds.length === 0) return Promise.resolve([]);
    return this.db
      .collection<ProductView>(PRODUCTS_COLLECTION)
      .find({ _id: { $in: [...productIds] } }, { batchSize: productIds.length + 1 })
      .toArray();
  }
}

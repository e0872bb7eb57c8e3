import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PRODUCTS_COLLECTION, type ProductView } from '@shop/inventory';
import { MONGO_DB } from '@shop/mongo';
import { type Db } from 'mongodb';
import { GetProductQuery } from './get-product.query';

@QueryHandler(GetProductQuery)
export class GetProductHandler implements IQueryHandler<GetProductQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  // By _id: served by the primary key index.
  execute({ productId }: GetProductQuery): Promise<ProductView | null> {
    return this.db.collection<ProductView>(PRODUCTS_COLLECTION).findOne({ _id: productId });
  }
}

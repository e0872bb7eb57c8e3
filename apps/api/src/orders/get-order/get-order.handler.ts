import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MONGO_DB } from '@shop/mongo';
import { ORDERS_COLLECTION, type OrderView } from '@shop/ordering';
import { type Db } from 'mongodb';
import { GetOrderQuery } from './get-order.query';

@QueryHandler(GetOrderQuery)
export class GetOrderHandler implements IQueryHandler<GetOrderQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  execute({ orderId }: GetOrderQuery): Promise<OrderView | null> {
    return this.db.collection<OrderView>(ORDERS_COLLECTION).findOne({ _id: orderId });
  }
}

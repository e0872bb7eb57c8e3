import { Query } from '@nestjs/cqrs';
import { type OrderView } from '@shop/ordering';

export class GetOrderQuery extends Query<OrderView | null> {
  constructor(readonly orderId: string) {
    super();
  }
}

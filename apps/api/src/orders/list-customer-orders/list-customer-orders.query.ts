import { Query } from '@nestjs/cqrs';
import { type OrderView } from '@shop/ordering';

export interface OrderPage {
  items: OrderView[];
  nextCursor: string | null;
}

export class ListCustomerOrdersQuery extends Query<OrderPage> {
  constructor(
    readonly customerId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}

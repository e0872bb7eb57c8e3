import { Query } from '@nestjs/cqrs';
import { type ProductView } from '@shop/inventory';

/** Several products by id in one read (the ones found; order not guaranteed). */
export class GetProductsQuery extends Query<ProductView[]> {
  constructor(readonly productIds: readonly string[]) {
    super();
  }
}

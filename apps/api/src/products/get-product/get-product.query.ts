import { Query } from '@nestjs/cqrs';
import { type ProductView } from '@shop/inventory';

export class GetProductQuery extends Query<ProductView | null> {
  constructor(readonly productId: string) {
    super();
  }
}

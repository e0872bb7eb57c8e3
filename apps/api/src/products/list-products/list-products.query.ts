import { Query } from '@nestjs/cqrs';
import { type ProductView } from '@shop/inventory';
import { type ProductSort } from './list-products.dto';

export interface ProductPage {
  items: ProductView[];
  nextCursor: string | null;
}

export interface ProductFilter {
  /** Full-text search (`$text`) on the products text index. */
  search?: string;
  namePrefix?: string;
  minPriceCents?: number;
  maxPriceCents?: number;
}

export class ListProductsQuery extends Query<ProductPage> {
  constructor(
    readonly filter: ProductFilter,
    readonly sort: ProductSort,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}

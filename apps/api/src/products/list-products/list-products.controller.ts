import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { productsProjection } from '@shop/inventory';
import { ReadConsistency } from '../../http/read-consistency';
import { ProductResponse, toProductResponse } from '../product.response';
import { ListProductsRequest } from './list-products.dto';
import { ListProductsQuery } from './list-products.query';

class ProductPageResponse {
  @ApiProperty({ type: [ProductResponse] }) items!: ProductResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

@ApiTags('products')
@Controller('products')
export class ListProductsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List or search products (full-text q, name prefix, price range, sort, cursor)' })
  @ApiOkResponse({ type: ProductPageResponse })
  async list(@Query() request: ListProductsRequest): Promise<ProductPageResponse> {
    await this.consistency.atLeast(productsProjection.name, request.position);
    const page = await this.queries.execute(
      new ListProductsQuery(
        {
          ...(request.q ? { search: request.q } : {}),
          ...(request.namePrefix ? { namePrefix: request.namePrefix } : {}),
          ...(request.minPriceCents !== undefined ? { minPriceCents: request.minPriceCents } : {}),
          ...(request.maxPriceCents !== undefined ? { maxPriceCents: request.maxPriceCents } : {}),
        },
        request.sort ?? (request.q ? 'relevance' : 'name'),
        request.limit ?? 20,
        request.cursor,
      ),
    );
    return { items: page.items.map(toProductResponse), nextCursor: page.nextCursor };
  }
}

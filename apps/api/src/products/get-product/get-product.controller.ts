import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@shop/event-sourcing';
import { productsProjection } from '@shop/inventory';
import { type FastifyReply } from 'fastify';
import { ConsistentReadQuery } from '../../http/consistent-read.query';
import { ReadConsistency } from '../../http/read-consistency';
import { ProductResponse, toProductResponse } from '../product.response';
import { GetProductQuery } from './get-product.query';

@ApiTags('products')
@Controller('products')
export class GetProductController {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'Get a product with its stock levels' })
  @ApiOkResponse({ type: ProductResponse })
  @ApiNotFoundResponse()
  async get(
    @Param('id', new ParseUUIDPipe()) productId: string,
    @Query() query: ConsistentReadQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProductResponse> {
    await this.consistency.atLeast(productsProjection.name, query.position);
    const view = await this.queries.execute(new GetProductQuery(productId));
    if (!view)
      throw new NotFoundError('product_not_found', `Product ${productId} does not exist`, { productId });
    void reply.header('ETag', `"${view.revision}"`);
    return toProductResponse(view);
  }
}

import { Controller, ForbiddenException, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, SUBJECT_MAX_LENGTH } from '@shop/auth';
import { ordersProjection } from '@shop/ordering';
import { ParseCustomerIdPipe } from '../../http/customer-id.pipe';
import { ReadConsistency } from '../../http/read-consistency';
import { canSeeCustomer } from '../get-order/get-order.controller';
import { OrderResponse, toOrderResponse } from '../order.response';
import { ListCustomerOrdersRequest } from './list-customer-orders.dto';
import { ListCustomerOrdersQuery } from './list-customer-orders.query';

class OrderPageResponse {
  @ApiProperty({ type: [OrderResponse] }) items!: OrderResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

@ApiTags('orders')
@Controller('customers')
export class ListCustomerOrdersController {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  @Get(':id/orders')
  @ApiOperation({ summary: "List a customer's orders, newest first" })
  @ApiParam({
    name: 'id',
    description: "The customer's token subject (any provider's format, e.g. auth0|5f7c...; percent-encoded)",
    schema: { type: 'string', minLength: 1, maxLength: SUBJECT_MAX_LENGTH },
  })
  @ApiOkResponse({ type: OrderPageResponse })
  async list(
    @Param('id', ParseCustomerIdPipe) customerId: string,
    @Query() request: ListCustomerOrdersRequest,
    @CurrentUser() user: AuthUser,
  ): Promise<OrderPageResponse> {
    if (!canSeeCustomer(user, customerId))
      throw new ForbiddenException('Customers see only their own orders');
    await this.consistency.atLeast(ordersProjection.name, request.position);
    const page = await this.queries.execute(
      new ListCustomerOrdersQuery(customerId, request.limit ?? 20, request.cursor),
    );
    return { items: page.items.map(toOrderResponse), nextCursor: page.nextCursor };
  }
}

import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '@shop/auth';
import { NotFoundError } from '@shop/event-sourcing';
import { ordersProjection } from '@shop/ordering';
import { type FastifyReply } from 'fastify';
import { ConsistentReadQuery } from '../../http/consistent-read.query';
import { ReadConsistency } from '../../http/read-consistency';
import { OrderResponse, toOrderResponse } from '../order.response';
import { GetOrderQuery } from './get-order.query';

@ApiTags('orders')
@Controller('orders')
export class GetOrderController {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  /** Status, lines, payment and the history of status changes. Customers see only their own orders. */
  @Get(':id')
  @ApiOperation({ summary: 'Get an order with its status history' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiNotFoundResponse()
  async get(
    @Param('id', new ParseUUIDPipe()) orderId: string,
    @Query() query: ConsistentReadQuery,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResponse> {
    await this.consistency.atLeast(ordersProjection.name, query.position);
    const view = await this.queries.execute(new GetOrderQuery(orderId));
    // Another customer's order answers exactly like a missing one: a 403 would confirm that the id exists.
    if (!view || !canSeeCustomer(user, view.customerId))
      throw new NotFoundError('order_not_found', `Order ${orderId} does not exist`, { orderId });
    void reply.header('ETag', `"${view.revision}"`);
    return toOrderResponse(view);
  }
}

/** Staff and auditors see every customer's orders; a customer only their own. */
export const canSeeCustomer = (user: AuthUser, customerId: string): boolean =>
  user.roles.some((role) => role !== 'customer') || user.sub === customerId;

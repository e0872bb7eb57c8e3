import { Body, Controller, ForbiddenException, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@shop/auth';
import { type MessageContext, ValidationError } from '@shop/event-sourcing';
import { RequestContext } from '@shop/http';
import { type FastifyReply } from 'fastify';
import { creationId } from '../../http/command-headers';
import { CommandAccepted, commandAccepted } from '../../http/command-reply';
import { ApiIdempotencyKey, type CommandIdempotency, Idempotency } from '../../http/idempotency';
import { PlaceOrderCommand } from './place-order.command';
import { PlaceOrderRequest } from './place-order.dto';

@ApiTags('orders')
@Controller('orders')
export class PlaceOrderController {
  constructor(private readonly commands: CommandBus) {}

  /** Places the order; checkout (stock reservation, payment, confirmation) then runs asynchronously. */
  @Post()
  @ApiOperation({ summary: 'Place an order (checkout then runs asynchronously)' })
  @HttpCode(201)
  @Roles('customer', 'clerk', 'admin')
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: CommandAccepted })
  async place(
    @Body() body: PlaceOrderRequest,
    @Idempotency() idempotency: CommandIdempotency | undefined,
    @CurrentUser() user: AuthUser,
    @RequestContext() context: MessageContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAccepted> {
    const ordersForOthers = user.roles.some((role) => role === 'clerk' || role === 'admin');
    // A customer orders for themselves; naming someone else is refused, never silently re-owned.
    if (!ordersForOthers && body.customerId !== undefined && body.customerId !== user.sub) {
      throw new ForbiddenException('Customers place orders only for themselves');
    }
    const self = user.roles.includes('customer') ? user.sub : undefined;
    const customerId = ordersForOthers ? (body.customerId ?? self) : user.sub;
    if (!customerId) {
      throw new ValidationError(
        'customer_required',
        'customerId is required when ordering on behalf of a customer',
      );
    }
    const orderId = creationId('order', user.sub, idempotency?.clientKey);
    const outcome = await this.commands.execute(
      new PlaceOrderCommand(orderId, customerId, body.lines, context, idempotency),
    );
    return commandAccepted(reply, outcome, `/v1/orders/${orderId}`);
  }
}

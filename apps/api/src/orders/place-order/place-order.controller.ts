import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@shop/auth';
import { type MessageContext, ValidationError } from '@shop/event-sourcing';
import { RequestContext } from '@shop/http';
import { type FastifyReply } from 'fastify';
import { creationId, parseIdempotencyKey } from '../../http/command-headers';
import { CommandAccepted, commandAccepted } from '../../http/command-reply';
import { PlaceOrderCommand } from './place-order.command';
import { PlaceOrderRequest } from './place-order.dto';

@ApiTags('orders')
@Controller('orders')
export class PlaceOrderController {
  constructor(private readonly commands: CommandBus) {}

  /** Places the order; checkout (stock reservation, payment, confirmation) then runs asynchronously. */
  @Post()
  @HttpCode(201)
  @Roles('customer', 'clerk', 'admin')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes a retry return the original order',
  })
  @ApiCreatedResponse({ type: CommandAccepted })
  async place(
    @Body() body: PlaceOrderRequest,
    @Headers('idempotency-key') idempotencyHeader: string | undefined,
    @CurrentUser() user: AuthUser,
    @RequestContext() context: MessageContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAccepted> {
    const customerId = user.roles.includes('customer') ? user.sub : body.customerId;
    if (!customerId) {
      throw new ValidationError(
        'customer_required',
        'customerId is required when ordering on behalf of a customer',
      );
    }
    const idempotencyKey = parseIdempotencyKey(idempotencyHeader);
    const orderId = creationId('order', user.sub, idempotencyKey);
    const outcome = await this.commands.execute(
      new PlaceOrderCommand(orderId, customerId, body.lines, context, idempotencyKey),
    );
    return commandAccepted(reply, outcome, `/v1/orders/${orderId}`);
  }
}

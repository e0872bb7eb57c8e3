import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@shop/auth';
import { type MessageContext } from '@shop/event-sourcing';
import { RequestContext } from '@shop/http';
import { type FastifyReply } from 'fastify';
import { parseIfMatch } from '../http/command-headers';
import { CommandAccepted, commandAccepted } from '../http/command-reply';
import { ApiIdempotencyKey, type CommandIdempotency, Idempotency } from '../http/idempotency';
import { CancelOrderCommand } from './cancel-order/cancel-order.command';
import { CancelOrderRequest } from './cancel-order/cancel-order.dto';
import { type OrderCommandOptions } from './order-command';
import { ShipOrderCommand } from './ship-order/ship-order.command';

/** Transitions of an existing order. Both accept If-Match (412 on mismatch) and Idempotency-Key. */
@ApiTags('orders')
@Controller('orders')
@ApiHeader({ name: 'If-Match', required: false, description: 'Apply only at this revision (412 otherwise)' })
@ApiIdempotencyKey()
export class OrderCommandsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/cancel')
  @ApiOperation({ summary: 'Cancel an order' })
  @HttpCode(200)
  @Roles('customer', 'clerk', 'admin')
  @ApiOkResponse({ type: CommandAccepted })
  async cancel(
    @Param('id', new ParseUUIDPipe()) orderId: string,
    @Body() body: CancelOrderRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Idempotency() idempotency: CommandIdempotency | undefined,
    @CurrentUser() user: AuthUser,
    @RequestContext() context: MessageContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAccepted> {
    const options = commandOptions(ifMatch, idempotency, user, context);
    return commandAccepted(
      reply,
      await this.commands.execute(new CancelOrderCommand(orderId, body.reason, options)),
    );
  }

  @Post(':id/ship')
  @ApiOperation({ summary: 'Mark an order shipped' })
  @HttpCode(200)
  @Roles('clerk', 'admin')
  @ApiOkResponse({ type: CommandAccepted })
  async ship(
    @Param('id', new ParseUUIDPipe()) orderId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Idempotency() idempotency: CommandIdempotency | undefined,
    @CurrentUser() user: AuthUser,
    @RequestContext() context: MessageContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAccepted> {
    const options = commandOptions(ifMatch, idempotency, user, context);
    return commandAccepted(reply, await this.commands.execute(new ShipOrderCommand(orderId, options)));
  }
}

const commandOptions = (
  ifMatch: string | undefined,
  idempotency: CommandIdempotency | undefined,
  user: AuthUser,
  context: MessageContext,
): OrderCommandOptions => ({
  context,
  idempotency,
  expectedRevision: parseIfMatch(ifMatch),
  onlyForCustomer: isStaff(user) ? undefined : user.sub,
});

const isStaff = (user: AuthUser): boolean => user.roles.some((role) => role === 'clerk' || role === 'admin');

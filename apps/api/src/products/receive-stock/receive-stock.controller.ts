import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shop/auth';
import { type MessageContext } from '@shop/event-sourcing';
import { RequestContext } from '@shop/http';
import { type FastifyReply } from 'fastify';
import { parseIfMatch } from '../../http/command-headers';
import { CommandAccepted, commandAccepted } from '../../http/command-reply';
import { ApiIdempotencyKey, type CommandIdempotency, Idempotency } from '../../http/idempotency';
import { ReceiveStockCommand } from './receive-stock.command';
import { ReceiveStockRequest } from './receive-stock.dto';

@ApiTags('products')
@Controller('products')
export class ReceiveStockController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/stock')
  @ApiOperation({ summary: 'Receive stock for a product' })
  @HttpCode(200)
  @Roles('clerk', 'admin')
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'Apply only at this revision (412 otherwise)',
  })
  @ApiIdempotencyKey()
  @ApiOkResponse({ type: CommandAccepted })
  async receive(
    @Param('id', new ParseUUIDPipe()) productId: string,
    @Body() body: ReceiveStockRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Idempotency() idempotency: CommandIdempotency | undefined,
    @RequestContext() context: MessageContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAccepted> {
    const outcome = await this.commands.execute(
      new ReceiveStockCommand(productId, body.quantity, context, idempotency, parseIfMatch(ifMatch)),
    );
    return commandAccepted(reply, outcome);
  }
}

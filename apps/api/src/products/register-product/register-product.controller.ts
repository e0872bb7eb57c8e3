import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '@shop/auth';
import { type MessageContext } from '@shop/event-sourcing';
import { RequestContext } from '@shop/http';
import { type FastifyReply } from 'fastify';
import { productIdForSku } from '@shop/inventory';
import { CommandAccepted, commandAccepted } from '../../http/command-reply';
import { ApiIdempotencyKey, type CommandIdempotency, Idempotency } from '../../http/idempotency';
import { RegisterProductCommand } from './register-product.command';
import { RegisterProductRequest } from './register-product.dto';

@ApiTags('products')
@Controller('products')
export class RegisterProductController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiOperation({ summary: 'Register a product (one per SKU)' })
  @HttpCode(201)
  @Roles('clerk', 'admin')
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: CommandAccepted })
  @ApiOkResponse({ type: CommandAccepted, description: 'The SKU was already registered with these details' })
  @ApiConflictResponse({ description: 'The SKU is already registered with other details' })
  async register(
    @Body() body: RegisterProductRequest,
    @Idempotency() idempotency: CommandIdempotency | undefined,
    @RequestContext() context: MessageContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAccepted> {
    // One product per SKU, enforced on the write side: the SKU determines the stream.
    const productId = productIdForSku(body.sku);
    const outcome = await this.commands.execute(
      new RegisterProductCommand(productId, body.sku, body.name, body.priceCents, context, idempotency),
    );
    // Registering the same product again creates nothing: 200, not 201.
    if (outcome.unchanged) void reply.status(200);
    return commandAccepted(reply, outcome, `/v1/products/${productId}`);
  }
}

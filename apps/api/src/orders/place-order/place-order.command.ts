import { Command } from '@nestjs/cqrs';
import { type MessageContext } from '@shop/event-sourcing';
import { type CommandIdempotency } from '../../http/idempotency';
import { type CommandOutcome } from '../../http/command-reply';

export class PlaceOrderCommand extends Command<CommandOutcome> {
  constructor(
    readonly orderId: string,
    readonly customerId: string,
    readonly lines: readonly { productId: string; quantity: number }[],
    readonly context: MessageContext,
    readonly idempotency: CommandIdempotency | undefined,
  ) {
    super();
  }
}

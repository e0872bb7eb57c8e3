import { Command } from '@nestjs/cqrs';
import { type MessageContext } from '@shop/event-sourcing';
import { type CommandIdempotency } from '../../http/idempotency';
import { type CommandOutcome } from '../../http/command-reply';

export class RegisterProductCommand extends Command<CommandOutcome> {
  constructor(
    readonly productId: string,
    readonly sku: string,
    readonly name: string,
    readonly priceCents: number,
    readonly context: MessageContext,
    readonly idempotency: CommandIdempotency | undefined,
  ) {
    super();
  }
}

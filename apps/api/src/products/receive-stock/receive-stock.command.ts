import { Command } from '@nestjs/cqrs';
import { type MessageContext } from '@shop/event-sourcing';
import { type CommandIdempotency } from '../../http/idempotency';
import { type CommandOutcome } from '../../http/command-reply';

export class ReceiveStockCommand extends Command<CommandOutcome> {
  constructor(
    readonly productId: string,
    readonly quantity: number,
    readonly context: MessageContext,
    readonly idempotency: CommandIdempotency | undefined,
    readonly expectedRevision: bigint | undefined,
  ) {
    super();
  }
}

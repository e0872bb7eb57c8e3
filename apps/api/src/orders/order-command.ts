import { Command } from '@nestjs/cqrs';
import { type MessageContext } from '@shop/event-sourcing';
import { type CommandOutcome } from '../http/command-reply';
import { type CommandIdempotency } from '../http/idempotency';

/** What every command on an existing order carries besides its own data. */
export interface OrderCommandOptions {
  readonly context: MessageContext;
  readonly idempotency: CommandIdempotency | undefined;
  readonly expectedRevision: bigint | undefined;
  /** Set when a customer sends the command: it may only touch that customer's own orders. */
  readonly onlyForCustomer: string | undefined;
}

export abstract class OrderCommand extends Command<CommandOutcome> {
  constructor(
    readonly orderId: string,
    readonly options: OrderCommandOptions,
  ) {
    super();
  }
}

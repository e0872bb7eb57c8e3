import { Command } from '@nestjs/cqrs';
import { type MessageContext } from '@shop/event-sourcing';
import { type CommandIdempotency } from '../http/idempotency';
import { type CommandOutcome } from '../http/command-reply';

export class RequestSalesReportCommand extends Command<CommandOutcome> {
  constructor(
    readonly reportId: string,
    readonly from: string,
    readonly to: string,
    readonly context: MessageContext,
    readonly idempotency: CommandIdempotency | undefined,
  ) {
    super();
  }
}

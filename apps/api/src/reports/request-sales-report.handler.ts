import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '@shop/eventstore';
import { reportDecider, reportStreamName, requestSalesReport } from '@shop/reporting';
import { type CommandOutcome, commandOutcome } from '../http/command-reply';
import { idempotencyMetadata } from '../http/idempotency';
import { RequestSalesReportCommand } from './request-sales-report.command';

@CommandHandler(RequestSalesReportCommand)
export class RequestSalesReportHandler implements ICommandHandler<RequestSalesReportCommand> {
  constructor(private readonly store: AggregateStore) {}

  async execute({
    reportId,
    from,
    to,
    context,
    idempotency,
  }: RequestSalesReportCommand): Promise<CommandOutcome> {
    const result = await this.store.handle(
      reportDecider,
      reportStreamName(reportId),
      requestSalesReport({ reportId, from, to }, { now: new Date(), ...idempotencyMetadata(idempotency) }),
      { context, expectNew: idempotency === undefined },
    );
    return commandOutcome(reportId, result);
  }
}

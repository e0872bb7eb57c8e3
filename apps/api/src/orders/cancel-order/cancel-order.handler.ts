import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '@shop/eventstore';
import { cancelOrder, orderDecider, orderStreamName } from '@shop/ordering';
import { type CommandOutcome, commandOutcome } from '../../http/command-reply';
import { idempotencyMetadata } from '../../http/idempotency';
import { assertOrderAccess } from '../order-access';
import { CancelOrderCommand } from './cancel-order.command';

@CommandHandler(CancelOrderCommand)
export class CancelOrderHandler implements ICommandHandler<CancelOrderCommand> {
  constructor(private readonly store: AggregateStore) {}

  async execute({ orderId, reason, options }: CancelOrderCommand): Promise<CommandOutcome> {
    await assertOrderAccess(this.store, orderId, options.onlyForCustomer);
    const { idempotency, expectedRevision, context } = options;
    const result = await this.store.handle(
      orderDecider,
      orderStreamName(orderId),
      cancelOrder({ orderId, reason }, { now: new Date(), ...idempotencyMetadata(idempotency) }),
      { context, ...(expectedRevision !== undefined ? { expectedRevision } : {}) },
    );
    return commandOutcome(orderId, result);
  }
}

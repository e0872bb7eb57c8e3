import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '@shop/eventstore';
import { markShipped, orderDecider, orderStreamName } from '@shop/ordering';
import { type CommandOutcome, commandOutcome } from '../../http/command-reply';
import { idempotencyMetadata } from '../../http/idempotency';
import { ShipOrderCommand } from './ship-order.command';

/** Marks the order shipped; the checkout process then commits the stock reservations. */
@CommandHandler(ShipOrderCommand)
export class ShipOrderHandler implements ICommandHandler<ShipOrderCommand> {
  constructor(private readonly store: AggregateStore) {}

  async execute({ orderId, options }: ShipOrderCommand): Promise<CommandOutcome> {
    const { idempotency, expectedRevision, context } = options;
    const result = await this.store.handle(
      orderDecider,
      orderStreamName(orderId),
      markShipped({ orderId }, { now: new Date(), ...idempotencyMetadata(idempotency) }),
      { context, ...(expectedRevision !== undefined ? { expectedRevision } : {}) },
    );
    return commandOutcome(orderId, result);
  }
}

import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '@shop/eventstore';
import { productDecider, productStreamName, receiveStock } from '@shop/inventory';
import { commandOutcome } from '../../http/command-reply';
import { idempotencyMetadata } from '../../http/idempotency';
import { ReceiveStockCommand } from './receive-stock.command';

@CommandHandler(ReceiveStockCommand)
export class ReceiveStockHandler implements ICommandHandler<ReceiveStockCommand> {
  constructor(private readonly store: AggregateStore) {}

  async execute({ productId, quantity, context, idempotency, expectedRevision }: ReceiveStockCommand) {
    const result = await this.store.handle(
      productDecider,
      productStreamName(productId),
      receiveStock({ productId, quantity }, { now: new Date(), ...idempotencyMetadata(idempotency) }),
      { context, ...(expectedRevision !== undefined ? { expectedRevision } : {}) },
    );
    return commandOutcome(productId, result);
  }
}

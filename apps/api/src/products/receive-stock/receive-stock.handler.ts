import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '@shop/eventstore';
import { productDecider, productStreamName, receiveStock } from '@shop/inventory';
import { type CommandOutcome } from '../../http/command-reply';
import { ReceiveStockCommand } from './receive-stock.command';

@CommandHandler(ReceiveStockCommand)
export class ReceiveStockHandler implements ICommandHandler<ReceiveStockCommand> {
  constructor(private readonly store: AggregateStore) {}

  async execute({ productId, quantity, context, idempotencyKey, expectedRevision }: ReceiveStockCommand) {
    const result = await this.store.handle(
      productDecider,
      productStreamName(productId),
      receiveStock(
        { productId, quantity },
        { now: new Date(), ...(idempotencyKey ? { idempotencyKey } : {}) },
      ),
      { context, ...(expectedRevision !== undefined ? { expectedRevision } : {}) },
    );
    return {
      id: productId,
      revision: result.nextRevision,
      position: result.position,
    } satisfies CommandOutcome;
  }
}

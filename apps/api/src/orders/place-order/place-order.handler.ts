import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '@shop/config';
import { UnprocessableError } from '@shop/event-sourcing';
import { AggregateStore } from '@shop/eventstore';
import { productDecider, productStreamName } from '@shop/inventory';
import { orderDecider, orderStreamName, placeOrder } from '@shop/ordering';
import { type CommandOutcome, commandOutcome } from '../../http/command-reply';
import { idempotencyMetadata } from '../../http/idempotency';
import { PlaceOrderCommand } from './place-order.command';

@CommandHandler(PlaceOrderCommand)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderCommand> {
  constructor(
    private readonly store: AggregateStore,
    private readonly config: AppConfig,
  ) {}

  async execute({
    orderId,
    customerId,
    lines,
    context,
    idempotency,
  }: PlaceOrderCommand): Promise<CommandOutcome> {
    // Unit prices come from the catalog as the write side knows it (the product streams), never from the
    // client and never from a read model that may lag.
    const priced = await Promise.all(
      lines.map(async ({ productId, quantity }) => {
        const { state } = await this.store.load(productDecider, productStreamName(productId));
        if (state.status !== 'registered') {
          // The order (the resource addressed) is not what is missing: 422, not 404.
          throw new UnprocessableError('unknown_product', `Product ${productId} does not exist`, {
            productId,
          });
        }
        return { productId, quantity, unitPriceCents: state.priceCents };
      }),
    );
    const result = await this.store.handle(
      orderDecider,
      orderStreamName(orderId),
      placeOrder(
        { orderId, customerId, lines: priced, currency: this.config.currency },
        { now: new Date(), ...idempotencyMetadata(idempotency) },
      ),
      // A fresh random id (no Idempotency-Key) names a stream that cannot exist yet: no need to read it.
      { context, expectNew: idempotency === undefined },
    );
    return commandOutcome(orderId, result);
  }
}

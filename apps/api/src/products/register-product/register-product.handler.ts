import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '@shop/config';
import { AggregateStore } from '@shop/eventstore';
import { productDecider, productStreamName, registerProduct } from '@shop/inventory';
import { type CommandOutcome, commandOutcome } from '../../http/command-reply';
import { idempotencyMetadata } from '../../http/idempotency';
import { RegisterProductCommand } from './register-product.command';

@CommandHandler(RegisterProductCommand)
export class RegisterProductHandler implements ICommandHandler<RegisterProductCommand> {
  constructor(
    private readonly store: AggregateStore,
    private readonly config: AppConfig,
  ) {}

  async execute(command: RegisterProductCommand): Promise<CommandOutcome> {
    const { productId, sku, name, priceCents, context, idempotency } = command;
    const result = await this.store.handle(
      productDecider,
      productStreamName(productId),
      registerProduct(
        { productId, sku, name, priceCents, currency: this.config.currency },
        { now: new Date(), ...idempotencyMetadata(idempotency) },
      ),
      { context },
    );
    return commandOutcome(productId, result);
  }
}

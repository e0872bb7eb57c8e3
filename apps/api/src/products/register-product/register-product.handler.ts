import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '@shop/config';
import { AggregateStore } from '@shop/eventstore';
import {
  claimSku,
  productDecider,
  productStreamName,
  registerProduct,
  skuClaimDecider,
  skuClaimStreamName,
} from '@shop/inventory';
import { type CommandOutcome } from '../../http/command-reply';
import { RegisterProductCommand } from './register-product.command';

@CommandHandler(RegisterProductCommand)
export class RegisterProductHandler implements ICommandHandler<RegisterProductCommand> {
  constructor(
    private readonly store: AggregateStore,
    private readonly config: AppConfig,
  ) {}

  async execute(command: RegisterProductCommand): Promise<CommandOutcome> {
    const { productId, sku, name, priceCents, context, idempotencyKey } = command;
    const metadata = { now: new Date(), ...(idempotencyKey ? { idempotencyKey } : {}) };
    // The SKU is claimed first, so two products can never share it, even when registered concurrently.
    const claimStream = skuClaimStreamName(sku);
    const claim = await this.store.load(skuClaimDecider, claimStream);
    const claimant = claim.state.productId;
    const claimantRegistered =
      claimant !== null &&
      claimant !== productId &&
      (await this.store.load(productDecider, productStreamName(claimant))).state.status === 'registered';
    await this.store.handle(
      skuClaimDecider,
      claimStream,
      claimSku({ sku, productId, claimantRegistered }, { now: metadata.now }),
      { context, expectedRevision: claim.revision },
    );
    const result = await this.store.handle(
      productDecider,
      productStreamName(productId),
      registerProduct({ productId, sku, name, priceCents, currency: this.config.currency }, metadata),
      { context },
    );
    return { id: productId, revision: result.nextRevision, position: result.position };
  }
}

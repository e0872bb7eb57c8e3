import { Module } from '@nestjs/common';
import { checkoutsProjection } from '@shop/checkout';
import { AppConfig } from '@shop/config';
import { AggregateStore } from '@shop/eventstore';
import { productsProjection } from '@shop/inventory';
import { ordersProjection } from '@shop/ordering';
import { PAYMENT_PROVIDER, PaymentGatewayModule } from '@shop/payment-gateway';
import { type PaymentProvider } from '@shop/payments';
import { ProjectionsModule } from '@shop/projections';
import { checkoutProcessor } from './checkout.processor';
import { fulfilmentProcessor } from './fulfilment.processor';
import { paymentProcessor } from './payment.processor';

/** Every read model of the shop. */
export const SHOP_PROJECTIONS = [productsProjection, ordersProjection, checkoutsProjection];

/**
 * The shop's background work: projections into MongoDB, the checkout process manager, the payment worker
 * and fulfilment. Runs in the API process unless RUN_WORKERS=false (then apps/worker runs it); either way
 * each worker runs in exactly one process at a time, under a lease.
 */
@Module({
  imports: [
    PaymentGatewayModule,
    ProjectionsModule.forRoot({
      projections: SHOP_PROJECTIONS,
      processors: {
        inject: [AggregateStore, PAYMENT_PROVIDER],
        useFactory: (store: AggregateStore, provider: PaymentProvider) => [
          checkoutProcessor(store),
          paymentProcessor(store, provider),
          fulfilmentProcessor(store),
        ],
      },
      options: {
        inject: [AppConfig],
        useFactory: (config: AppConfig) => ({ runWorkers: config.runWorkers }),
      },
    }),
  ],
})
export class WorkersModule {}

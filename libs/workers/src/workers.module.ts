import { Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { checkoutsProjection } from '@shop/checkout';
import { AppConfig } from '@shop/config';
import { STACK, type Stack } from '@shop/embedded-stack';
import { AggregateStore } from '@shop/eventstore';
import { INTEGRATION_PROCESSORS, IntegrationModule } from '@shop/integration';
import { productsProjection } from '@shop/inventory';
import { ordersProjection } from '@shop/ordering';
import { PAYMENT_PROVIDER, PaymentGatewayModule } from '@shop/payment-gateway';
import { type PaymentProvider } from '@shop/payments';
import { MONGO_DB } from '@shop/mongo';
import { type ProcessorDefinition, ProjectionManager, ProjectionsModule } from '@shop/projections';
import { reportsProjection, salesProjection } from '@shop/reporting';
import { type Db } from 'mongodb';
import { checkoutProcessor } from './checkout.processor';
import { fulfilmentProcessor } from './fulfilment.processor';
import { paymentProcessor } from './payment.processor';
import { paymentReconciler } from './payment-reconciler.processor';
import { reportProcessor } from './report.processor';

/** Every read model of the shop. */
export const SHOP_PROJECTIONS = [
  productsProjection,
  ordersProjection,
  checkoutsProjection,
  salesProjection,
  reportsProjection,
];

/**
 * The shop's background work: projections into MongoDB, the checkout process manager, the payment worker
 * and its reconciler, fulfilment, and the integration events publisher (with AMQP_URL). Runs in the API process unless RUN_WORKERS=false (then apps/worker runs it); either way
 * each worker runs in exactly one process at a time, under a lease.
 */
@Module({
  imports: [
    PaymentGatewayModule,
    IntegrationModule,
    ProjectionsModule.forRoot({
      projections: SHOP_PROJECTIONS,
      processors: {
        inject: [AggregateStore, PAYMENT_PROVIDER, MONGO_DB, ModuleRef, INTEGRATION_PROCESSORS],
        useFactory: (
          store: AggregateStore,
          provider: PaymentProvider,
          db: Db,
          modules: ModuleRef,
          integration: ProcessorDefinition[],
        ) => [
          checkoutProcessor(store),
          paymentProcessor(store, provider),
          paymentReconciler(store, provider),
          fulfilmentProcessor(store),
          // The manager runs this processor, so it is looked up when a report is built, not at wiring time.
          reportProcessor(store, db, (name, position, timeoutMs) =>
            modules.get(ProjectionManager, { strict: false }).waitFor(name, position, timeoutMs),
          ),
          // The integration events publisher, when AMQP_URL is set.
          ...integration,
        ],
      },
      options: {
        inject: [AppConfig, STACK],
        useFactory: (config: AppConfig, stack: Stack) => ({
          runWorkers: config.runWorkers,
          publishedServers: [
            ...(stack.started.eventStore ? [stack.eventStoreUrl] : []),
            ...(stack.started.mongo ? [stack.mongoUrl] : []),
          ],
        }),
      },
    }),
  ],
})
export class WorkersModule {}

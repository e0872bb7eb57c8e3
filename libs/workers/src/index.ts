export { AGGREGATES, deciderForStream } from './aggregates';
export { checkoutProcessor } from './checkout.processor';
export { fulfilmentProcessor } from './fulfilment.processor';
export { paymentProcessor } from './payment.processor';
export { paymentReconciler } from './payment-reconciler.processor';
export { reportProcessor } from './report.processor';
export { SHOP_PROJECTIONS, WorkersModule } from './workers.module';

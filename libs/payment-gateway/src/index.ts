export { DEFAULT_PAYMENT_CLIENT_OPTIONS, PaymentClient, type PaymentClientOptions } from './payment-client';
export {
  DEFAULT_BEHAVIOUR,
  type PaymentSimulator,
  type SimulatorBehaviour,
  startPaymentSimulator,
} from './simulator';
export {
  type BreakerListener,
  PAYMENT_BREAKER_LISTENER,
  PAYMENT_PROVIDER,
  PAYMENT_SIMULATOR,
  PaymentGatewayModule,
} from './payment-gateway.module';

export {
  type ChargeRequest,
  type ChargeResult,
  DEFAULT_PAYMENT_CLIENT_OPTIONS,
  PaymentClient,
  type PaymentClientOptions,
  PaymentDeclinedError,
  PaymentProviderUnavailableError,
} from './payment-client';
export {
  DEFAULT_BEHAVIOUR,
  type PaymentSimulator,
  type SimulatorBehaviour,
  startPaymentSimulator,
} from './simulator';

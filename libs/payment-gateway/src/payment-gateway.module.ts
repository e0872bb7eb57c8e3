import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@shop/config';
import { type PaymentProvider } from '@shop/payments';
import { PaymentClient } from './payment-client';
import { type PaymentSimulator, startPaymentSimulator } from './simulator';

export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
const PAYMENT_SIMULATOR = Symbol('PAYMENT_SIMULATOR');
/** Optional hook (e.g. a metrics gauge) told about every circuit-breaker state change. */
export const PAYMENT_BREAKER_LISTENER = Symbol('PAYMENT_BREAKER_LISTENER');
export type BreakerListener = (state: 'closed' | 'open' | 'half-open' | 'isolated') => void;

@Injectable()
class SimulatorLifecycle implements OnApplicationShutdown {
  constructor(@Inject(PAYMENT_SIMULATOR) private readonly simulator: PaymentSimulator | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.simulator?.stop();
  }
}

/**
 * The PaymentProvider port: an HTTP client with timeout, retries, circuit breaker and bulkhead, pointed at
 * PAYMENT_PROVIDER_URL, or at an in-process simulated provider when none is configured.
 */
@Global()
@Module({
  providers: [
    {
      provide: PAYMENT_SIMULATOR,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<PaymentSimulator | null> => {
        if (config.payment.providerUrl) return null;
        const simulator = await startPaymentSimulator(config.payment.simulator);
        new Logger('Payments').log(`simulated payment provider at ${simulator.url}`);
        return simulator;
      },
    },
    {
      provide: PAYMENT_PROVIDER,
      inject: [AppConfig, PAYMENT_SIMULATOR, { token: PAYMENT_BREAKER_LISTENER, optional: true }],
      useFactory: (
        config: AppConfig,
        simulator: PaymentSimulator | null,
        listener?: BreakerListener,
      ): PaymentProvider => {
        const { providerUrl, simulator: _behaviour, ...policies } = config.payment;
        return new PaymentClient({
          baseUrl: providerUrl ?? simulator!.url,
          ...policies,
          ...(listener ? { onBreakerStateChange: listener } : {}),
        });
      },
    },
    SimulatorLifecycle,
  ],
  exports: [PAYMENT_PROVIDER, PAYMENT_SIMULATOR],
})
export class PaymentGatewayModule {}

export { PAYMENT_SIMULATOR };

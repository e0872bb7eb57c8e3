import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  timeout,
  TaskCancelledError,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import {
  type ChargeRequest,
  type ChargeResult,
  PaymentDeclinedError,
  type PaymentProvider,
  PaymentProviderUnavailableError,
  type RefundRequest,
  type RefundResult,
} from '@shop/payments';

class TransientProviderError extends Error {
  override name = 'TransientProviderError';
}

export interface PaymentClientOptions {
  baseUrl: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** Consecutive failed attempts that open the circuit. */
  breakerThreshold: number;
  /** How long the circuit stays open before one trial call. */
  breakerHalfOpenAfterMs: number;
  /** Concurrent calls to the provider, and how many more may wait: the rest fail fast. */
  bulkheadLimit: number;
  bulkheadQueue: number;
  onBreakerStateChange?: (state: 'closed' | 'open' | 'half-open' | 'isolated') => void;
}

export const DEFAULT_PAYMENT_CLIENT_OPTIONS: Omit<PaymentClientOptions, 'baseUrl'> = {
  timeoutMs: 2_000,
  retries: 3,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 5_000,
  bulkheadLimit: 10,
  bulkheadQueue: 100,
};

const STATE_NAMES = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
} as const;

/**
 * The payment provider over HTTP, behind cockatiel policies: a bulkhead (the provider can never tie up the
 * whole process), retries with exponential backoff and jitter for transient failures only, a circuit breaker
 * that fails fast while the provider is down, and a timeout on every attempt. Declines are never retried,
 * and every attempt carries the same idempotency key, so a retry never charges twice.
 */
export class PaymentClient implements PaymentProvider {
  private readonly policy: IPolicy;
  private readonly breaker;

  constructor(private readonly options: PaymentClientOptions) {
    const transient = handleWhen(
      (error) => error instanceof TransientProviderError || error instanceof TaskCancelledError,
    );
    this.breaker = circuitBreaker(transient, {
      halfOpenAfter: options.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    this.breaker.onStateChange((state) => options.onBreakerStateChange?.(STATE_NAMES[state]));
    this.policy = wrap(
      bulkhead(options.bulkheadLimit, options.bulkheadQueue),
      retry(transient, {
        maxAttempts: options.retries,
        backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 2_000 }),
      }),
      this.breaker,
      timeout(options.timeoutMs, TimeoutStrategy.Aggressive),
    );
  }

  get circuitState(): 'closed' | 'open' | 'half-open' | 'isolated' {
    return STATE_NAMES[this.breaker.state];
  }

  charge(request: ChargeRequest, signal?: AbortSignal): Promise<ChargeResult> {
    return this.call('/charges', request, signal);
  }

  refund(request: RefundRequest, signal?: AbortSignal): Promise<RefundResult> {
    return this.call('/refunds', request, signal);
  }

  private async call(path: string, body: object, signal?: AbortSignal): Promise<ChargeResult> {
    try {
      return await this.policy.execute(async ({ signal: attemptSignal }) => {
        let response: Response;
        try {
          response = await fetch(`${this.options.baseUrl}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: attemptSignal,
          });
        } catch (error) {
          throw new TransientProviderError(`provider unreachable: ${String(error)}`, { cause: error });
        }
        const payload = (await response.json().catch(() => ({}))) as { providerRef?: string; error?: string };
        if (response.ok && payload.providerRef) return { providerRef: payload.providerRef };
        if (response.status === 402) throw new PaymentDeclinedError(payload.error ?? 'declined');
        if (response.status >= 500 || response.status === 429) {
          throw new TransientProviderError(`provider answered ${response.status}`);
        }
        throw new Error(`provider rejected the request: ${response.status} ${payload.error ?? ''}`.trim());
      }, signal);
    } catch (error) {
      if (error instanceof BrokenCircuitError)
        throw new PaymentProviderUnavailableError('circuit_open', { cause: error });
      if (error instanceof BulkheadRejectedError)
        throw new PaymentProviderUnavailableError('bulkhead_full', { cause: error });
      if (error instanceof TaskCancelledError)
        throw new PaymentProviderUnavailableError('timeout', { cause: error });
      if (error instanceof TransientProviderError) {
        throw new PaymentProviderUnavailableError('unavailable', { cause: error });
      }
      throw error;
    }
  }
}

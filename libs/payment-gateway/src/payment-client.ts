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
  type ChargeLookup,
  type ChargeRequest,
  type ChargeResult,
  PaymentDeclinedError,
  type PaymentProvider,
  PaymentProviderUnavailableError,
  type ProviderUnavailableReason,
  type RefundRequest,
  type RefundResult,
} from '@shop/payments';

class TransientProviderError extends Error {
  override name = 'TransientProviderError';
}

/** The provider is still processing a charge under the key looked up: healthy, but not settled yet. */
class ChargeInProgressError extends Error {
  override name = 'ChargeInProgressError';
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
    const failed = (error: Error): boolean =>
      error instanceof TransientProviderError || error instanceof TaskCancelledError;
    const transient = handleWhen(failed);
    // A charge in progress is worth asking about again, but says nothing against the provider's health.
    const retried = handleWhen((error: Error) => failed(error) || error instanceof ChargeInProgressError);
    this.breaker = circuitBreaker(transient, {
      halfOpenAfter: options.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    this.breaker.onStateChange((state) => options.onBreakerStateChange?.(STATE_NAMES[state]));
    this.policy = wrap(
      bulkhead(options.bulkheadLimit, options.bulkheadQueue),
      retry(retried, {
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
    return this.call({ method: 'POST', path: '/charges', body: request }, accepted, signal);
  }

  refund(request: RefundRequest, signal?: AbortSignal): Promise<RefundResult> {
    return this.call({ method: 'POST', path: '/refunds', body: request }, accepted, signal);
  }

  findCharge(request: ChargeLookup, signal?: AbortSignal): Promise<ChargeResult | null> {
    const path = `/charges/${encodeURIComponent(request.idempotencyKey)}`;
    return this.call({ method: 'GET', path }, found, signal);
  }

  /**
   * One call through the policies. `answer` reads the provider's reply ({ value } when it is one this call
   * understands); everything else is a decline (402), a transient failure (5xx, 429: retried) or a bug.
   */
  private async call<T>(
    request: { method: 'GET' | 'POST'; path: string; body?: object },
    answer: (status: number, payload: ProviderPayload) => { value: T } | undefined,
    signal?: AbortSignal,
  ): Promise<T> {
    let requestSent = false;
    try {
      return await this.policy.execute(async ({ signal: attemptSignal }) => {
        let response: Response;
        try {
          requestSent = true;
          response = await fetch(`${this.options.baseUrl}${request.path}`, {
            method: request.method,
            ...(request.body
              ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body) }
              : {}),
            signal: attemptSignal,
          });
        } catch (error) {
          throw new TransientProviderError(`provider unreachable: ${String(error)}`, { cause: error });
        }
        const payload = (await response.json().catch(() => ({}))) as ProviderPayload;
        const understood = answer(response.status, payload);
        if (understood) return understood.value;
        if (response.status === 402) throw new PaymentDeclinedError(payload.error ?? 'declined');
        if (response.status === 409 && payload.error === 'charge_in_progress') {
          throw new ChargeInProgressError('a charge under this key is still being processed');
        }
        if (response.status >= 500 || response.status === 429) {
          throw new TransientProviderError(`provider answered ${response.status}`);
        }
        throw new Error(`provider rejected the request: ${response.status} ${payload.error ?? ''}`.trim());
      }, signal);
    } catch (error) {
      const unavailable = (reason: ProviderUnavailableReason) =>
        new PaymentProviderUnavailableError(reason, { cause: error, requestSent });
      if (error instanceof BrokenCircuitError) throw unavailable('circuit_open');
      if (error instanceof BulkheadRejectedError) throw unavailable('bulkhead_full');
      if (error instanceof TaskCancelledError) throw unavailable('timeout');
      if (error instanceof TransientProviderError) throw unavailable('unavailable');
      if (error instanceof ChargeInProgressError) throw unavailable('charge_in_progress');
      throw error;
    }
  }
}

interface ProviderPayload {
  providerRef?: string;
  status?: string;
  error?: string;
}

/** A charge or refund the provider made (201, or 200 for a retried key). */
const accepted = (status: number, payload: ProviderPayload) =>
  status >= 200 && status < 300 && payload.providerRef
    ? { value: { providerRef: payload.providerRef } }
    : undefined;

/** A lookup: the charge made under the key, or none (404, or one the provider declined). */
const found = (status: number, payload: ProviderPayload): { value: ChargeResult | null } | undefined => {
  if (status === 404 && payload.error === 'charge_not_found') return { value: null };
  if (status !== 200 || !payload.providerRef) return undefined;
  if (payload.status === 'declined') return { value: null };
  return {
    value: {
      providerRef: payload.providerRef,
      ...(payload.status === 'authorized' || payload.status === 'captured' ? { status: payload.status } : {}),
    },
  };
};

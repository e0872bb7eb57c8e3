import { RuleViolatedError, UnavailableError } from '@shop/event-sourcing';

/**
 * The port to the external payment provider. The adapter (HTTP + cockatiel timeout, retry with backoff and
 * jitter, circuit breaker, bulkhead) lives outside the domain; it must send the same `idempotencyKey` on
 * every attempt so that a retry, or a re-run after a crash, never charges twice.
 */
export interface PaymentProvider {
  /** Resolves when the provider accepted the charge; rejects with {@link PaymentDeclinedError} or
   * {@link PaymentProviderUnavailableError}. */
  charge(request: ChargeRequest, signal?: AbortSignal): Promise<ChargeResult>;
  refund(request: RefundRequest, signal?: AbortSignal): Promise<RefundResult>;
  /**
   * The charge the provider made under `idempotencyKey`, or null when it made none (or declined it): how a
   * charge whose answer was lost is reconciled. Never answers null while a charge under the key is still being
   * processed: rejects with {@link PaymentProviderUnavailableError} (`charge_in_progress`) until it is settled,
   * so a late charge is found rather than missed.
   */
  findCharge(request: ChargeLookup, signal?: AbortSignal): Promise<ChargeResult | null>;
}

export interface ChargeLookup {
  readonly idempotencyKey: string;
  readonly orderId: string;
}

export interface ChargeRequest {
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly amountCents: number;
}

/**
 * `status` is what the provider did: authorise only, or authorise and capture in one call. An adapter whose
 * provider always captures may omit it (captured is assumed).
 */
export interface ChargeResult {
  readonly providerRef: string;
  readonly status?: 'authorized' | 'captured';
}

export interface RefundRequest {
  readonly idempotencyKey: string;
  readonly orderId: string;
  /** The reference of the captured charge. */
  readonly providerRef: string;
  readonly amountCents: number;
}

export interface RefundResult {
  /** The provider's reference of the refund itself. */
  readonly providerRef: string;
}

/** The provider refused for good (card declined, fraud...): never retried; the payment fails. */
export class PaymentDeclinedError extends RuleViolatedError {
  constructor(readonly reason: string) {
    super('payment_declined', `Payment declined: ${reason}`, { reason });
  }
}

export type ProviderUnavailableReason =
  | 'circuit_open'
  | 'bulkhead_full'
  | 'timeout'
  | 'unavailable'
  /** A lookup found a charge under its key still being processed: ask again later. */
  | 'charge_in_progress';

/**
 * The provider could not answer (after the adapter's retries, or failing fast while the circuit is open).
 * `requestSent`: at least one attempt reached the network, so the provider may have acted on it although no
 * answer came back (false only when every attempt was refused locally: circuit open, bulkhead full).
 */
export class PaymentProviderUnavailableError extends UnavailableError {
  readonly requestSent: boolean;

  constructor(
    readonly reason: ProviderUnavailableReason,
    options?: { cause?: unknown; requestSent?: boolean },
  ) {
    super('payment_provider_unavailable', `Payment provider unavailable (${reason})`, { reason });
    if (options?.cause !== undefined) this.cause = options.cause;
    this.requestSent = options?.requestSent ?? true;
  }
}

/** For the adapter's retry/breaker policies: only these failures are worth another attempt. */
export const isTransientPaymentError = (error: unknown): boolean =>
  error instanceof PaymentProviderUnavailableError;

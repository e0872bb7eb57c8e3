import { fold } from '@shop/event-sourcing';
import { paymentDecider } from './payment.decider';
import {
  paymentAuthorized,
  paymentCaptured,
  paymentFailed,
  paymentReconciled,
  paymentRefundRequested,
  paymentRequested,
  type PaymentEvent,
} from './payment.events';
import { PaymentDeclinedError, PaymentProviderUnavailableError } from './payment-provider.port';
import {
  chargeOutcome,
  nextProviderCall,
  pendingReconciliation,
  reconciliationOutcome,
  refundOutcome,
} from './payment.processing';
import { canTransition, PAYMENT_TRANSITIONS, type PaymentStatus } from './payment.state';

const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const meta = { now: new Date('2026-03-01T10:00:00.000Z') };
const state = (...events: PaymentEvent[]) => fold(paymentDecider, paymentDecider.initialState(), events);
const requested = paymentRequested({ orderId, amountCents: 2500, currency: 'EUR' });
const captured = [
  paymentAuthorized({ orderId, providerRef: 'p1' }),
  paymentCaptured({ orderId, providerRef: 'p1', amountCents: 2500 }),
];

describe('payment processing', () => {
  it('charges a requested payment with a deterministic idempotency key', () => {
    expect(nextProviderCall(state(requested))).toEqual({
      kind: 'charge',
      request: { idempotencyKey: `payment:${orderId}:charge`, orderId, amountCents: 2500 },
    });
  });
  it('refunds a payment whose refund was requested, and does nothing otherwise', () => {
    expect(
      nextProviderCall(
        state(
          requested,
          ...captured,
          paymentRefundRequested({ orderId, providerRef: 'p1', amountCents: 2500, reason: 'r' }),
        ),
      ),
    ).toEqual({
      kind: 'refund',
      request: { idempotencyKey: `payment:${orderId}:refund`, orderId, providerRef: 'p1', amountCents: 2500 },
    });
    expect(nextProviderCall(state())).toBeUndefined();
    expect(nextProviderCall(state(requested, ...captured))).toBeUndefined();
    expect(nextProviderCall(state(requested, paymentFailed({ orderId, reason: 'x' })))).toBeUndefined();
  });
  it('maps charge outcomes to commands', () => {
    expect(chargeOutcome(orderId, { ok: { providerRef: 'p1' } }, meta)).toMatchObject({
      type: 'RecordCapture',
      data: { orderId, providerRef: 'p1' },
    });
    expect(chargeOutcome(orderId, { ok: { providerRef: 'p1', status: 'authorized' } }, meta).type).toBe(
      'RecordAuthorization',
    );
    expect(chargeOutcome(orderId, { error: new PaymentDeclinedError('card expired') }, meta)).toMatchObject({
      type: 'RecordFailure',
      data: { reason: 'declined: card expired' },
    });
    const neverSent = new PaymentProviderUnavailableError('circuit_open', { requestSent: false });
    expect(chargeOutcome(orderId, { error: neverSent }, meta)).toEqual(
      expect.objectContaining({
        type: 'RecordFailure',
        data: { orderId, reason: 'provider unavailable: circuit_open' },
      }),
    );
    // A request that reached the provider may have charged although no answer came back.
    expect(
      chargeOutcome(orderId, { error: new PaymentProviderUnavailableError('timeout') }, meta),
    ).toMatchObject({
      type: 'RecordFailure',
      data: { reason: 'provider unavailable: timeout', outcomeUnknown: true },
    });
    expect(() => chargeOutcome(orderId, { error: new TypeError('bug') }, meta)).toThrow(TypeError);
    expect(refundOutcome(orderId, { providerRef: 're1' }, meta)).toMatchObject({
      type: 'RecordRefund',
      data: { providerRefundRef: 're1' },
    });
  });
  it('reconciles only a payment that failed with an unknown outcome, and records the answer', () => {
    const unknown = paymentFailed({ orderId, reason: 'provider unavailable: timeout', outcomeUnknown: true });
    const lookup = { idempotencyKey: `payment:${orderId}:charge`, orderId };
    expect(pendingReconciliation(state(requested, unknown))).toEqual(lookup);
    expect(nextProviderCall(state(requested, unknown))).toBeUndefined(); // the payment worker leaves it
    expect(pendingReconciliation(state(requested, paymentFailed({ orderId, reason: 'x' })))).toBeUndefined();
    expect(
      pendingReconciliation(state(requested, unknown, paymentReconciled({ orderId, providerRef: null }))),
    ).toBeUndefined();
    expect(pendingReconciliation(state(requested, ...captured))).toBeUndefined();
    expect(reconciliationOutcome(orderId, { providerRef: 'p9' }, meta)).toMatchObject({
      type: 'RecordReconciliation',
      data: { orderId, providerRef: 'p9' },
    });
    expect(reconciliationOutcome(orderId, null, meta).data).toEqual({ orderId, providerRef: null });
  });
  it('declares its errors with stable codes and categories', () => {
    expect(new PaymentDeclinedError('x')).toMatchObject({
      code: 'payment_declined',
      category: 'rule_violated',
    });
    expect(new PaymentProviderUnavailableError('timeout')).toMatchObject({
      code: 'payment_provider_unavailable',
      category: 'unavailable',
    });
  });
});

describe('payment state machine', () => {
  const all = Object.keys(PAYMENT_TRANSITIONS) as PaymentStatus[];
  const allowed: Array<[PaymentStatus, PaymentStatus]> = [
    ['requested', 'authorized'],
    ['requested', 'captured'],
    ['requested', 'failed'],
    ['authorized', 'captured'],
    ['authorized', 'failed'],
    ['captured', 'refund_requested'],
    ['failed', 'refund_requested'], // reconciliation found a charge after all
    ['refund_requested', 'refunded'],
  ];
  it.each(all.flatMap((from) => all.map((to) => [from, to] as const)))('%s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(allowed.some(([f, t]) => f === from && t === to));
  });
});

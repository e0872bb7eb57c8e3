import { deciderSpec, NotFoundError, RuleViolatedError, ValidationError } from '@shop/event-sourcing';
import {
  recordAuthorization,
  recordCapture,
  recordFailure,
  recordReconciliation,
  recordRefund,
  recordSettlement,
  refund,
  requestPayment,
} from './payment.commands';
import { paymentDecider } from './payment.decider';
import {
  paymentAuthorized,
  paymentCaptured,
  paymentFailed,
  paymentReconciled,
  paymentRefunded,
  paymentRefundRequested,
  paymentRequested,
} from './payment.events';

const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const meta = { now: new Date('2026-03-01T10:00:00.000Z') };
const ref = 'pay_123';

const requested = paymentRequested({ orderId, amountCents: 2500, currency: 'EUR' });
const authorized = paymentAuthorized({ orderId, providerRef: ref });
const captured = paymentCaptured({ orderId, providerRef: ref, amountCents: 2500 });
const failed = paymentFailed({ orderId, reason: 'declined: insufficient funds' });
const refundRequested = paymentRefundRequested({
  orderId,
  providerRef: ref,
  amountCents: 2500,
  reason: 'order cancelled',
});
const refunded = paymentRefunded({ orderId, providerRefundRef: 're_1', amountCents: 2500 });

const { given } = deciderSpec(paymentDecider);

describe('payment decider', () => {
  describe('RequestPayment', () => {
    const command = requestPayment({ orderId, amountCents: 2500, currency: 'EUR' }, meta);
    it('requests a payment', () => given([]).when(command).then([requested]));
    it('is a no-op when the same payment is requested again', () =>
      given([requested, authorized]).when(command).thenNothingHappened());
    it('refuses another amount for the same order', () =>
      given([requested])
        .when(requestPayment({ orderId, amountCents: 1, currency: 'EUR' }, meta))
        .thenThrows(RuleViolatedError, 'payment_already_requested'));
    it.each([
      ['invalid_amount', { amountCents: 0 }],
      ['invalid_amount', { amountCents: 1.5 }],
      ['invalid_currency', { currency: 'euro' }],
      ['invalid_order_id', { orderId: 'nope' }],
    ])('validates input (%s)', (code, patch) =>
      given([])
        .when(requestPayment({ orderId, amountCents: 2500, currency: 'EUR', ...patch }, meta))
        .thenThrows(ValidationError, code),
    );
  });

  describe('RecordAuthorization', () => {
    const command = recordAuthorization({ orderId, providerRef: ref }, meta);
    it('authorizes a requested payment', () => given([requested]).when(command).then([authorized]));
    it('is a no-op once authorized or captured', () => {
      given([requested, authorized]).when(command).thenNothingHappened();
      given([requested, authorized, captured]).when(command).thenNothingHappened();
    });
    it('refuses a failed or unknown payment, and another provider reference', () => {
      given([requested, failed]).when(command).thenThrows(RuleViolatedError, 'illegal_transition');
      given([]).when(command).thenThrows(NotFoundError, 'payment_not_found');
      given([requested, authorized])
        .when(recordAuthorization({ orderId, providerRef: 'other' }, meta))
        .thenThrows(RuleViolatedError, 'provider_ref_mismatch');
    });
  });

  describe('RecordCapture', () => {
    const command = recordCapture({ orderId, providerRef: ref }, meta);
    it('captures an authorized payment', () => given([requested, authorized]).when(command).then([captured]));
    it('records authorization and capture at once for a requested payment', () =>
      given([requested]).when(command).then([authorized, captured]));
    it('is a no-op once captured or refunded', () => {
      given([requested, authorized, captured]).when(command).thenNothingHappened();
      given([requested, authorized, captured, refundRequested, refunded]).when(command).thenNothingHappened();
    });
    it('refuses a failed payment and another provider reference', () => {
      given([requested, failed]).when(command).thenThrows(RuleViolatedError, 'illegal_transition');
      given([requested, authorized])
        .when(recordCapture({ orderId, providerRef: 'other' }, meta))
        .thenThrows(RuleViolatedError, 'provider_ref_mismatch');
    });
  });

  describe('RecordFailure', () => {
    const command = recordFailure({ orderId, reason: ' declined: insufficient funds ' }, meta);
    it('fails a requested or authorized payment', () => {
      given([requested]).when(command).then([failed]);
      given([requested, authorized]).when(command).then([failed]);
    });
    it('is a no-op once failed', () => given([requested, failed]).when(command).thenNothingHappened());
    it('refuses to fail a captured payment', () =>
      given([requested, authorized, captured])
        .when(command)
        .thenThrows(RuleViolatedError, 'illegal_transition'));
    it('ignores a lost answer once the provider settled the charge', () =>
      given([requested, authorized, captured])
        .when(recordFailure({ orderId, reason: 'provider unavailable: timeout', outcomeUnknown: true }, meta))
        .thenNothingHappened());
    it('requires a reason', () =>
      given([requested])
        .when(recordFailure({ orderId, reason: ' ' }, meta))
        .thenThrows(ValidationError, 'invalid_reason'));
  });

  describe('RecordReconciliation', () => {
    const reason = 'provider unavailable: timeout';
    const unknown = paymentFailed({ orderId, reason, outcomeUnknown: true });
    const noCharge = recordReconciliation({ orderId, providerRef: null }, meta);
    const charged = recordReconciliation({ orderId, providerRef: ref }, meta);
    const refundAfterAll = paymentRefundRequested({
      orderId,
      providerRef: ref,
      amountCents: 2500,
      reason: 'charged although the payment had failed',
    });
    it('marks a failure whose outcome the provider never told', () =>
      given([requested])
        .when(recordFailure({ orderId, reason, outcomeUnknown: true }, meta))
        .then([unknown]));
    it('records that the provider made no charge', () =>
      given([requested, unknown])
        .when(noCharge)
        .then([paymentReconciled({ orderId, providerRef: null })]));
    it('asks for the money back when the provider charged after all, and records the refund', () => {
      given([requested, unknown])
        .when(charged)
        .then([paymentReconciled({ orderId, providerRef: ref }), refundAfterAll]);
      given([requested, unknown, paymentReconciled({ orderId, providerRef: ref }), refundAfterAll])
        .when(recordRefund({ orderId, providerRefundRef: 're_1' }, meta))
        .then([refunded]);
    });
    it('is a no-op once reconciled: the first answer stands', () =>
      given([requested, unknown, paymentReconciled({ orderId, providerRef: null })])
        .when(charged)
        .thenNothingHappened());
    it('refuses a payment that did not fail with an unknown outcome', () => {
      given([requested, failed]).when(noCharge).thenThrows(RuleViolatedError, 'nothing_to_reconcile');
      given([requested, authorized, captured])
        .when(charged)
        .thenThrows(RuleViolatedError, 'nothing_to_reconcile');
      given([]).when(noCharge).thenThrows(NotFoundError, 'payment_not_found');
    });
    it('validates the reference', () =>
      given([requested, unknown])
        .when(recordReconciliation({ orderId, providerRef: ' ' }, meta))
        .thenThrows(ValidationError, 'invalid_provider_ref'));
  });

  describe('RecordSettlement', () => {
    const settled = recordSettlement({ orderId, providerRef: ref, amountCents: 2500 }, meta);
    const unknown = paymentFailed({ orderId, reason: 'provider unavailable: timeout', outcomeUnknown: true });
    const giveBack = paymentRefundRequested({
      orderId,
      providerRef: ref,
      amountCents: 2500,
      reason: 'charged although the payment had failed',
    });
    it('captures a payment whose charge is still in flight', () => {
      given([requested]).when(settled).then([authorized, captured]);
      given([requested, authorized]).when(settled).then([captured]);
    });
    it('reconciles a payment whose outcome was unknown and gives the money back', () =>
      given([requested, unknown])
        .when(settled)
        .then([paymentReconciled({ orderId, providerRef: ref }), giveBack]));
    it('refunds even after a lookup found no charge: the settlement is the later word', () =>
      given([requested, unknown, paymentReconciled({ orderId, providerRef: null })])
        .when(settled)
        .then([paymentReconciled({ orderId, providerRef: ref }), giveBack]));
    it('is a no-op once the charge is known', () => {
      given([requested, authorized, captured]).when(settled).thenNothingHappened();
      given([requested, authorized, captured, refundRequested, refunded]).when(settled).thenNothingHappened();
      given([requested, unknown, paymentReconciled({ orderId, providerRef: ref }), giveBack])
        .when(settled)
        .thenNothingHappened();
    });
    it('refuses another amount, another charge reference or an unknown payment', () => {
      given([requested])
        .when(recordSettlement({ orderId, providerRef: ref, amountCents: 2400 }, meta))
        .thenThrows(RuleViolatedError, 'settlement_amount_mismatch');
      given([requested, authorized, captured])
        .when(recordSettlement({ orderId, providerRef: 'pay_other', amountCents: 2500 }, meta))
        .thenThrows(RuleViolatedError, 'provider_ref_mismatch');
      given([]).when(settled).thenThrows(NotFoundError, 'payment_not_found');
    });
    it('validates the reference and the amount', () => {
      given([requested])
        .when(recordSettlement({ orderId, providerRef: ' ', amountCents: 2500 }, meta))
        .thenThrows(ValidationError, 'invalid_provider_ref');
      given([requested])
        .when(recordSettlement({ orderId, providerRef: ref, amountCents: 0 }, meta))
        .thenThrows(ValidationError, 'invalid_amount');
    });
  });

  describe('Refund', () => {
    const command = refund({ orderId, reason: 'order cancelled' }, meta);
    it('requests a refund of a captured payment', () =>
      given([requested, authorized, captured]).when(command).then([refundRequested]));
    it('is a no-op once a refund was requested or done', () => {
      given([requested, authorized, captured, refundRequested]).when(command).thenNothingHappened();
      given([requested, authorized, captured, refundRequested, refunded]).when(command).thenNothingHappened();
    });
    it('refuses to refund money that was never captured', () => {
      given([requested, authorized]).when(command).thenThrows(RuleViolatedError, 'illegal_transition');
      given([requested, failed]).when(command).thenThrows(RuleViolatedError, 'illegal_transition');
    });
  });

  describe('RecordRefund', () => {
    const command = recordRefund({ orderId, providerRefundRef: 're_1' }, meta);
    it('records the refund', () =>
      given([requested, authorized, captured, refundRequested]).when(command).then([refunded]));
    it('is a no-op once refunded', () =>
      given([requested, authorized, captured, refundRequested, refunded])
        .when(command)
        .thenNothingHappened());
    it('refuses without a refund request', () =>
      given([requested, authorized, captured])
        .when(command)
        .thenThrows(RuleViolatedError, 'illegal_transition'));
  });
});

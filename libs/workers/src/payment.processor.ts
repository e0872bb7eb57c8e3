import { contextFromEvent, type StoredEvent } from '@shop/event-sourcing';
import { type AggregateStore } from '@shop/eventstore';
import {
  chargeOutcome,
  nextProviderCall,
  paymentDecider,
  type PaymentEvent,
  type PaymentProvider,
  paymentStreamName,
  refundOutcome,
} from '@shop/payments';
import { type ProcessorDefinition } from '@shop/projections';

/**
 * Talks to the payment provider on behalf of payment aggregates: whenever a payment asks for a charge or a
 * refund, call the provider (through its resilient adapter) and record the outcome. Safe to repeat after a
 * crash at any point: the state asks for the same call with the same idempotency key, and recording an
 * outcome twice is a no-op.
 */
export const paymentProcessor = (
  store: AggregateStore,
  provider: PaymentProvider,
): ProcessorDefinition<PaymentEvent> => ({
  name: 'payment-worker',
  thirdParty: 'payment-provider',
  eventTypes: ['PaymentRequested', 'PaymentRefundRequested'],
  key: (stored) => stored.streamName,
  handle: async (stored: StoredEvent<PaymentEvent>, signal: AbortSignal) => {
    const { orderId } = stored.event.data;
    const stream = paymentStreamName(orderId);
    const { state } = await store.load(paymentDecider, stream);
    const call = nextProviderCall(state);
    if (!call) return;
    const metadata = { now: new Date(), idempotencyKey: `${call.request.idempotencyKey}:outcome` };
    const options = { context: contextFromEvent(stored) };
    if (call.kind === 'charge') {
      const outcome = await provider.charge(call.request, signal).then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error }),
      );
      // Shutting down is not an answer from the provider: leave the payment requested for the next run.
      signal.throwIfAborted();
      await store.handle(paymentDecider, stream, chargeOutcome(orderId, outcome, metadata), options);
    } else {
      const result = await provider.refund(call.request, signal);
      await store.handle(paymentDecider, stream, refundOutcome(orderId, result, metadata), options);
    }
  },
});

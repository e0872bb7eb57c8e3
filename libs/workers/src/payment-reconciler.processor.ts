import { contextFromEvent, type StoredEvent } from '@shop/event-sourcing';
import { type AggregateStore } from '@shop/eventstore';
import {
  paymentDecider,
  type PaymentEvent,
  type PaymentProvider,
  paymentStreamName,
  pendingReconciliation,
  reconciliationOutcome,
} from '@shop/payments';
import { type ProcessorDefinition } from '@shop/projections';

/**
 * Finds out what became of charges whose answer was lost: for a payment that failed with an unknown outcome,
 * ask the provider what it did under the charge's idempotency key and record it (a charge it made after all
 * is refunded by the payment worker). Its own processor, so that while the provider stays down it waits
 * (the engine retries unavailable dependencies without limit, never parks them) without holding up new
 * payments, which keep failing fast.
 */
export const paymentReconciler = (
  store: AggregateStore,
  provider: PaymentProvider,
): ProcessorDefinition<PaymentEvent> => ({
  name: 'payment-reconciler',
  thirdParty: 'payment-provider',
  eventTypes: ['PaymentFailed'],
  key: (stored) => stored.streamName,
  handle: async (stored: StoredEvent<PaymentEvent>, signal: AbortSignal) => {
    const stream = paymentStreamName(stored.event.data.orderId);
    const { state } = await store.load(paymentDecider, stream);
    const lookup = pendingReconciliation(state);
    if (!lookup) return;
    const found = await provider.findCharge(lookup, signal);
    signal.throwIfAborted();
    const metadata = { now: new Date(), idempotencyKey: `${lookup.idempotencyKey}:reconciled` };
    await store.handle(paymentDecider, stream, reconciliationOutcome(lookup.orderId, found, metadata), {
      context: contextFromEvent(stored),
    });
  },
});

import {
  actionCommand,
  CHECKOUT_OBSERVED_EVENT_TYPES,
  checkoutDecider,
  checkoutStreamName,
  factFromActionRejection,
  factFromActionSuccess,
  factFromEvent,
  nextActions,
} from '@shop/checkout';
import { contextFromEvent, type StoredEvent } from '@shop/event-sourcing';
import { type AggregateStore } from '@shop/eventstore';
import { type ProcessorDefinition } from '@shop/projections';
import { runAction } from './run-action';

/** Rounds of actions per observed event; each round needs a new fact, so a handful always suffices. */
const MAX_ROUNDS = 10;

/**
 * The checkout process manager: records each observed fact in `checkout-<orderId>`, then carries out what
 * the checkout asks for next (reserve every line -> request payment -> confirm; or compensate) as idempotent
 * commands. Events of one order are handled in log order; different orders concurrently.
 */
export const checkoutProcessor = (store: AggregateStore): ProcessorDefinition => ({
  name: 'checkout',
  eventTypes: [...CHECKOUT_OBSERVED_EVENT_TYPES],
  key: (stored) => (stored.event.data as { orderId: string }).orderId,
  handle: async (stored: StoredEvent, signal: AbortSignal) => {
    const fact = factFromEvent(stored);
    if (!fact) return;
    const { orderId } = fact.data;
    const stream = checkoutStreamName(orderId);
    const context = contextFromEvent(stored);
    await store.handle(checkoutDecider, stream, fact, { context });

    for (let round = 0; round < MAX_ROUNDS; round++) {
      signal.throwIfAborted();
      const { state } = await store.load(checkoutDecider, stream);
      const actions = nextActions(state);
      if (actions.length === 0) return;
      let recorded = false;
      for (const action of actions) {
        const now = new Date();
        let followUp;
        try {
          await runAction(store, actionCommand(action, { now }), context);
          followUp = factFromActionSuccess(action, now);
        } catch (error) {
          followUp = factFromActionRejection(action, error, now);
          // Anything else (unavailable, contention, a bug) is retried by the processor, then parked.
          if (!followUp) throw error;
        }
        const result = await store.handle(checkoutDecider, stream, followUp, { context });
        recorded ||= result.outcome === 'appended';
      }
      // Nothing new recorded: the checkout waits for an outside fact (e.g. the payment outcome).
      if (!recorded) return;
    }
  },
});

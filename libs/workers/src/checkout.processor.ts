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
import { type AggregateStore, commandStep, CommandStepError } from '@shop/eventstore';
import { type ProcessorDefinition } from '@shop/projections';
import { actionStep } from './run-action';

/** Rounds of actions per observed event; each round needs a new fact, so a handful always suffices. */
const MAX_ROUNDS = 10;

/**
 * The checkout process manager: records each observed fact in `checkout-<orderId>`, then carries out what
 * the checkout asks for next (reserve every line -> request payment -> confirm; or compensate) as idempotent
 * commands. Each action's command and the checkout's record of its outcome are one atomic write to both
 * streams where the node offers it (a product's reservation and the checkout's record of it land together
 * or not at all); elsewhere the command goes first and the record follows, both idempotent.
 * Events of one order are handled in log order; different orders concurrently.
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
    // OrderPlaced starts the checkout; a redelivery finds the stream and takes the normal path (a no-op).
    const expectNew = fact.type === 'RecordOrderPlaced';
    await store.handle(checkoutDecider, stream, fact, { context, expectNew });

    for (let round = 0; round < MAX_ROUNDS; round++) {
      signal.throwIfAborted();
      // Only this processor writes the checkout, and each write above left its state in the store's cache.
      const { state } = await store.latest(checkoutDecider, stream);
      const actions = nextActions(state);
      if (actions.length === 0) return;
      let recorded = false;
      for (const action of actions) {
        const now = new Date();
        const command = actionStep(actionCommand(action, { now }), context);
        const success = commandStep(checkoutDecider, stream, factFromActionSuccess(action, now), { context });
        let outcome;
        try {
          const [, record] = await store.handleTogether([command, success]);
          outcome = record?.outcome;
        } catch (error) {
          const cause = error instanceof CommandStepError ? error.cause : error;
          const actionRefused = error instanceof CommandStepError && error.index === 0;
          const followUp = actionRefused ? factFromActionRejection(action, cause, now) : undefined;
          // Anything else (unavailable, contention, a bug) is retried by the processor, then parked.
          if (!followUp) throw cause;
          outcome = (await store.handle(checkoutDecider, stream, followUp, { context })).outcome;
        }
        recorded ||= outcome === 'appended';
      }
      // Nothing new recorded: the checkout waits for an outside fact (e.g. the payment outcome).
      if (!recorded) return;
    }
  },
});

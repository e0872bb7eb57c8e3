/**
 * Checkout process manager: an event-sourced decider over `checkout-<orderId>` that records the facts it
 * observes (commands `Record*`), plus the pure `nextActions(state)` telling the wiring what to do next,
 * and the translators the wiring needs (see checkout.wiring.ts for the intended loop).
 */
export {
  type CheckoutAction,
  type CheckoutActionType,
  checkoutIdempotencyKey,
  nextActions,
} from './checkout.actions';
export * from './checkout.commands';
export { checkoutDecider } from './checkout.decider';
export * from './checkout.events';
export {
  type ActiveCheckout,
  type CheckoutLineState,
  type CheckoutOrder,
  type CheckoutPayment,
  type CheckoutState,
  compensationTrigger,
  derivedStatus,
  type LineReservation,
} from './checkout.state';
export {
  CHECKOUT_STREAM_CATEGORY,
  checkoutStreamName,
  orderIdFromCheckoutStreamName,
} from './checkout.streams';
export {
  type ActionCommand,
  actionCommand,
  CHECKOUT_OBSERVED_EVENT_TYPES,
  factFromActionRejection,
  factFromActionSuccess,
  factFromEvent,
} from './checkout.wiring';
export { CHECKOUTS_COLLECTION, type CheckoutView, checkoutsProjection } from './checkouts.projection';
export { commitIdempotencyKey, commitReservationsOnShipment } from './shipment.policy';
export { checkoutUpcasters } from './checkout.upcasters';

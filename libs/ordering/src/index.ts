/**
 * Ordering bounded context: the order aggregate (stream `order-<uuid>`) with its explicit state machine,
 * and the `orders` read model (which also follows the order's payment).
 */
export * from './order.commands';
export { orderDecider } from './order.decider';
export { type OrderingErrorCode } from './order.errors';
export * from './order.events';
export {
  canTransition as canOrderTransition,
  type ExistingOrder,
  ORDER_TRANSITIONS,
  type OrderState,
  type OrderStatus,
} from './order.state';
export { ORDER_STREAM_CATEGORY, orderIdFromStreamName, orderStreamName } from './order.streams';
export {
  MAX_LINE_QUANTITY,
  MAX_LINES,
  MAX_REASON_LENGTH as MAX_CANCEL_REASON_LENGTH,
  MAX_UNIT_PRICE_CENTS,
} from './order.validation';
export {
  ORDER_TOPIC,
  ORDERS_COLLECTION,
  type OrderPaymentStatus,
  ordersProjection,
  type OrderStatusChange,
  type OrderView,
} from './orders.projection';
export { orderingUpcasters } from './order.upcasters';

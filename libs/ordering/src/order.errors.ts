import { NotFoundError, RuleViolatedError, ValidationError } from '@shop/event-sourcing';
import { type OrderStatus } from './order.state';

/** Every `code` the order decider can throw (part of the API contract). */
export type OrderingErrorCode =
  | 'invalid_order_id'
  | 'invalid_customer_id'
  | 'invalid_product_id'
  | 'invalid_lines'
  | 'duplicate_product'
  | 'invalid_quantity'
  | 'invalid_price'
  | 'invalid_currency'
  | 'invalid_reason'
  | 'order_not_found'
  | 'order_already_placed'
  | 'illegal_transition';

export const invalid = (code: OrderingErrorCode, message: string, details: Record<string, unknown>) =>
  new ValidationError(code, message, details);

export const orderNotFound = (orderId: string) =>
  new NotFoundError('order_not_found', `Order ${orderId} does not exist`, { orderId });

export const orderAlreadyPlaced = (orderId: string) =>
  new RuleViolatedError('order_already_placed', `Order ${orderId} was already placed with other content`, {
    orderId,
  });

export const illegalTransition = (orderId: string, from: OrderStatus, to: OrderStatus) =>
  new RuleViolatedError('illegal_transition', `A ${from} order cannot become ${to}`, { orderId, from, to });

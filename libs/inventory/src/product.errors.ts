import { NotFoundError, RuleViolatedError, ValidationError } from '@shop/event-sourcing';

/**
 * Every `code` the product decider can throw: part of the API contract (problem+json `code`) and what the
 * checkout process manager records as the reason a reservation was rejected.
 */
export type InventoryErrorCode =
  | 'invalid_product_id'
  | 'invalid_order_id'
  | 'invalid_sku'
  | 'invalid_name'
  | 'invalid_price'
  | 'invalid_currency'
  | 'invalid_quantity'
  | 'product_not_found'
  | 'product_already_registered'
  | 'stock_limit_exceeded'
  | 'insufficient_stock'
  | 'reservation_conflict'
  | 'reservation_settled'
  | 'reservation_not_found'
  | 'reservation_released'
  | 'reservation_committed';

export const invalid = (code: InventoryErrorCode, message: string, details: Record<string, unknown>) =>
  new ValidationError(code, message, details);

export const ruleViolated = (code: InventoryErrorCode, message: string, details: Record<string, unknown>) =>
  new RuleViolatedError(code, message, details);

export const productNotFound = (productId: string) =>
  new NotFoundError('product_not_found', `Product ${productId} does not exist`, { productId });

export const insufficientStock = (productId: string, requested: number, available: number) =>
  ruleViolated('insufficient_stock', `Only ${available} unit(s) of product ${productId} are available`, {
    productId,
    requested,
    available,
  });

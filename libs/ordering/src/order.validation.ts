import { type PlaceOrderLine } from './order.commands';
import { invalid } from './order.errors';
import { type OrderLine } from './order.events';
import { isUuid } from './order.streams';

export const MAX_LINES = 50;
export const MAX_LINE_QUANTITY = 1000;
export const MAX_UNIT_PRICE_CENTS = 100_000_000;
export const MAX_REASON_LENGTH = 500;

// The same bound as token subjects (libs/auth subject.ts): a customer id is the customer's token `sub`.
const CUSTOMER_ID = /^[\x21-\x7E]{1,255}$/;
const CURRENCY = /^[A-Z]{3}$/;

export const requireOrderId = (orderId: string): void => {
  if (!isUuid(orderId)) throw invalid('invalid_order_id', 'orderId must be a lowercase UUID', { orderId });
};

/** Customer ids come from authentication (`auth0|...`, UUIDs, ...): any opaque, bounded identifier. */
export const requireCustomerId = (customerId: string): void => {
  if (!CUSTOMER_ID.test(customerId)) {
    throw invalid('invalid_customer_id', 'customerId must be 1-255 visible ASCII characters (no spaces)', {});
  }
};

export const requireCurrency = (currency: string): void => {
  if (!CURRENCY.test(currency)) {
    throw invalid('invalid_currency', 'currency must be an ISO 4217 code such as EUR', { currency });
  }
};

export const normalizeReason = (reason: string): string => {
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_REASON_LENGTH) {
    throw invalid('invalid_reason', `reason must have 1-${MAX_REASON_LENGTH} characters`, {
      length: trimmed.length,
    });
  }
  return trimmed;
};

/** Validates the lines and prices them; with the bounds above every total is a safe integer. */
export const priceLines = (lines: readonly PlaceOrderLine[]): OrderLine[] => {
  if (lines.length < 1 || lines.length > MAX_LINES) {
    throw invalid('invalid_lines', `an order has 1-${MAX_LINES} lines`, { lines: lines.length });
  }
  const seen = new Set<string>();
  return lines.map(({ productId, quantity, unitPriceCents }, index) => {
    if (!isUuid(productId)) {
      throw invalid('invalid_product_id', 'productId must be a lowercase UUID', { index, productId });
    }
    if (seen.has(productId)) {
      throw invalid('duplicate_product', 'each product appears on one line only', { index, productId });
    }
    seen.add(productId);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
      throw invalid('invalid_quantity', `quantity must be an integer from 1 to ${MAX_LINE_QUANTITY}`, {
        index,
        quantity,
      });
    }
    if (!Number.isInteger(unitPriceCents) || unitPriceCents < 0 || unitPriceCents > MAX_UNIT_PRICE_CENTS) {
      throw invalid('invalid_price', `unitPriceCents must be an integer from 0 to ${MAX_UNIT_PRICE_CENTS}`, {
        index,
        unitPriceCents,
      });
    }
    return { productId, quantity, unitPriceCents, lineTotalCents: quantity * unitPriceCents };
  });
};

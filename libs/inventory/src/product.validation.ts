import { invalid } from './product.errors';
import { isUuid } from './product.streams';

/** Upper bounds keep every sum far below Number.MAX_SAFE_INTEGER (money and stock are integers). */
export const MAX_PRICE_CENTS = 100_000_000;
export const MAX_STOCK_QUANTITY = 1_000_000;
export const MAX_ON_HAND = 1_000_000_000;
export const MAX_NAME_LENGTH = 200;

const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CURRENCY = /^[A-Z]{3}$/;

export const requireProductId = (productId: string): void => {
  if (!isUuid(productId)) invalidId('invalid_product_id', 'productId', productId);
};

export const requireOrderId = (orderId: string): void => {
  if (!isUuid(orderId)) invalidId('invalid_order_id', 'orderId', orderId);
};

const invalidId = (code: 'invalid_product_id' | 'invalid_order_id', field: string, value: string): never => {
  throw invalid(code, `${field} must be a lowercase UUID`, { [field]: value });
};

export const requireSku = (sku: string): void => {
  if (!SKU.test(sku)) {
    throw invalid('invalid_sku', 'sku must be 1-64 letters, digits, dots, dashes or underscores', { sku });
  }
};

/** Returns the name as it will be stored: trimmed, so "Mug" and " Mug " are the same product. */
export const normalizeName = (name: string): string => {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    throw invalid('invalid_name', `name must have 1-${MAX_NAME_LENGTH} characters`, {
      length: trimmed.length,
    });
  }
  return trimmed;
};

export const requirePrice = (priceCents: number): void => {
  if (!Number.isInteger(priceCents) || priceCents < 0 || priceCents > MAX_PRICE_CENTS) {
    throw invalid('invalid_price', `priceCents must be an integer from 0 to ${MAX_PRICE_CENTS}`, {
      priceCents,
    });
  }
};

export const requireCurrency = (currency: string): void => {
  if (!CURRENCY.test(currency)) {
    throw invalid('invalid_currency', 'currency must be an ISO 4217 code such as EUR', { currency });
  }
};

export const requireQuantity = (quantity: number): void => {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_STOCK_QUANTITY) {
    throw invalid('invalid_quantity', `quantity must be an integer from 1 to ${MAX_STOCK_QUANTITY}`, {
      quantity,
    });
  }
};

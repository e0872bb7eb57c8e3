import { invalid } from './payment.errors';
import { isUuid } from './payment.streams';

export const MAX_REASON_LENGTH = 500;
const CURRENCY = /^[A-Z]{3}$/;
const PROVIDER_REF = /^[\x21-\x7e]{1,200}$/;

export const requireOrderId = (orderId: string): void => {
  if (!isUuid(orderId)) throw invalid('invalid_order_id', 'orderId must be a lowercase UUID', { orderId });
};

export const requireAmount = (amountCents: number): void => {
  if (!Number.isSafeInteger(amountCents) || amountCents < 1) {
    throw invalid('invalid_amount', 'amountCents must be a positive integer', { amountCents });
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

export const requireProviderRef = (providerRef: string): void => {
  if (!PROVIDER_REF.test(providerRef)) {
    throw invalid('invalid_provider_ref', 'provider references are 1-200 printable ASCII characters', {});
  }
};

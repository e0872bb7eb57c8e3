import { ValidationError } from '@shop/event-sourcing';

/** One payment per order: the payment stream is keyed by the order id. */
export const PAYMENT_STREAM_CATEGORY = 'payment';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** `payment-<orderId>`; throws ValidationError('invalid_order_id') so raw input never becomes a stream name. */
export const paymentStreamName = (orderId: string): string => {
  if (!isUuid(orderId)) {
    throw new ValidationError('invalid_order_id', 'orderId must be a lowercase UUID', { orderId });
  }
  return `${PAYMENT_STREAM_CATEGORY}-${orderId}`;
};

export const orderIdFromPaymentStreamName = (streamName: string): string | undefined => {
  const prefix = `${PAYMENT_STREAM_CATEGORY}-`;
  if (!streamName.startsWith(prefix)) return undefined;
  const id = streamName.slice(prefix.length);
  return isUuid(id) ? id : undefined;
};

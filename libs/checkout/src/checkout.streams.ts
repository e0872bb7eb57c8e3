import { ValidationError } from '@shop/event-sourcing';

/** One checkout per order: the process manager's own stream is keyed by the order id. */
export const CHECKOUT_STREAM_CATEGORY = 'checkout';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** `checkout-<orderId>`; throws ValidationError('invalid_order_id') for anything but a lowercase UUID. */
export const checkoutStreamName = (orderId: string): string => {
  if (!isUuid(orderId)) {
    throw new ValidationError('invalid_order_id', 'orderId must be a lowercase UUID', { orderId });
  }
  return `${CHECKOUT_STREAM_CATEGORY}-${orderId}`;
};

export const orderIdFromCheckoutStreamName = (streamName: string): string | undefined => {
  const prefix = `${CHECKOUT_STREAM_CATEGORY}-`;
  if (!streamName.startsWith(prefix)) return undefined;
  const id = streamName.slice(prefix.length);
  return isUuid(id) ? id : undefined;
};

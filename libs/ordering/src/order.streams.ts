import { ValidationError } from '@shop/event-sourcing';

export const ORDER_STREAM_CATEGORY = 'order';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** `order-<uuid>`; throws ValidationError('invalid_order_id') so raw input never becomes a stream name. */
export const orderStreamName = (orderId: string): string => {
  if (!isUuid(orderId)) {
    throw new ValidationError('invalid_order_id', 'orderId must be a lowercase UUID', { orderId });
  }
  return `${ORDER_STREAM_CATEGORY}-${orderId}`;
};

export const orderIdFromStreamName = (streamName: string): string | undefined => {
  const prefix = `${ORDER_STREAM_CATEGORY}-`;
  if (!streamName.startsWith(prefix)) return undefined;
  const id = streamName.slice(prefix.length);
  return isUuid(id) ? id : undefined;
};

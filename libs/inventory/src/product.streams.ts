import { ValidationError } from '@shop/event-sourcing';

/** Stream category of the product aggregate; subscriptions filter on `product-`. */
export const PRODUCT_STREAM_CATEGORY = 'product';

// Canonical lowercase UUIDs only: one id, one stream, one read-model document (no case variants).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** `product-<uuid>`; throws ValidationError('invalid_product_id') so raw input never becomes a stream name. */
export const productStreamName = (productId: string): string => {
  if (!isUuid(productId)) {
    throw new ValidationError('invalid_product_id', 'productId must be a lowercase UUID', { productId });
  }
  return `${PRODUCT_STREAM_CATEGORY}-${productId}`;
};

/** Inverse of {@link productStreamName}; undefined for any other stream. */
export const productIdFromStreamName = (streamName: string): string | undefined => {
  const prefix = `${PRODUCT_STREAM_CATEGORY}-`;
  if (!streamName.startsWith(prefix)) return undefined;
  const id = streamName.slice(prefix.length);
  return isUuid(id) ? id : undefined;
};

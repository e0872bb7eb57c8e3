/**
 * Inventory bounded context: the product aggregate (catalog entry + stock levels), framework-free.
 * Command handlers build a command, load `productStreamName(id)`, run `productDecider` and append.
 */
export * from './product.commands';
export { productDecider } from './product.decider';
export { productIdForSku } from './product.identity';
export { type InventoryErrorCode } from './product.errors';
export * from './product.events';
export {
  availableQuantity,
  type ProductState,
  type RegisteredProduct,
  reservedQuantity,
} from './product.state';
export {
  type ReservationOutcome,
  SETTLED_REMEMBERED,
  settledCount,
  type SettledReservations,
} from './settled-reservations';
export { PRODUCT_STREAM_CATEGORY, productIdFromStreamName, productStreamName } from './product.streams';
export { MAX_NAME_LENGTH, MAX_PRICE_CENTS, MAX_STOCK_QUANTITY } from './product.validation';
export {
  PRODUCT_TOPIC,
  PRODUCTS_COLLECTION,
  productsProjection,
  type ProductView,
  STOCK_TOPIC,
} from './products.projection';
export { inventoryUpcasters } from './product.upcasters';

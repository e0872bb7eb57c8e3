import { v5 as uuidv5 } from 'uuid';
import { requireSku } from './product.validation';

// Fixed forever: changing it would give every existing SKU a new product id.
const SKU_NAMESPACE = '3d6f0b8e-6c2a-4d55-9a0e-5b1f7c2d8e41';

/**
 * The product id of a SKU (UUID v5). A SKU must be unique, and a decider only sees its own stream: deriving
 * the id from the SKU makes "one product per SKU" hold on the write side, so registering a SKU twice lands on
 * the same stream (an identical registration is a no-op, a different one is `product_already_registered`)
 * instead of reaching the read model's unique index. `POST /products` should use it rather than a random id.
 */
export const productIdForSku = (sku: string): string => {
  requireSku(sku);
  return uuidv5(sku, SKU_NAMESPACE);
};

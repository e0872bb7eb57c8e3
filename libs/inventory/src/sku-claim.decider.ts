import { type Command, type Decider, type DomainEvent, RuleViolatedError } from '@shop/event-sourcing';
import { requireProductId, requireSku } from './product.validation';

/**
 * SKU uniqueness on the write side. Read models are eventually consistent, so "is this SKU free?" cannot be
 * asked of them; instead every SKU has a tiny stream that records which product claimed it, and
 * registering a product first claims its SKU there under optimistic concurrency.
 */
export type ClaimSku = Command<
  'ClaimSku',
  {
    sku: string;
    productId: string;
    /**
     * Whether the product currently holding the claim was actually registered. A claim whose product never
     * got registered (its registration failed after the claim) is stale and may be taken over.
     */
    claimantRegistered: boolean;
  }
>;

export type SkuClaimed = DomainEvent<'SkuClaimed', { sku: string; productId: string }>;

export interface SkuClaimState {
  productId: string | null;
}

export const SKU_CLAIM_STREAM_CATEGORY = 'skuclaim';

/** SKUs are unique case-insensitively: "mug-1" and "MUG-1" are the same SKU. */
export const skuClaimStreamName = (sku: string): string => {
  requireSku(sku);
  return `${SKU_CLAIM_STREAM_CATEGORY}-${sku.toLowerCase()}`;
};

export const claimSku = (data: ClaimSku['data'], metadata: ClaimSku['metadata']): ClaimSku => ({
  type: 'ClaimSku',
  data,
  metadata,
});

export const skuClaimDecider: Decider<SkuClaimState, ClaimSku, SkuClaimed> = {
  initialState: () => ({ productId: null }),
  evolve: (_state, event) => ({ productId: event.data.productId }),
  decide: (command, state) => {
    const { sku, productId, claimantRegistered } = command.data;
    requireSku(sku);
    requireProductId(productId);
    if (state.productId === productId) return [];
    if (state.productId !== null && claimantRegistered) {
      throw new RuleViolatedError('sku_taken', `SKU ${sku} belongs to another product`, {
        sku,
        productId: state.productId,
      });
    }
    return [{ type: 'SkuClaimed', data: { sku, productId } }];
  },
};

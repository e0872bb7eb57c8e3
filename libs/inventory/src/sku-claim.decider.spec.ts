import { deciderSpec, RuleViolatedError, ValidationError } from '@shop/event-sourcing';
import { claimSku, type SkuClaimed, skuClaimDecider, skuClaimStreamName } from './sku-claim.decider';

const { given } = deciderSpec(skuClaimDecider);
const now = new Date('2026-01-01T00:00:00Z');
const a = '11111111-1111-4111-8111-111111111111';
const b = '22222222-2222-4222-8222-222222222222';
const claimed = (productId: string): SkuClaimed => ({
  type: 'SkuClaimed',
  data: { sku: 'MUG-1', productId },
});
const claim = (productId: string, claimantRegistered = true) =>
  claimSku({ sku: 'MUG-1', productId, claimantRegistered }, { now });

describe('skuClaimDecider', () => {
  it('claims a free SKU', () =>
    given([])
      .when(claim(a))
      .then([claimed(a)]));

  it('refuses a SKU another registered product holds', () =>
    given([claimed(a)])
      .when(claim(b))
      .thenThrows(RuleViolatedError, 'sku_taken'));

  it('is a no-op when the same product claims again', () =>
    given([claimed(a)])
      .when(claim(a))
      .thenNothingHappened());

  it('takes over a stale claim whose product was never registered', () =>
    given([claimed(a)])
      .when(claim(b, false))
      .then([claimed(b)]));

  it('rejects a malformed SKU', () =>
    given([])
      .when(claimSku({ sku: 'no spaces', productId: a, claimantRegistered: true }, { now }))
      .thenThrows(ValidationError, 'invalid_sku'));

  it('names one stream per SKU, case-insensitively', () => {
    expect(skuClaimStreamName('MUG-1')).toBe('skuclaim-mug-1');
    expect(skuClaimStreamName('mug-1')).toBe('skuclaim-mug-1');
  });
});

import { ValidationError } from '@shop/event-sourcing';
import { productIdForSku } from './product.identity';
import { productStreamName } from './product.streams';

describe('productIdForSku', () => {
  it('gives one stable, valid product id per SKU', () => {
    const id = productIdForSku('MUG-01');
    expect(productIdForSku('MUG-01')).toBe(id);
    expect(productIdForSku('MUG-02')).not.toBe(id);
    expect(productStreamName(id)).toBe(`product-${id}`);
  });
  it('refuses an invalid SKU', () => {
    expect(() => productIdForSku('not a sku')).toThrow(ValidationError);
  });
});

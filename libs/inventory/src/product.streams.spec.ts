import { ValidationError } from '@shop/event-sourcing';
import { productIdFromStreamName, productStreamName } from './product.streams';

const id = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';

describe('product stream names', () => {
  it('builds and parses product-<uuid>', () => {
    expect(productStreamName(id)).toBe(`product-${id}`);
    expect(productIdFromStreamName(`product-${id}`)).toBe(id);
    expect(productIdFromStreamName(`order-${id}`)).toBeUndefined();
  });
  it.each(['', 'abc', `${id}-x`, id.toUpperCase(), '../product-x'])('refuses %p', (raw) => {
    expect(() => productStreamName(raw)).toThrow(ValidationError);
  });
});

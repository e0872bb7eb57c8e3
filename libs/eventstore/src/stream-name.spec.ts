import { streamName } from '@shop/eventstore';

describe('streamName', () => {
  it('joins a dash-free category and an id', () => {
    expect(streamName('product', '0b6b-42')).toBe('product-0b6b-42');
    expect(streamName('order_line', 'x')).toBe('order_line-x');
  });

  it('rejects categories that would be split wrongly by $by_category', () => {
    expect(() => streamName('order-line', 'x')).toThrow(/no dashes/);
    expect(() => streamName('', 'x')).toThrow();
    expect(() => streamName('product', '')).toThrow();
  });
});

import { ValidationError } from '@shop/event-sourcing';
import { orderIdFromStreamName, orderStreamName } from './order.streams';

const id = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';

describe('order stream names', () => {
  it('builds and parses order-<uuid>', () => {
    expect(orderStreamName(id)).toBe(`order-${id}`);
    expect(orderIdFromStreamName(`order-${id}`)).toBe(id);
    expect(orderIdFromStreamName(`payment-${id}`)).toBeUndefined();
  });
  it.each(['', 'x', `${id}/..`, id.toUpperCase()])('refuses %p', (raw) => {
    expect(() => orderStreamName(raw)).toThrow(ValidationError);
  });
});

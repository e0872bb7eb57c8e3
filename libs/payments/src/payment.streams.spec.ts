import { ValidationError } from '@shop/event-sourcing';
import { orderIdFromPaymentStreamName, paymentStreamName } from './payment.streams';

const id = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';

describe('payment stream names', () => {
  it('builds and parses payment-<orderId>', () => {
    expect(paymentStreamName(id)).toBe(`payment-${id}`);
    expect(orderIdFromPaymentStreamName(`payment-${id}`)).toBe(id);
    expect(orderIdFromPaymentStreamName(`order-${id}`)).toBeUndefined();
  });
  it.each(['', 'x', id.toUpperCase()])('refuses %p', (raw) => {
    expect(() => paymentStreamName(raw)).toThrow(ValidationError);
  });
});

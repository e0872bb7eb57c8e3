import { deciderSpec, NotFoundError, RuleViolatedError, ValidationError } from '@shop/event-sourcing';
import { cancelOrder, confirmOrder, markShipped, placeOrder, type PlaceOrderLine } from './order.commands';
import { orderDecider } from './order.decider';
import { orderCancelled, orderConfirmed, orderPlaced, orderShipped } from './order.events';

const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const p1 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const p2 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a02';
const meta = { now: new Date('2026-03-01T10:00:00.000Z') };
const lines: PlaceOrderLine[] = [
  { productId: p1, quantity: 2, unitPriceCents: 1299 },
  { productId: p2, quantity: 1, unitPriceCents: 500 },
];
const facts = {
  orderId,
  customerId: 'cust-1',
  lines: [
    { productId: p1, quantity: 2, unitPriceCents: 1299, lineTotalCents: 2598 },
    { productId: p2, quantity: 1, unitPriceCents: 500, lineTotalCents: 500 },
  ],
  totalCents: 3098,
  currency: 'EUR',
};
const place = (patch: Partial<{ customerId: string; lines: PlaceOrderLine[]; currency: string }> = {}) =>
  placeOrder({ orderId, customerId: 'cust-1', lines, currency: 'EUR', ...patch }, meta);

const placed = orderPlaced(facts);
const confirmed = orderConfirmed(facts);
const shipped = orderShipped(facts);
const cancelled = (previousStatus: 'placed' | 'confirmed') =>
  orderCancelled({ ...facts, reason: 'out of stock', previousStatus });

const { given } = deciderSpec(orderDecider);

describe('order decider', () => {
  describe('PlaceOrder', () => {
    it('places an order with derived line totals and total', () => given([]).when(place()).then([placed]));
    it('is a no-op when the identical order is placed again', () =>
      given([placed]).when(place()).thenNothingHappened());
    it('refuses other content on an existing order id', () =>
      given([placed])
        .when(place({ lines: [{ productId: p1, quantity: 3, unitPriceCents: 1299 }] }))
        .thenThrows(RuleViolatedError, 'order_already_placed'));
    const line = (patch: Partial<PlaceOrderLine>): PlaceOrderLine => ({
      productId: p1,
      quantity: 1,
      unitPriceCents: 100,
      ...patch,
    });
    it.each<[string, PlaceOrderLine[]]>([
      ['invalid_lines', []],
      [
        'invalid_lines',
        Array.from({ length: 51 }, (_, i) =>
          line({ productId: `${p1.slice(0, -2)}${String(i).padStart(2, '0')}` }),
        ),
      ],
      ['duplicate_product', [line({}), line({ quantity: 2 })]],
      ['invalid_quantity', [line({ quantity: 0 })]],
      ['invalid_quantity', [line({ quantity: 1001 })]],
      ['invalid_quantity', [line({ quantity: 1.5 })]],
      ['invalid_price', [line({ unitPriceCents: -1 })]],
      ['invalid_price', [line({ unitPriceCents: 0.5 })]],
      ['invalid_product_id', [line({ productId: 'P1' })]],
    ])('rejects lines with %s', (code, badLines) =>
      given([])
        .when(place({ lines: badLines }))
        .thenThrows(ValidationError, code),
    );
    it('accepts 50 lines of 1000 units', () => {
      const many = Array.from({ length: 50 }, (_, i) =>
        line({ productId: `${p1.slice(0, -2)}${String(i).padStart(2, '0')}`, quantity: 1000 }),
      );
      const [event] = orderDecider.decide(place({ lines: many }), orderDecider.initialState());
      expect(event?.data.totalCents).toBe(50 * 1000 * 100);
    });
    it.each([
      'auth0|5f7c8ec7c33c6c004bbafe82',
      'google-oauth2|1234567890',
      'user@example.com',
      'a'.repeat(255),
    ])('accepts the opaque customer id (token subject) %s', (customerId) => {
      const [event] = orderDecider.decide(place({ customerId }), orderDecider.initialState());
      expect(event?.data).toMatchObject({ customerId });
    });
    it.each(['', 'a'.repeat(256), 'has space', 'tab\there', 'nul\u0000', 'é-accent'])(
      'rejects the customer id %j',
      (customerId) =>
        given([]).when(place({ customerId })).thenThrows(ValidationError, 'invalid_customer_id'),
    );
    it('rejects a bad currency', () => {
      given([])
        .when(place({ currency: 'E' }))
        .thenThrows(ValidationError, 'invalid_currency');
    });
  });

  describe('ConfirmOrder', () => {
    const command = confirmOrder({ orderId }, meta);
    it('confirms a placed order', () => given([placed]).when(command).then([confirmed]));
    it('is a no-op when already confirmed', () =>
      given([placed, confirmed]).when(command).thenNothingHappened());
    it('refuses cancelled, shipped and unknown orders', () => {
      given([placed, cancelled('placed')])
        .when(command)
        .thenThrows(RuleViolatedError, 'illegal_transition');
      given([placed, confirmed, shipped]).when(command).thenThrows(RuleViolatedError, 'illegal_transition');
      given([]).when(command).thenThrows(NotFoundError, 'order_not_found');
    });
  });

  describe('CancelOrder', () => {
    const command = cancelOrder({ orderId, reason: ' out of stock ' }, meta);
    it('cancels a placed or confirmed order, saying which', () => {
      given([placed])
        .when(command)
        .then([cancelled('placed')]);
      given([placed, confirmed])
        .when(command)
        .then([cancelled('confirmed')]);
    });
    it('is a no-op when already cancelled', () =>
      given([placed, cancelled('placed')])
        .when(command)
        .thenNothingHappened());
    it('refuses a shipped order and an empty reason', () => {
      given([placed, confirmed, shipped]).when(command).thenThrows(RuleViolatedError, 'illegal_transition');
      given([placed])
        .when(cancelOrder({ orderId, reason: '  ' }, meta))
        .thenThrows(ValidationError, 'invalid_reason');
    });
  });

  describe('MarkShipped', () => {
    const command = markShipped({ orderId }, meta);
    it('ships a confirmed order', () => given([placed, confirmed]).when(command).then([shipped]));
    it('is a no-op when already shipped', () =>
      given([placed, confirmed, shipped]).when(command).thenNothingHappened());
    it('refuses placed and cancelled orders', () => {
      given([placed]).when(command).thenThrows(RuleViolatedError, 'illegal_transition');
      given([placed, cancelled('placed')])
        .when(command)
        .thenThrows(RuleViolatedError, 'illegal_transition');
    });
  });

  it('reports from and to of an illegal transition', () => {
    const state = [placed, confirmed, shipped].reduce(orderDecider.evolve, orderDecider.initialState());
    let thrown: unknown;
    try {
      orderDecider.decide(cancelOrder({ orderId, reason: 'late' }, meta), state);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as RuleViolatedError).details).toEqual({ orderId, from: 'shipped', to: 'cancelled' });
  });
});

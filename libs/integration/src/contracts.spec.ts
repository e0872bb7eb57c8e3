import { type DomainEvent, type StoredEvent } from '@shop/event-sourcing';
import { readdirSync } from 'node:fs';
import { INTEGRATION_EVENT_TYPES, type IntegrationEvent, orderOrReportIntegrationEvent } from './contracts';
import { schemaErrors, schemaOf, SCHEMAS_DIR } from './testing/schemas';

const validate = (event: IntegrationEvent) => schemaErrors(event.type, event.data);

const orderId = '0b6f4a8e-2f5e-4c4b-9d1a-1f2e3d4c5b6a';
const productId = '7d3c2b1a-0f9e-4d8c-8b7a-6a5b4c3d2e1f';
const facts = {
  orderId,
  customerId: 'auth0|customer-1',
  lines: [{ productId, quantity: 2, unitPriceCents: 900, lineTotalCents: 1800 }],
  totalCents: 1800,
  currency: 'EUR',
};
const stored = (event: DomainEvent): StoredEvent =>
  ({
    streamName: `order-${orderId}`,
    revision: 0n,
    event,
    metadata: {
      eventId: 'e1',
      correlationId: 'c1',
      causationId: 'c1',
      schemaVersion: 1,
      occurredAt: '2026-12-04T12:00:00.000Z',
    },
  }) as StoredEvent;

describe('integration event contract', () => {
  it('has one JSON Schema per type, and nothing else in schemas/', () => {
    const files = readdirSync(SCHEMAS_DIR).sort();
    expect(files).toEqual([...INTEGRATION_EVENT_TYPES].map((t) => `${t}.schema.json`).sort());
    for (const type of INTEGRATION_EVENT_TYPES)
      expect(schemaOf(type)).toMatchObject({ $id: expect.stringContaining(type) });
  });

  it.each([
    ['OrderPlaced', 'shop.order.placed.v1', facts],
    ['OrderConfirmed', 'shop.order.confirmed.v1', facts],
    [
      'OrderCancelled',
      'shop.order.cancelled.v1',
      { ...facts, reason: 'out of stock', previousStatus: 'confirmed' },
    ],
    ['OrderShipped', 'shop.order.shipped.v1', facts],
    [
      'SalesReportCompleted',
      'shop.report.ready.v1',
      { reportId: orderId, rows: [], totals: { units: -1, revenueCents: -900 } },
    ],
  ])('%s becomes %s with data its schema accepts', (type, expected, data) => {
    const event = orderOrReportIntegrationEvent(stored({ type, data }) as never);
    expect(event?.type).toBe(expected);
    expect(validate(event!)).toEqual([]);
  });

  it('publishes the public shape, not the domain event (no internal fields leak)', () => {
    const placed = orderOrReportIntegrationEvent(stored({ type: 'OrderPlaced', data: facts }) as never)!;
    expect(placed).toEqual({
      type: 'shop.order.placed.v1',
      subject: orderId,
      data: {
        orderId,
        customerId: 'auth0|customer-1',
        lines: [{ productId, quantity: 2, unitPriceCents: 900 }],
        totalCents: 1800,
        currency: 'EUR',
        placedAt: '2026-12-04T12:00:00.000Z',
      },
    });
    const cancelled = orderOrReportIntegrationEvent(
      stored({
        type: 'OrderCancelled',
        data: { ...facts, reason: 'changed my mind', previousStatus: 'placed' },
      }) as never,
    )!;
    expect(cancelled.data).toMatchObject({ reason: 'changed my mind', wasConfirmed: false });
  });

  it('publishes nothing for the other events, and the schemas refuse what the contract does not allow', () => {
    expect(
      orderOrReportIntegrationEvent(stored({ type: 'SalesReportRequested', data: {} }) as never),
    ).toBeUndefined();
    expect(
      validate({
        type: 'shop.product.stock-low.v1',
        subject: productId,
        data: { productId, sku: 'S', available: -1 },
      }),
    ).toEqual(
      expect.arrayContaining([expect.stringContaining('threshold'), expect.stringContaining('>= 0')]),
    );
  });
});

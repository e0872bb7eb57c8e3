import { type StoredEvent } from '@shop/event-sourcing';
import { PRODUCT_EVENT_TYPES, type ProductEvent } from '@shop/inventory';
import { ORDER_EVENT_TYPES, type OrderEvent } from '@shop/ordering';
import { type SalesReportCompleted } from '@shop/reporting';

/**
 * The public contract other services consume: versioned integration event types, each with a JSON Schema in
 * `schemas/<type>.schema.json`. Separate from the domain events, which stay free to change (upcasters keep
 * old domain events readable; a breaking change here is a new `.v2` type published next to `.v1`).
 */
export const INTEGRATION_EVENT_TYPES = [
  'shop.order.placed.v1',
  'shop.order.confirmed.v1',
  'shop.order.cancelled.v1',
  'shop.order.shipped.v1',
  'shop.product.stock-low.v1',
  'shop.report.ready.v1',
] as const;
export type IntegrationEventType = (typeof INTEGRATION_EVENT_TYPES)[number];

/** One message to publish: the CloudEvents `type`, `subject` and `data`; the rest comes from the source event. */
export interface IntegrationEvent {
  readonly type: IntegrationEventType;
  readonly subject: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The domain events the publisher reads (a subset of them becomes an integration event). */
export const SOURCE_EVENT_TYPES = [
  ...ORDER_EVENT_TYPES,
  // Every product event: StockLevels follows each product's revisions without gaps.
  ...PRODUCT_EVENT_TYPES,
  'SalesReportCompleted',
] as const;

type SourceEvent = OrderEvent | ProductEvent | SalesReportCompleted;

const lines = (event: OrderEvent) =>
  event.data.lines.map(({ productId, quantity, unitPriceCents }) => ({
    productId,
    quantity,
    unitPriceCents,
  }));

/**
 * The integration event for an order or report event (undefined: nothing to publish). Product events need the
 * product's availability and go through StockLevels.
 */
export const orderOrReportIntegrationEvent = (
  stored: StoredEvent<SourceEvent>,
): IntegrationEvent | undefined => {
  const event = stored.event;
  const at = stored.metadata.occurredAt;
  switch (event.type) {
    case 'OrderPlaced':
      return {
        type: 'shop.order.placed.v1',
        subject: event.data.orderId,
        data: {
          orderId: event.data.orderId,
          customerId: event.data.customerId,
          lines: lines(event),
          totalCents: event.data.totalCents,
          currency: event.data.currency,
          placedAt: at,
        },
      };
    case 'OrderConfirmed':
      return {
        type: 'shop.order.confirmed.v1',
        subject: event.data.orderId,
        data: {
          orderId: event.data.orderId,
          customerId: event.data.customerId,
          totalCents: event.data.totalCents,
          currency: event.data.currency,
          confirmedAt: at,
        },
      };
    case 'OrderCancelled':
      return {
        type: 'shop.order.cancelled.v1',
        subject: event.data.orderId,
        data: {
          orderId: event.data.orderId,
          customerId: event.data.customerId,
          reason: event.data.reason,
          wasConfirmed: event.data.previousStatus === 'confirmed',
          cancelledAt: at,
        },
      };
    case 'OrderShipped':
      return {
        type: 'shop.order.shipped.v1',
        subject: event.data.orderId,
        data: {
          orderId: event.data.orderId,
          customerId: event.data.customerId,
          lines: lines(event),
          shippedAt: at,
        },
      };
    case 'SalesReportCompleted':
      return {
        type: 'shop.report.ready.v1',
        subject: event.data.reportId,
        data: {
          reportId: event.data.reportId,
          rows: event.data.rows.length,
          totals: { units: event.data.totals.units, revenueCents: event.data.totals.revenueCents },
          completedAt: at,
        },
      };
    case 'ProductRegistered':
    case 'ProductPriceChanged':
    case 'StockReceived':
    case 'StockReserved':
    case 'StockReservationReleased':
    case 'StockReservationCommitted':
      return undefined;
  }
};

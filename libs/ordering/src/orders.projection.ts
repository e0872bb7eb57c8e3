import {
  type ProjectionDefinition,
  type ProjectionWrite,
  type StoredEvent,
  upsertById,
  type ViewChange,
} from '@shop/event-sourcing';
import { PAYMENT_EVENT_TYPES, type PaymentEvent } from '@shop/payments';
import { ORDER_EVENT_TYPES, type OrderEvent, type OrderLine } from './order.events';
import { type OrderStatus } from './order.state';

export const ORDERS_COLLECTION = 'orders';

export type OrderPaymentStatus =
  'not_requested' | 'requested' | 'authorized' | 'captured' | 'failed' | 'refund_requested' | 'refunded';

export interface OrderStatusChange {
  readonly status: OrderStatus;
  readonly at: Date;
  /** Present on cancellations only. */
  readonly reason?: string;
}

/** A document of the `orders` read model (`GET /orders/:id`, `GET /customers/:id/orders`). */
export interface OrderView {
  readonly _id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly lines: readonly OrderLine[];
  readonly totalCents: number;
  readonly currency: string;
  readonly placedAt: Date;
  readonly updatedAt: Date;
  /** Revision of the order stream (payment events do not change it): the order's ETag on reads. */
  readonly revision: number;
  readonly payment: {
    readonly status: OrderPaymentStatus;
    readonly failureReason?: string;
    /**
     * Set when the payment failed without an answer from the provider: `pending` until the provider was
     * asked what it did, then `no_charge`, or `charged` (and the money is refunded: see `status`).
     */
    readonly reconciliation?: 'pending' | 'no_charge' | 'charged';
  };
  readonly history: readonly OrderStatusChange[];
}

type Event = OrderEvent | PaymentEvent;

const at = (stored: StoredEvent) => new Date(stored.metadata.occurredAt);

const statusChange = (stored: StoredEvent<Event>, status: OrderStatus, extra: object = {}): ProjectionWrite =>
  upsertById(ORDERS_COLLECTION, stored.event.data.orderId, {
    $set: { status, updatedAt: at(stored), revision: Number(stored.revision) },
    $push: { history: { status, at: at(stored), ...extra } },
  });

const paymentStatus = (stored: StoredEvent<Event>, status: OrderPaymentStatus, extra: object = {}) =>
  upsertById(ORDERS_COLLECTION, stored.event.data.orderId, {
    $set: { 'payment.status': status, updatedAt: at(stored), ...extra },
  });

const handle = (stored: StoredEvent<Event>): readonly ProjectionWrite[] => {
  const { event } = stored;
  switch (event.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, lines, totalCents, currency } = event.data;
      return [
        upsertById(ORDERS_COLLECTION, orderId, {
          $set: {
            customerId,
            status: 'placed',
            lines,
            totalCents,
            currency,
            placedAt: at(stored),
            updatedAt: at(stored),
            revision: Number(stored.revision),
            payment: { status: 'not_requested' },
          },
          $push: { history: { status: 'placed', at: at(stored) } },
        }),
      ];
    }
    case 'OrderConfirmed':
      return [statusChange(stored, 'confirmed')];
    case 'OrderCancelled':
      return [statusChange(stored, 'cancelled', { reason: event.data.reason })];
    case 'OrderShipped':
      return [statusChange(stored, 'shipped')];
    case 'PaymentRequested':
      return [paymentStatus(stored, 'requested')];
    case 'PaymentAuthorized':
      return [paymentStatus(stored, 'authorized')];
    case 'PaymentCaptured':
      return [paymentStatus(stored, 'captured')];
    case 'PaymentFailed':
      return [
        paymentStatus(stored, 'failed', {
          'payment.failureReason': event.data.reason,
          ...(event.data.outcomeUnknown ? { 'payment.reconciliation': 'pending' } : {}),
        }),
      ];
    case 'PaymentReconciled':
      return [
        upsertById(ORDERS_COLLECTION, event.data.orderId, {
          $set: {
            'payment.reconciliation': event.data.providerRef ? 'charged' : 'no_charge',
            updatedAt: at(stored),
          },
        }),
      ];
    case 'PaymentRefundRequested':
      return [paymentStatus(stored, 'refund_requested')];
    case 'PaymentRefunded':
      return [paymentStatus(stored, 'refunded')];
  }
};

/** Live topic of an order (libs/live: orderUpdated, myOrdersUpdated). */
export const ORDER_TOPIC = 'order';

/** Order events name the customer; payment events do not, so their owner is read from the view. */
const changes = ({ event }: StoredEvent<Event>): readonly ViewChange[] =>
  'customerId' in event.data
    ? [{ topic: ORDER_TOPIC, id: event.data.orderId, ownerId: event.data.customerId }]
    : [{ topic: ORDER_TOPIC, id: event.data.orderId }];

/**
 * `orders`: one document per order with its lines, status, payment status and the history of status
 * changes. Payment events are joined in here (payments are keyed by order id) so that one read answers
 * `GET /orders/:id`. `$push` is safe because the runner applies each event exactly once, in order.
 */
export const ordersProjection: ProjectionDefinition<Event> = {
  name: 'orders',
  version: 1,
  eventTypes: [...ORDER_EVENT_TYPES, ...PAYMENT_EVENT_TYPES],
  collections: {
    [ORDERS_COLLECTION]: {
      indexes: [{ key: { customerId: 1, placedAt: -1, _id: -1 }, name: 'customer_orders_cursor' }],
    },
  },
  handle,
  changes,
  owners: { topic: ORDER_TOPIC, collection: ORDERS_COLLECTION, field: 'customerId' },
};

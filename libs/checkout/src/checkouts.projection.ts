import {
  type ProjectionDefinition,
  type ProjectionWrite,
  type StoredEvent,
  upsertById,
} from '@shop/event-sourcing';
import {
  CHECKOUT_EVENT_TYPES,
  type CheckoutEvent,
  type CheckoutFailureCode,
  type CheckoutStatus,
} from './checkout.events';
import { type CheckoutOrder, type CheckoutPayment, type LineReservation } from './checkout.state';

export const CHECKOUTS_COLLECTION = 'checkouts';

/** A document of the `checkouts` read model: what operators see of each running or finished checkout. */
export interface CheckoutView {
  readonly _id: string;
  readonly status: CheckoutStatus;
  readonly customerId: string;
  readonly totalCents: number;
  readonly currency: string;
  /** Keyed by product id. */
  readonly lines: Readonly<
    Record<
      string,
      { readonly quantity: number; readonly reservation: LineReservation; readonly rejection?: string }
    >
  >;
  readonly payment: CheckoutPayment;
  readonly paymentFailure?: string;
  readonly order: CheckoutOrder;
  readonly failure: { readonly code: CheckoutFailureCode; readonly reason: string } | null;
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

const set = (stored: StoredEvent<CheckoutEvent>, fields: Record<string, unknown>): ProjectionWrite =>
  upsertById(CHECKOUTS_COLLECTION, stored.event.data.orderId, {
    $set: { ...fields, updatedAt: new Date(stored.metadata.occurredAt) },
  });

const handle = (stored: StoredEvent<CheckoutEvent>): readonly ProjectionWrite[] => {
  const { event } = stored;
  switch (event.type) {
    case 'CheckoutStarted': {
      const { customerId, totalCents, currency, lines } = event.data;
      return [
        set(stored, {
          status: 'reserving',
          customerId,
          totalCents,
          currency,
          lines: Object.fromEntries(
            lines.map((l) => [l.productId, { quantity: l.quantity, reservation: 'pending' }]),
          ),
          payment: 'not_requested',
          order: 'placed',
          failure: null,
          startedAt: new Date(stored.metadata.occurredAt),
        }),
      ];
    }
    case 'CheckoutStockReserved':
      return [set(stored, { [`lines.${event.data.productId}.reservation`]: 'reserved' })];
    case 'CheckoutStockReservationRejected':
      return [
        set(stored, {
          [`lines.${event.data.productId}.reservation`]: 'rejected',
          [`lines.${event.data.productId}.rejection`]: event.data.code,
        }),
      ];
    case 'CheckoutStockReleased':
      return [set(stored, { [`lines.${event.data.productId}.reservation`]: 'released' })];
    case 'CheckoutPaymentRequested':
      return [set(stored, { payment: 'requested' })];
    case 'CheckoutPaymentCaptured':
      return [set(stored, { payment: 'captured' })];
    case 'CheckoutPaymentFailed':
      return [set(stored, { payment: 'failed', paymentFailure: event.data.reason })];
    case 'CheckoutRefundRequested':
      return [set(stored, { payment: 'refund_requested' })];
    case 'CheckoutOrderConfirmed':
      return [set(stored, { order: 'confirmed' })];
    case 'CheckoutOrderCancelled':
      return [set(stored, { order: 'cancelled' })];
    case 'CheckoutStatusChanged':
      return [set(stored, { status: event.data.status })];
    case 'CheckoutCompensationStarted':
      return [
        set(stored, {
          status: 'compensating',
          failure: { code: event.data.code, reason: event.data.reason },
        }),
      ];
  }
};

/**
 * `checkouts`: the process manager's visible state. Operators list checkouts by status, oldest update first,
 * to find ones waiting too long (e.g. `paying` with no payment outcome).
 */
export const checkoutsProjection: ProjectionDefinition<CheckoutEvent> = {
  name: 'checkouts',
  version: 1,
  eventTypes: CHECKOUT_EVENT_TYPES,
  collections: {
    [CHECKOUTS_COLLECTION]: { indexes: [{ key: { status: 1, updatedAt: 1, _id: 1 }, name: 'status_age' }] },
  },
  handle,
};

import {
  type ProjectionDefinition,
  type ProjectionWrite,
  type StoredEvent,
  upsertById,
} from '@shop/event-sourcing';
import { type OrderCancelled, type OrderConfirmed, type OrderLine } from '@shop/ordering';

export const SALES_COLLECTION = 'sales';

/** Net sales of one product on one UTC day (a document of the `sales` read model). */
export interface SalesDayView {
  /** `<day>:<productId>` */
  readonly _id: string;
  /** `YYYY-MM-DD`, UTC. */
  readonly day: string;
  readonly productId: string;
  readonly units: number;
  readonly revenueCents: number;
  readonly updatedAt: Date;
}

type SalesEvent = OrderConfirmed | OrderCancelled;

export const salesDayId = (day: string, productId: string): string => `${day}:${productId}`;

const book = (
  stored: StoredEvent<SalesEvent>,
  lines: readonly OrderLine[],
  sign: 1 | -1,
): ProjectionWrite[] => {
  const day = stored.metadata.occurredAt.slice(0, 10);
  return lines.map((line) =>
    upsertById(SALES_COLLECTION, salesDayId(day, line.productId), {
      $setOnInsert: { day, productId: line.productId },
      $inc: { units: sign * line.quantity, revenueCents: sign * line.lineTotalCents },
      $set: { updatedAt: new Date(stored.metadata.occurredAt) },
    }),
  );
};

/**
 * `sales`: what was sold, per product per UTC day, for the sales report worker. A sale counts on the day
 * its order is confirmed. When a confirmed order is cancelled, it is taken back on the day of the
 * cancellation (like a return), not on the original day: a report on a closed period then never changes
 * after the fact, and the net over any span that contains both days is right. Orders cancelled before
 * confirmation were never counted and are ignored.
 */
export const salesProjection: ProjectionDefinition<SalesEvent> = {
  name: 'sales',
  version: 1,
  eventTypes: ['OrderConfirmed', 'OrderCancelled'],
  collections: {
    [SALES_COLLECTION]: { indexes: [{ key: { day: 1, productId: 1 }, name: 'day_product', unique: true }] },
  },
  handle: (stored) => {
    const { event } = stored;
    switch (event.type) {
      case 'OrderConfirmed':
        return book(stored, event.data.lines, 1);
      case 'OrderCancelled':
        return event.data.previousStatus === 'confirmed' ? book(stored, event.data.lines, -1) : [];
    }
  },
};

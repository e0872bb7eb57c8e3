import { EventStoreDBClient, FORWARDS, START, StreamNotFoundError } from '@eventstore/db-client';
import { Injectable } from '@nestjs/common';
import { type LogPosition, type StoredEvent } from '@shop/event-sourcing';
import { EventSerializer } from '@shop/eventstore';
import { orderStreamName } from '@shop/ordering';
import { paymentStreamName } from '@shop/payments';
import { checkpointId, comparePositions, ProjectionManager } from '@shop/projections';
import { ordersProjection } from '@shop/ordering';

/** Most events replayed to one resuming client; an order has a handful. */
const REPLAY_LIMIT = 1_000;

/**
 * What an order's live stream missed: the events of the order and of its payment after `after` that the
 * orders view has applied (later ones arrive live), in log order.
 */
@Injectable()
export class OrderHistory {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly serializer: EventSerializer,
    private readonly projections: ProjectionManager,
  ) {}

  async since(orderId: string, after: LogPosition): Promise<StoredEvent[]> {
    const checkpoint = (await this.projections.checkpoints.get(checkpointId(ordersProjection.name)))
      ?.position;
    if (!checkpoint) return [];
    const [order, payment] = await Promise.all([
      this.read(orderStreamName(orderId)),
      this.read(paymentStreamName(orderId)),
    ]);
    return [...order, ...payment]
      .filter(
        (e) =>
          e.position &&
          comparePositions(e.position, after) > 0 &&
          comparePositions(e.position, checkpoint) <= 0 &&
          (ordersProjection.eventTypes as readonly string[]).includes(e.event.type),
      )
      .sort((a, b) => comparePositions(a.position!, b.position!))
      .slice(0, REPLAY_LIMIT);
  }

  private async read(stream: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, {
        direction: FORWARDS,
        fromRevision: START,
        maxCount: REPLAY_LIMIT,
      })) {
        const stored = resolved.event && this.serializer.deserialize(resolved.event);
        if (stored) events.push(stored);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }
}

import type { EventStore } from '../store/event-store';
import type { ResolvedRecord } from '../streams/resolve-link';
import { originalOf, resolveLink } from '../streams/resolve-link';
import { hashOf, pinningKey } from './pinning';
import { streamView } from '../streams/stream-view';
import type { Consumer } from './consumer';
import type { DeliverySource } from './delivery-source';
import { PERSISTENT_SYSTEM_PREFIX, deliverySource } from './delivery-source';
import type { GroupConfig } from './group-config';
import { sourceName } from './group-config';

export const checkpointStreamOf = (config: Pick<GroupConfig, 'source' | 'group'>): string =>
  `${PERSISTENT_SYSTEM_PREFIX}-${sourceName(config.source)}::${config.group}-checkpoint`;

interface Delivery {
  /** What the consumer gets; in-flight, acks and nacks are keyed by the original (link) record's id. */
  resolved: ResolvedRecord;
  retryCount: number;
  /** Read from the source in order (counts for the checkpoint); replayed parked events do not. */
  tracked: boolean;
}
interface InFlight extends Delivery {
  consumer: Consumer;
  deadline: number;
}

const idOf = (delivery: Delivery): string => originalOf(delivery.resolved).id;

export type NackAction = 'park' | 'retry' | 'skip' | 'stop';

/**
 * One persistent subscription group: reads its source in order, hands events to consumers within their
 * buffer sizes, retries on nack/timeout up to maxRetryCount, parks what cannot be processed, and
 * checkpoints the key before the oldest unfinished event (at-least-once delivery across restarts).
 */
export class PersistentGroup {
  private source: DeliverySource;
  private readonly retries: Delivery[] = [];
  private readonly inFlight = new Map<string, InFlight>();
  /** Tracked deliveries in source order; the checkpoint may only move past a finished prefix. */
  private readonly order: { key: number; done: boolean }[] = [];
  private readonly tracking = new Map<string, { key: number; done: boolean }>();
  private readonly consumers: Consumer[] = [];
  private roundRobin = 0;
  private finishedSinceCheckpoint = 0;
  private lastCheckpointAt = Date.now();
  lastCheckpoint: number | null;
  totalItems = 0;

  constructor(
    private readonly store: EventStore,
    public config: GroupConfig,
    checkpoint: number | null,
  ) {
    this.lastCheckpoint = checkpoint;
    this.source = deliverySource(store, config, checkpoint);
  }

  get parkedStream(): string {
    return `${PERSISTENT_SYSTEM_PREFIX}-${sourceName(this.config.source)}::${this.config.group}-parked`;
  }

  get checkpointStream(): string {
    return checkpointStreamOf(this.config);
  }

  get connections(): readonly Consumer[] {
    return this.consumers;
  }

  stats(): { inFlight: number; retries: number; parked: number; lastKnown: number } {
    const view = streamView(this.store, this.parkedStream);
    return {
      inFlight: this.inFlight.size,
      retries: this.retries.length,
      parked: view.kind === 'ok' ? view.last - view.first + 1 : 0,
      lastKnown: this.source.lastKnown(),
    };
  }

  addConsumer(consumer: Consumer): void {
    this.consumers.push(consumer);
    this.pump();
  }

  removeConsumer(consumer: Consumer): void {
    const index = this.consumers.indexOf(consumer);
    if (index >= 0) this.consumers.splice(index, 1);
    // Whatever it had not acknowledged goes to the next consumer, oldest first.
    const orphans = [...this.inFlight.values()].filter((f) => f.consumer === consumer);
    for (const orphan of orphans.reverse()) {
      this.inFlight.delete(idOf(orphan));
      this.retries.unshift({
        resolved: orphan.resolved,
        retryCount: orphan.retryCount,
        tracked: orphan.tracked,
      });
    }
    this.pump();
  }

  ack(consumer: Consumer, ids: readonly string[]): void {
    for (const id of ids) {
      const delivery = this.take(consumer, id);
      if (delivery) this.finish(delivery);
    }
    this.afterProgress();
  }

  nack(consumer: Consumer, ids: readonly string[], action: NackAction, reason: string): void {
    for (const id of ids) {
      const delivery = this.take(consumer, id);
      if (!delivery) continue;
      if (action === 'skip') this.finish(delivery);
      else if (action === 'park') this.park(delivery, reason);
      else this.retry(delivery, reason);
    }
    if (action === 'stop') {
      consumer.close();
      this.removeConsumer(consumer);
    }
    this.afterProgress();
  }

  /** Message timeouts and time-based checkpoints; called periodically by the registry. */
  tick(now = Date.now()): void {
    for (const flight of [...this.inFlight.values()]) {
      if (flight.deadline > now) continue;
      this.take(flight.consumer, idOf(flight));
      this.retry(flight, 'message timeout');
    }
    if (this.finishedSinceCheckpoint > 0 && now - this.lastCheckpointAt >= this.config.checkpointAfterMs) {
      this.writeCheckpoint();
    }
    this.pump();
  }

  /** Re-delivers parked events (oldest first, at most `limit`), then hides them from later replays. */
  replayParked(limit = Number.MAX_SAFE_INTEGER): void {
    const view = streamView(this.store, this.parkedStream);
    if (view.kind !== 'ok') return;
    const last = Math.min(view.last, view.first + limit - 1);
    // Replayed through the parked stream's own links (acked by their ids); lost targets are skipped.
    for (let r = view.first; r <= last; r++) {
      const resolved = resolveLink(this.store, view.events[r]!, true);
      if (resolved.event) this.retries.push({ resolved, retryCount: 0, tracked: false });
    }
    const meta = this.store.metadataOf(this.parkedStream).raw;
    this.appendJson(`$$${this.parkedStream}`, '$metadata', { ...meta, $tb: last + 1 });
    this.pump();
  }

  /** Delivers while there are events and consumers with free slots. */
  pump(): void {
    for (;;) {
      if (!this.consumers.some((c) => c.freeSlots > 0)) return;
      const delivery = this.nextDelivery();
      if (!delivery) return;
      const consumer = this.choose(delivery.resolved);
      if (!consumer) {
        this.retries.unshift(delivery);
        return;
      }
      this.inFlight.set(idOf(delivery), {
        ...delivery,
        consumer,
        deadline: Date.now() + this.config.messageTimeoutMs,
      });
      this.totalItems++;
      consumer.send(delivery.resolved, delivery.retryCount);
    }
  }

  /** Consumers of a deleted group are dropped. */
  dispose(error: unknown): void {
    for (const consumer of [...this.consumers]) consumer.close(error);
    this.consumers.length = 0;
  }

  private nextDelivery(): Delivery | undefined {
    const retry = this.retries.shift();
    if (retry) return retry;
    const event = this.source.next();
    if (!event) return undefined;
    const entry = { key: this.source.keyOf(event), done: false };
    this.order.push(entry);
    this.tracking.set(event.id, entry);
    return {
      resolved: resolveLink(this.store, event, this.config.resolveLinks),
      retryCount: 0,
      tracked: true,
    };
  }

  private choose(resolved: ResolvedRecord): Consumer | undefined {
    const open = this.consumers.filter((c) => c.freeSlots > 0);
    if (open.length === 0) return undefined;
    switch (this.config.consumerStrategy) {
      case 'DispatchToSingle':
        return open[0];
      case 'Pinned':
      case 'PinnedByCorrelation': {
        const key = pinningKey(resolved, this.config.consumerStrategy === 'PinnedByCorrelation');
        const pinned = this.consumers[hashOf(key) % this.consumers.length]!;
        return pinned.freeSlots > 0 ? pinned : open[0];
      }
      case 'RoundRobin':
        this.roundRobin = (this.roundRobin + 1) % open.length;
        return open[this.roundRobin];
    }
  }

  private take(consumer: Consumer, id: string): InFlight | undefined {
    const flight = this.inFlight.get(id);
    if (!flight || flight.consumer !== consumer) return undefined;
    this.inFlight.delete(id);
    consumer.inFlight.delete(id);
    return flight;
  }

  private retry(delivery: Delivery, reason: string): void {
    if (delivery.retryCount >= this.config.maxRetryCount)
      return this.park(delivery, `${reason}; retries exhausted`);
    this.retries.push({ ...delivery, retryCount: delivery.retryCount + 1 });
  }

  /** Parked events become `$>` links in the group's parked stream; writes stay in log order, so a
   * later checkpoint can never be durable without the park before it. */
  private park(delivery: Delivery, reason: string): void {
    const { event, link } = delivery.resolved;
    // A link whose target is gone is parked as the same link; otherwise the event itself is linked.
    const target = event ? `${event.revision}@${event.streamName}` : Buffer.from(link!.data).toString('utf8');
    this.store
      .append(this.parkedStream, { kind: 'any' }, [
        {
          id: crypto.randomUUID(),
          type: '$>',
          isJson: false,
          data: Buffer.from(target),
          metadata: Buffer.from(JSON.stringify({ reason })),
        },
      ])
      .catch(() => undefined);
    this.finish(delivery);
  }

  private finish(delivery: Delivery): void {
    if (!delivery.tracked) return;
    const entry = this.tracking.get(idOf(delivery));
    if (!entry) return;
    this.tracking.delete(idOf(delivery));
    entry.done = true;
    this.finishedSinceCheckpoint++;
  }

  private afterProgress(): void {
    if (this.finishedSinceCheckpoint >= this.config.minCheckpointCount) this.writeCheckpoint();
    this.pump();
  }

  private checkpointKey(): number {
    while (this.order[0]?.done) this.order.shift();
    const first = this.order[0];
    return first ? first.key - 1 : this.source.scanned;
  }

  private writeCheckpoint(): void {
    const key = this.checkpointKey();
    this.finishedSinceCheckpoint = 0;
    this.lastCheckpointAt = Date.now();
    if (key === this.lastCheckpoint || key < 0) return;
    this.lastCheckpoint = key;
    this.appendJson(this.checkpointStream, '$SubscriptionCheckpoint', key);
  }

  private appendJson(stream: string, type: string, value: unknown): void {
    this.store
      .append(stream, { kind: 'any' }, [
        {
          id: crypto.randomUUID(),
          type,
          isJson: true,
          data: Buffer.from(JSON.stringify(value)),
          metadata: new Uint8Array(0),
        },
      ])
      .catch(() => undefined);
  }
}

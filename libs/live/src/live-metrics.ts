import { Counter, Gauge, type Registry } from 'prom-client';
import { type LiveBusMetrics } from './change-bus';

/** shop_live_subscriptions_active, shop_live_delivered_total and shop_live_dropped_total, by topic. */
export class PrometheusLiveMetrics implements LiveBusMetrics {
  private readonly active: Gauge<'topic'>;
  private readonly deliveredTotal: Counter<'topic'>;
  private readonly droppedTotal: Counter<'topic' | 'reason'>;

  constructor(registry: Registry) {
    this.active = new Gauge({
      name: 'shop_live_subscriptions_active',
      help: 'Live subscriptions (SSE streams, GraphQL subscriptions) open in this process, by topic',
      labelNames: ['topic'],
      registers: [registry],
    });
    this.deliveredTotal = new Counter({
      name: 'shop_live_delivered_total',
      help: 'Live updates handed to subscribers, by topic',
      labelNames: ['topic'],
      registers: [registry],
    });
    this.droppedTotal = new Counter({
      name: 'shop_live_dropped_total',
      help: 'Live subscriptions dropped by the server (slow consumers), by topic and reason',
      labelNames: ['topic', 'reason'],
      registers: [registry],
    });
  }

  subscribed(topic: string): void {
    this.active.inc({ topic });
  }

  unsubscribed(topic: string): void {
    this.active.dec({ topic });
  }

  delivered(topic: string): void {
    this.deliveredTotal.inc({ topic });
  }

  dropped(topic: string, reason: string): void {
    this.droppedTotal.inc({ topic, reason });
  }
}

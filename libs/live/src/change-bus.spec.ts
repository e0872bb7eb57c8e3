import { ChangeBus, type LiveBusMetrics, type LiveTransport, TooManyConnectionsError } from './change-bus';
import { type LiveMessage, type ViewChangeMessage } from './live-message';
import { ProjectionFeed } from './projection-feed';
import { LiveTopics } from './topics';

const change = (topic: string, id: string, extra: Partial<ViewChangeMessage> = {}): ViewChangeMessage => ({
  type: 'change',
  topic,
  id,
  projection: 'orders',
  eventType: 'OrderConfirmed',
  position: '10/10',
  streamName: `order-${id}`,
  revision: '1',
  recordedAt: new Date(0).toISOString(),
  committedAt: new Date(0).toISOString(),
  ...extra,
});

const take = async (iterator: AsyncIterator<LiveMessage>, n: number): Promise<LiveMessage[]> => {
  const out: LiveMessage[] = [];
  while (out.length < n) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
};

class CountingMetrics implements LiveBusMetrics {
  readonly counts: Record<string, number> = {};
  private bump(key: string) {
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }
  subscribed = (t: string) => this.bump(`subscribed:${t}`);
  unsubscribed = (t: string, r: string) => this.bump(`unsubscribed:${t}:${r}`);
  delivered = (t: string) => this.bump(`delivered:${t}`);
  dropped = (t: string, r: string) => this.bump(`dropped:${t}:${r}`);
}

describe('ChangeBus', () => {
  const options = { queueLimit: 3, maxConnectionsPerUser: 2 };

  it('delivers a change to the subscribers of its topic and owner, and to nobody else', async () => {
    const bus = new ChangeBus(options);
    const order = bus.connect('a').subscribe(LiveTopics.orderUpdated('o1'));
    const mine = bus.connect('c1').subscribe(LiveTopics.myOrdersUpdated('c1'));
    const other = bus.connect('x').subscribe(LiveTopics.orderUpdated('o2'));
    const otherCustomer = bus.connect('c2').subscribe(LiveTopics.myOrdersUpdated('c2'));
    bus.publish([change('order', 'o1', { ownerId: 'c1' })]);
    expect(await take(order, 1)).toMatchObject([{ id: 'o1' }]);
    expect(await take(mine, 1)).toMatchObject([{ id: 'o1', ownerId: 'c1' }]);
    expect([other.buffered, otherCustomer.buffered]).toEqual([0, 0]);
  });

  it('routes stock, report-ready and projection status to their own topics', async () => {
    const bus = new ChangeBus(options);
    const connection = bus.connect('ops');
    const stock = connection.subscribe(LiveTopics.stockChanged('p1'));
    const product = connection.subscribe(LiveTopics.productUpdated('p1'));
    const ready = connection.subscribe(LiveTopics.reportReady('r1'));
    const status = connection.subscribe(LiveTopics.projectionStatus());
    bus.publish([change('product', 'p1', { eventType: 'ProductPriceChanged' })]);
    bus.publish([change('report', 'r1')]);
    expect([stock.buffered, product.buffered, ready.buffered]).toEqual([0, 1, 0]);
    bus.publish([change('stock', 'p1'), change('report-ready', 'r1')]);
    expect([stock.buffered, ready.buffered, status.buffered]).toEqual([1, 1, 0]);
    new ProjectionFeed(bus).status({
      name: 'orders',
      kind: 'projection',
      state: 'live',
      checkpoint: { commit: 5n, prepare: 5n },
      processed: 3,
      lagEvents: 0,
      lagMs: 0,
    });
    expect(await take(status, 1)).toMatchObject([
      { type: 'projectionStatus', name: 'orders', state: 'live', checkpoint: '5/5' },
    ]);
  });

  it('gives an operator every change of every view on allChanges, and no projection status', () => {
    const bus = new ChangeBus(options);
    const all = bus.connect('ops').subscribe(LiveTopics.allChanges());
    bus.publish([change('order', 'o1', { ownerId: 'c1' }), change('stock', 'p1')]);
    new ProjectionFeed(bus).status({
      name: 'orders',
      kind: 'projection',
      state: 'live',
      checkpoint: null,
      processed: 0,
      lagEvents: 0,
      lagMs: 0,
    });
    expect(all.buffered).toBe(2);
  });

  it("gives a customer's subscription only that customer's changes, whatever the topic", async () => {
    const bus = new ChangeBus(options);
    const subscription = bus.connect('c1').subscribe(LiveTopics.orderUpdated('o1'), { ownerId: 'c1' });
    bus.publish([
      change('order', 'o1', { ownerId: 'c2' }),
      change('order', 'o1'),
      change('order', 'o1', { ownerId: 'c1', position: '11/11' }),
    ]);
    expect(subscription.buffered).toBe(1);
    expect(await take(subscription, 1)).toMatchObject([{ position: '11/11' }]);
  });

  it('drops a subscriber that lets more than the queue limit wait, says why, and keeps the others', async () => {
    const metrics = new CountingMetrics();
    const bus = new ChangeBus(options, undefined, metrics);
    const slow = bus.connect('slow').subscribe(LiveTopics.orderUpdated('o1'));
    const fast = bus.connect('fast').subscribe(LiveTopics.orderUpdated('o1'));
    const received: LiveMessage[] = [];
    const reading = (async () => {
      for await (const message of fast) received.push(message);
    })();
    for (let i = 0; i < 5; i++) {
      bus.publish([change('order', 'o1', { position: `${i}/${i}` })]);
      await Promise.resolve();
    }
    expect(slow.closeReason?.code).toBe('slow-consumer');
    expect(slow.closeReason?.message).toContain('more than 3 updates');
    expect(await slow.next()).toEqual({ value: undefined, done: true });
    expect(received).toHaveLength(5);
    expect(metrics.counts['dropped:orderUpdated:slow-consumer']).toBe(1);
    expect(bus.active).toBe(1);
    fast.close();
    await reading;
    expect(bus.active).toBe(0);
  });

  it('refuses a connection beyond the per-user limit until one closes', () => {
    const bus = new ChangeBus(options);
    const first = bus.connect('u');
    bus.connect('u');
    expect(() => bus.connect('u')).toThrow(TooManyConnectionsError);
    expect(() => bus.connect('someone-else')).not.toThrow();
    first.close();
    first.close(); // a second close releases nothing more
    expect(() => bus.connect('u')).not.toThrow();
    expect(() => bus.connect('u')).toThrow('at most 2 live connections per user');
  });

  it('closes a connection and its subscriptions when its token expires', async () => {
    const bus = new ChangeBus(options);
    const connection = bus.connect('u', new Date(Date.now() - 1));
    const subscription = connection.subscribe(LiveTopics.orderUpdated('o1'));
    expect(await connection.closed).toMatchObject({ code: 'token-expired' });
    expect(subscription.closeReason?.code).toBe('token-expired');
    expect(() => connection.subscribe(LiveTopics.orderUpdated('o1'))).toThrow('the connection is closed');
  });

  it('ends every stream when it shuts down, and accepts no new connection', async () => {
    const bus = new ChangeBus(options);
    const subscription = bus.connect('u').subscribe(LiveTopics.projectionStatus());
    const pending = subscription.next();
    await bus.close();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(subscription.closeReason?.code).toBe('shutting-down');
    expect(() => bus.connect('u')).toThrow('shutting down');
  });

  it('fans its own changes out through the transport and delivers what other processes published', async () => {
    const published: LiveMessage[][] = [];
    let receive: (messages: readonly LiveMessage[]) => void = () => undefined;
    const transport: LiveTransport = {
      kind: 'redis',
      start: (r) => {
        receive = r;
        return Promise.resolve();
      },
      publish: (m) => published.push([...m]),
      describe: () => ({ transport: 'redis' }),
      close: () => Promise.resolve(),
    };
    const bus = new ChangeBus(options, transport);
    await bus.start();
    const subscription = bus.connect('u').subscribe(LiveTopics.orderUpdated('o1'));
    bus.publish([change('order', 'o1', { position: '1/1' })]);
    receive([change('order', 'o1', { position: '2/2' })]);
    expect(published).toEqual([[expect.objectContaining({ position: '1/1' })]]);
    expect((await take(subscription, 2)).map((m) => (m as ViewChangeMessage).position)).toEqual([
      '1/1',
      '2/2',
    ]);
    bus.publish([]);
    expect(published).toHaveLength(1);
  });
});

describe('ProjectionFeed', () => {
  it('publishes a status when its state or error changes, otherwise at most once per interval', () => {
    const bus = new ChangeBus({ queueLimit: 100, maxConnectionsPerUser: 1 });
    const subscription = bus.connect('ops').subscribe(LiveTopics.projectionStatus());
    let now = 0;
    const feed = new ProjectionFeed(bus, 1_000, () => now);
    const status = {
      name: 'orders',
      kind: 'projection' as const,
      checkpoint: null,
      processed: 0,
      lagEvents: 0,
      lagMs: 0,
    };
    feed.status({ ...status, state: 'catching-up' });
    feed.status({ ...status, state: 'catching-up', processed: 1 });
    feed.status({ ...status, state: 'live' });
    now = 500;
    feed.status({ ...status, state: 'live', processed: 2 });
    feed.status({ ...status, state: 'live', lastError: 'boom' });
    now = 1_600;
    feed.status({ ...status, state: 'live', processed: 3, lastError: 'boom' });
    feed.status({ ...status, name: 'products', state: 'live' });
    expect(subscription.buffered).toBe(5);
  });
});

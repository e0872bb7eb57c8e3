import { eventually } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { ShopClient } from '../../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../../testing/api-under-test';
import { SseClient } from '../../testing/sse-client';

/** GET /v1/orders/:id/events through a real HTTP client reading the stream as it arrives. */
describe('GET /v1/orders/:id/events (Server-Sent Events)', () => {
  let api: ApiUnderTest;
  let base: string;
  let productId: string;
  const open: SseClient[] = [];

  beforeAll(async () => {
    api = await startApiUnderTest(
      {
        RATE_LIMIT_PER_USER: '100000',
        RATE_LIMIT_PER_IP: '100000',
        PAYMENT_SIM_LATENCY_MS: '5',
        LIVE_HEARTBEAT_MS: '200',
        LIVE_MAX_CONNECTIONS_PER_USER: '2',
      },
      { listen: true },
    );
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    const clerk = await ShopClient.as(api, 'clerk');
    productId = await clerk.registerProduct(`SSE-${randomUUID().slice(0, 8)}`, 500, 1_000);
  });
  afterEach(() => open.splice(0).forEach((client) => client.close()));
  afterAll(() => api?.close());

  const follow = async (orderId: string, token: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${base}/v1/orders/${orderId}/events`, {
      authorization: `Bearer ${token}`,
      ...headers,
    });
    open.push(client);
    return client;
  };

  const placeOrder = async (customerId: string) => {
    const customer = await ShopClient.as(api, 'customer', customerId);
    const placed = await customer.placeOrder([{ productId, quantity: 1 }]);
    expect(placed.status).toBe(201);
    return { customer, orderId: placed.body.id as string, position: placed.body.position as string };
  };

  it("streams the customer's order as the view applies it: id = position, and a GET then sees that state", async () => {
    const customerId = randomUUID();
    const { customer, orderId, position } = await placeOrder(customerId);
    const token = await api.token('customer', customerId);
    // Subscribing before the view holds the order: ?position= waits for it, as the GET does.
    const stream = await SseClient.open(`${base}/v1/orders/${orderId}/events?position=${position}`, {
      authorization: `Bearer ${token}`,
    });
    open.push(stream);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await stream.waitForComment('subscribed');
    const cancelled = await customer.request('POST', `/v1/orders/${orderId}/cancel`, {
      reason: 'changed my mind',
    });
    expect(cancelled.status).toBe(200);
    const event = await stream.waitFor((e) => e.data.eventType === 'OrderCancelled');
    expect(event).toMatchObject({
      id: cancelled.body.position,
      event: 'message',
      data: { orderId, position: cancelled.body.position, streamName: `order-${orderId}` },
    });
    // Delivered after the view committed: a plain GET (no ?position=) already sees it.
    expect((await customer.request('GET', `/v1/orders/${orderId}`)).body.status).toBe('cancelled');
    await stream.waitForComment('keep-alive');
  });

  it("answers another customer's order exactly like a missing one, and refuses bad input before streaming", async () => {
    const { orderId } = await placeOrder(randomUUID());
    const stranger = await follow(orderId, await api.token('customer'));
    expect(stranger.status).toBe(404);
    expect(stranger.problem.code).toBe('order_not_found');
    expect((await follow(randomUUID(), await api.token('clerk'))).status).toBe(404);
    const anonymous = await SseClient.open(`${base}/v1/orders/${orderId}/events`);
    expect(anonymous.status).toBe(401);
    const badResume = await follow(orderId, await api.token('clerk'), { 'last-event-id': 'yesterday' });
    expect(badResume.status).toBe(400);
    expect(badResume.problem.code).toBe('invalid_last_event_id');
  });

  it('resumes after Last-Event-ID: first what the client missed, in order, then live, nothing twice', async () => {
    const customerId = randomUUID();
    const { customer, orderId, position: placedAt } = await placeOrder(customerId);
    const cancelled = await customer.request('POST', `/v1/orders/${orderId}/cancel`, { reason: 'gone' }, {});
    await eventually(
      async () => (await customer.request('GET', `/v1/orders/${orderId}`)).body.status === 'cancelled',
    );
    const staff = await api.token('clerk');
    const resumed = await follow(orderId, staff, { 'last-event-id': placedAt });
    const replayedCancel = await resumed.waitFor((e) => e.data.eventType === 'OrderCancelled');
    expect(replayedCancel.id).toBe(cancelled.body.position);
    expect(resumed.events.map((e) => e.data.eventType)).not.toContain('OrderPlaced');
    const ids = resumed.events.map((e) => e.id!);
    expect(new Set(ids).size).toBe(ids.length);
    // From the very start: OrderPlaced comes too.
    const fromStart = await follow(orderId, staff, { 'last-event-id': '0/0' });
    await fromStart.waitFor((e) => e.data.eventType === 'OrderCancelled');
    expect(fromStart.events[0]?.data.eventType).toBe('OrderPlaced');
  });

  it('ends the stream with a close event when the token expires', async () => {
    const customerId = randomUUID();
    const { orderId } = await placeOrder(customerId);
    await eventually(
      async () =>
        (await (await ShopClient.as(api, 'customer', customerId)).request('GET', `/v1/orders/${orderId}`))
          .status === 200,
    );
    const shortLived = await api.tokens.mintToken({ role: 'customer', sub: customerId, ttl: 2 });
    const stream = await follow(orderId, shortLived);
    expect(stream.status).toBe(200);
    const close = await stream.waitFor((e) => e.event === 'close');
    expect(close.data).toMatchObject({ code: 'token-expired' });
    await stream.waitForEnd();
  });

  it('limits the streams one user holds open (429), and frees the slot when one closes', async () => {
    const token = await api.token('auditor');
    const { orderId } = await placeOrder(randomUUID());
    await eventually(async () => (await follow(orderId, token)).status === 200 || undefined);
    const second = await follow(orderId, token);
    expect(second.status).toBe(200);
    const third = await follow(orderId, token);
    expect(third.status).toBe(429);
    open.forEach((c) => c.close());
    await eventually(async () => {
      const again = await follow(orderId, token);
      return again.status === 200 || undefined;
    });
  });

  it('is documented in OpenAPI as text/event-stream with the Last-Event-ID header', async () => {
    const document = (await (await fetch(`${base}/docs-json`)).json()) as {
      paths: Record<
        string,
        { get?: { responses: Record<string, { content?: object }>; parameters: { name: string }[] } }
      >;
    };
    const operation = document.paths['/v1/orders/{id}/events']?.get;
    expect(operation?.responses['200']?.content).toHaveProperty(['text/event-stream']);
    expect(operation?.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['id', 'Last-Event-ID', 'position']),
    );
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['401', '404', '429']));
  });

  it('ends open streams with a close event on shutdown instead of holding the server open', async () => {
    const { orderId } = await placeOrder(randomUUID());
    const staff = await api.token('admin');
    await eventually(async () => {
      const probe = await follow(orderId, staff);
      probe.close();
      return probe.status === 200 || undefined;
    });
    const stream = await follow(orderId, staff);
    await stream.waitForComment('subscribed');
    const closing = api.close();
    const close = await stream.waitFor((e) => e.event === 'close');
    expect(close.data).toMatchObject({ code: 'shutting-down' });
    await stream.waitForEnd();
    await closing;
    api = undefined as unknown as ApiUnderTest;
  });
});

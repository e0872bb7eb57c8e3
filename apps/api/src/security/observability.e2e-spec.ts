import { EventStoreDBClient, type JSONEventType } from '@eventstore/db-client';
import { type InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

describe('observability of the real app: traces and metrics', () => {
  let api: ApiUnderTest;
  let exporter: InMemorySpanExporter;
  let admin: Record<string, string>;

  beforeAll(async () => {
    api = await startApiUnderTest();
    // Loaded after the app: @shop/* modules read the environment when first imported.
    const { addSpanExporter } = await import('@shop/observability');
    const { InMemorySpanExporter } = await import('@opentelemetry/sdk-trace-base');
    exporter = new InMemorySpanExporter();
    addSpanExporter(exporter);
    admin = { authorization: `Bearer ${await api.token('admin')}` };
  });

  afterAll(() => api.close());

  const spansOf = (traceId: string): ReadableSpan[] =>
    exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);

  it('one trace from the HTTP request through the command and the append to a span continued from the event', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: { ...admin, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      payload: { sku: 'TRACE-1', name: 'Traced mug', priceCents: 100 },
    });
    expect(res.statusCode).toBe(201);
    const productId = res.json<{ id: string }>().id;

    const names = spansOf(traceId).map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(['POST /v1/products', 'command RegisterProduct', 'eventstore append product']),
    );
    const server = spansOf(traceId).find((s) => s.name === 'POST /v1/products')!;
    expect(server.attributes).toMatchObject({
      'http.route': '/v1/products',
      'http.response.status_code': 201,
    });

    // The event carries the request's trace context...
    const client = api.app.get(EventStoreDBClient);
    let traceparent: string | undefined;
    for await (const { event } of client.readStream<JSONEventType>(`product-${productId}`, { maxCount: 1 })) {
      traceparent = (event?.metadata as { traceparent?: string }).traceparent;
    }
    expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    // ...so a consumer (projection, process manager, job) continues the same trace from it.
    const { withContinuedSpan, currentTraceparent } = await import('@shop/observability');
    const inner = await withContinuedSpan('projection products', traceparent, () => currentTraceparent());
    expect(inner).toContain(traceId);
    const consumer = spansOf(traceId).find((s) => s.name === 'projection products')!;
    expect(consumer.parentSpanContext?.spanId).toBe(traceparent!.split('-')[2]);

    // And the real projection's write is part of the same trace.
    const deadline = Date.now() + 10_000;
    while (!spansOf(traceId).some((s) => s.name === 'projection products ProductRegistered')) {
      if (Date.now() > deadline) throw new Error('no projection span in the request trace');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('exposes the expected metrics at /metrics to loopback callers', async () => {
    const dup = await api.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: admin,
      payload: { sku: 'TRACE-1', name: 'Same SKU', priceCents: 100 },
    });
    expect(dup.statusCode).toBe(409);

    const res = await api.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    for (const name of [
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'http_request_duration_seconds',
      'shop_command_outcomes_total',
      'shop_eventstore_append_duration_seconds',
      'shop_eventstore_append_conflicts_total',
      'shop_projection_lag_events',
      'shop_projection_lag_ms',
      'shop_projection_parked_events',
      'shop_projection_stalled',
      'shop_process_manager_instances',
      'shop_circuit_breaker_state',
      'shop_rate_limit_rejections_total',
    ]) {
      expect({ name, exposed: res.body.includes(`# TYPE ${name} `) }).toEqual({ name, exposed: true });
    }
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/v1\/products",status_code="201"\} 1/,
    );
    expect(res.body).toContain('shop_command_outcomes_total{command="RegisterProduct",outcome="ok"} 1');
    expect(res.body).toContain(
      'shop_command_outcomes_total{command="RegisterProduct",outcome="rule_violated"} 1',
    );
    expect(res.body).toMatch(/shop_eventstore_append_duration_seconds_count\{category="product"\} [1-9]/);
    expect(res.body).toMatch(/shop_projection_parked_events\{projection="[a-z-]+"\} 0/);
  });

  it('counts checkout process-manager instances by state', async () => {
    const product = await api.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: admin,
      payload: { sku: 'PM-1', name: 'Checkout mug', priceCents: 100 },
    });
    const productId = product.json<{ id: string }>().id;
    await api.app.inject({
      method: 'POST',
      url: `/v1/products/${productId}/stock`,
      headers: admin,
      payload: { quantity: 3 },
    });
    const customer = { authorization: `Bearer ${await api.token('customer')}` };
    const placed = await api.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: customer,
      payload: { lines: [{ productId, quantity: 1 }] },
    });
    expect(placed.statusCode).toBe(201);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const body = (await api.app.inject({ url: '/metrics' })).body;
      if (/shop_process_manager_instances\{process="checkout",state="[a-z]+"\} [1-9]/.test(body)) break;
      if (Date.now() > deadline) throw new Error(`no checkout state in metrics:\n${body.slice(0, 500)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('shows the payment circuit breaker state reported by the payment client', async () => {
    const { PAYMENT_BREAKER_LISTENER } = await import('@shop/payment-gateway');
    const listener = api.app.get<(state: string) => void>(PAYMENT_BREAKER_LISTENER, { strict: false });
    listener('open');
    const body = (await api.app.inject({ url: '/metrics' })).body;
    expect(body).toContain('shop_circuit_breaker_state{breaker="payment",state="open"} 1');
    expect(body).toContain('shop_circuit_breaker_state{breaker="payment",state="closed"} 0');
    listener('closed');
  });

  it('refuses /metrics to other addresses when no metrics token is configured', async () => {
    const res = await api.app.inject({ url: '/metrics', remoteAddress: '10.9.8.7' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    // A user token is not a metrics token.
    const withJwt = await api.app.inject({ url: '/metrics', remoteAddress: '10.9.8.7', headers: admin });
    expect(withJwt.statusCode).toBe(403);
  });

  it('one checkout is one trace: HTTP, the process manager, the payment worker and the projections', async () => {
    const traceId = 'a3ce929d0e0e47364bf92f3577b34da6';
    const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
    const product = await api.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: admin,
      payload: { sku: 'TRACE-2', name: 'Traced bowl', priceCents: 250 },
    });
    const productId = product.json<{ id: string }>().id;
    await api.app.inject({
      method: 'POST',
      url: `/v1/products/${productId}/stock`,
      headers: admin,
      payload: { quantity: 5 },
    });
    const customer = { authorization: `Bearer ${await api.token('customer')}` };
    const placed = await api.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { ...customer, traceparent },
      payload: { lines: [{ productId, quantity: 1 }] },
    });
    expect(placed.statusCode).toBe(201);
    const wanted = [
      'POST /v1/orders',
      'checkout OrderPlaced',
      'payment-worker PaymentRequested',
      'projection orders OrderConfirmed',
    ];
    const deadline = Date.now() + 20_000;
    while (!wanted.every((name) => spansOf(traceId).some((s) => s.name === name))) {
      if (Date.now() > deadline) {
        throw new Error(
          `missing spans: ${wanted.filter((n) => !spansOf(traceId).some((s) => s.name === n)).join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});

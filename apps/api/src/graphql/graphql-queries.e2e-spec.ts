import { GraphQLSchemaHost } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { GraphqlTestClient } from './graphql-test-client';
import { SCHEMA_FILE, sdlOf } from './schema-sdl';

interface Accepted {
  id: string;
  revision: string;
  position: string;
  replayed: boolean;
  unchanged: boolean;
}

const REGISTER = `mutation ($input: RegisterProductInput!, $key: String) {
  registerProduct(input: $input, idempotencyKey: $key) { id revision position replayed unchanged }
}`;
const RECEIVE = `mutation ($id: ID!, $quantity: Int!, $rev: String, $key: String) {
  receiveStock(productId: $id, input: { quantity: $quantity }, expectedRevision: $rev, idempotencyKey: $key) {
    id revision position replayed
  }
}`;
const PLACE = `mutation ($input: PlaceOrderInput!, $key: String) {
  placeOrder(input: $input, idempotencyKey: $key) { id revision position replayed }
}`;
const ORDER = `query ($id: ID!, $position: String) {
  order(id: $id, position: $position) {
    id customerId status totalCents revision
    lines { productId quantity unitPriceCents product { id name available } }
    payment { status }
    history { status at }
  }
}`;

describe('GraphQL queries and mutations (same buses as REST)', () => {
  let api: ApiUnderTest;
  let clerk: GraphqlTestClient;
  let alice: GraphqlTestClient;
  let bob: GraphqlTestClient;
  const aliceId = `alice-${randomUUID()}`;
  const tag = randomUUID().slice(0, 6);
  let productId = '';
  let orderId = '';
  let orderPosition = '';

  beforeAll(async () => {
    api = await startApiUnderTest(
      { RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' },
      { listen: true },
    );
    clerk = await GraphqlTestClient.as(api, 'clerk');
    alice = await GraphqlTestClient.as(api, 'customer', aliceId);
    bob = await GraphqlTestClient.as(api, 'customer');
    const registered = await clerk.query<{ registerProduct: Accepted }>(REGISTER, {
      input: { sku: `${tag}-MUG`, name: `${tag} mug`, priceCents: 1299 },
    });
    expect(registered.errors).toBeUndefined();
    productId = registered.data!.registerProduct.id;
    const stocked = await clerk.query<{ receiveStock: Accepted }>(RECEIVE, { id: productId, quantity: 10 });
    expect(stocked.errors).toBeUndefined();
    const placed = await alice.query<{ placeOrder: Accepted }>(PLACE, {
      input: { lines: [{ productId, quantity: 2 }] },
    });
    expect(placed.errors).toBeUndefined();
    orderId = placed.data!.placeOrder.id;
    orderPosition = placed.data!.placeOrder.position;
  });
  afterAll(() => api.close());

  it('serves exactly the committed schema.graphql', () => {
    expect(sdlOf(api.app.get(GraphQLSchemaHost).schema)).toBe(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('reads a product at the position a mutation returned (read-your-writes)', async () => {
    const registered = await clerk.query<{ registerProduct: Accepted }>(REGISTER, {
      input: { sku: `${tag}-CUP`, name: `${tag} cup`, priceCents: 500 },
    });
    const { id, position, revision } = registered.data!.registerProduct;
    expect(revision).toBe('0');
    const read = await clerk.query(
      `query ($id: ID!, $position: String) { product(id: $id, position: $position) { id sku name priceCents onHand revision } }`,
      { id, position },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({
      product: { id, sku: `${tag}-CUP`, name: `${tag} cup`, priceCents: 500, onHand: 0, revision: '0' },
    });
  });

  it('follows order.lines.product and shows the owner their order', async () => {
    const read = await alice.query<{ order: Record<string, unknown> }>(ORDER, {
      id: orderId,
      position: orderPosition,
    });
    expect(read.errors).toBeUndefined();
    expect(read.data!.order).toMatchObject({
      id: orderId,
      customerId: aliceId,
      totalCents: 2598,
      lines: [
        { productId, quantity: 2, unitPriceCents: 1299, product: { id: productId, name: `${tag} mug` } },
      ],
      history: [expect.objectContaining({ status: 'placed' })],
    });
  });

  it("shows staff an order's events (the audit trail); customers may not read them", async () => {
    const staff = await clerk.query<{ order: { events: { type: string; revision: string }[] } }>(
      'query ($id: ID!) { order(id: $id) { events { type revision } } }',
      { id: orderId },
    );
    expect(staff.errors).toBeUndefined();
    expect(staff.data!.order.events[0]).toEqual({ type: 'OrderPlaced', revision: '0' });
    const own = await alice.query('query ($id: ID!) { order(id: $id) { id events { type } } }', {
      id: orderId,
    });
    expect(own.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it("answers another customer's order exactly like a missing one (NOT_FOUND)", async () => {
    const read = await bob.query(ORDER, { id: orderId, position: orderPosition });
    expect(read.data).toEqual({ order: null });
    expect(read.errors).toEqual([
      expect.objectContaining({
        path: ['order'],
        extensions: expect.objectContaining({ code: 'NOT_FOUND', reason: 'order_not_found', status: 404 }),
      }),
    ]);
    const missing = await clerk.query(ORDER, { id: randomUUID() });
    expect(missing.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('lists myOrders and a customer’s orders as connections; a customer cannot list another’s', async () => {
    const mine = await alice.query<{ myOrders: { nodes: { id: string }[]; pageInfo: unknown } }>(
      `query ($p: String) { myOrders(first: 10, position: $p) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
      { p: orderPosition },
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.myOrders).toEqual({
      nodes: [{ id: orderId }],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    const byStaff = await clerk.query(
      `query ($c: ID!) { orders(customerId: $c) { edges { node { id } } } }`,
      {
        c: aliceId,
      },
    );
    expect(byStaff.data).toEqual({ orders: { edges: [{ node: { id: orderId } }] } });
    const other = await bob.query(`query ($c: ID!) { orders(customerId: $c) { nodes { id } } }`, {
      c: aliceId,
    });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('pages products with REST cursors (endCursor is nextCursor)', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<
        ReturnType<
          typeof clerk.query<{
            products: { nodes: { sku: string }[]; pageInfo: { endCursor: string | null } };
          }>
        >
      > = await clerk.query(
        `query ($q: String, $after: String) { products(filter: { q: $q }, sort: name, first: 1, after: $after) { nodes { sku } pageInfo { endCursor } } }`,
        { q: tag, after },
      );
      expect(page.errors).toBeUndefined();
      seen.push(...page.data!.products.nodes.map((p) => p.sku));
      after = page.data!.products.pageInfo.endCursor;
    } while (after);
    expect(seen).toEqual([`${tag}-CUP`, `${tag}-MUG`]);
  });

  it('refuses a stale expectedRevision with CONCURRENCY_CONFLICT and applies the current one', async () => {
    const stocked = await clerk.query<{ receiveStock: Accepted }>(RECEIVE, { id: productId, quantity: 1 });
    const revision = BigInt(stocked.data!.receiveStock.revision);
    const stale = await clerk.query(RECEIVE, { id: productId, quantity: 1, rev: String(revision - 1n) });
    expect(stale.errors?.[0]?.extensions).toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
      reason: 'expected_revision_mismatch',
      status: 412,
    });
    const current = await clerk.query<{ receiveStock: Accepted }>(RECEIVE, {
      id: productId,
      quantity: 1,
      rev: String(revision),
    });
    expect(current.errors).toBeUndefined();
    expect(current.data!.receiveStock.revision).toBe(String(revision + 1n));
  });

  it('replays a mutation retried with its idempotency key and refuses the key with another input', async () => {
    const key = `gql-${randomUUID()}`;
    const first = await clerk.query<{ receiveStock: Accepted }>(RECEIVE, { id: productId, quantity: 3, key });
    const retry = await clerk.query<{ receiveStock: Accepted }>(RECEIVE, { id: productId, quantity: 3, key });
    expect(first.data!.receiveStock.replayed).toBe(false);
    expect(retry.data!.receiveStock).toEqual({ ...first.data!.receiveStock, replayed: true });
    const reused = await clerk.query(RECEIVE, { id: productId, quantity: 4, key });
    expect(reused.errors?.[0]?.extensions).toMatchObject({
      code: 'UNPROCESSABLE',
      reason: 'idempotency_key_reused',
    });
  });

  it('validates inputs with the REST DTOs: VALIDATION_FAILED with field errors, never a stack trace', async () => {
    const bad = await clerk.query(REGISTER, {
      input: { sku: 'no spaces allowed', name: '', priceCents: -1 },
    });
    expect(bad.data).toBeNull();
    const [error] = bad.errors!;
    expect(error!.extensions).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    const fields = (error!.extensions.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['name', 'priceCents', 'sku']);
    expect(JSON.stringify(bad)).not.toMatch(/at .*\.(ts|js):\d+/);
    const badId = await clerk.query(ORDER, { id: 'not-a-uuid' });
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED' });
    const badPosition = await clerk.query(ORDER, { id: orderId, position: '999999999/999999999' });
    expect(badPosition.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'position_beyond_head',
    });
  });

  it('checks roles per resolver (FORBIDDEN) and lets a customer cancel only their own order', async () => {
    const denied = await alice.query(REGISTER, { input: { sku: `${tag}-X`, name: 'x', priceCents: 1 } });
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    const cancel = `mutation ($id: ID!) { cancelOrder(orderId: $id, input: { reason: "changed my mind" }) { id revision } }`;
    const notTheirs = await bob.query(cancel, { id: orderId });
    expect(notTheirs.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const own = await alice.query(cancel, { id: orderId });
    expect(own.errors).toBeUndefined();
  });

  it('requests a report and reads it as an operator; customers may not', async () => {
    const requested = await clerk.query<{ requestReport: Accepted }>(
      `mutation { requestReport(input: { from: "2026-11-01", to: "2026-12-01" }) { id position } }`,
    );
    expect(requested.errors).toBeUndefined();
    const { id, position } = requested.data!.requestReport;
    const report = await clerk.query(
      `query ($id: ID!, $p: String) { report(id: $id, position: $p) { id period { from to } } }`,
      {
        id,
        p: position,
      },
    );
    expect(report.data).toEqual({ report: { id, period: { from: '2026-11-01', to: '2026-12-01' } } });
    const denied = await alice.query(`query ($id: ID!) { report(id: $id) { id } }`, { id });
    expect(denied.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('shows operators streams, traces and projections', async () => {
    const admin = await GraphqlTestClient.as(api, 'admin');
    const stream = await admin.query<{
      stream: { events: { events: { type: string; correlationId: string }[] } };
    }>(
      `query ($name: String!) { stream(name: $name) { name events(first: 10) { events { type revision correlationId data } next } } }`,
      { name: `order-${orderId}` },
    );
    expect(stream.errors).toBeUndefined();
    const events = stream.data!.stream.events.events;
    expect(events[0]).toMatchObject({ type: 'OrderPlaced' });
    const trace = await admin.query<{ trace: { events: number; tree: { event: { type: string } }[] } }>(
      `query ($c: String!) { trace(correlationId: $c) { events tree { event { type } children { event { type } } } } }`,
      { c: events[0]!.correlationId },
    );
    expect(trace.errors).toBeUndefined();
    expect(trace.data!.trace.events).toBeGreaterThan(0);
    const projections = await admin.query<{ projections: { name: string }[] }>(
      `{ projections { name state checkpoint lagEvents } }`,
    );
    expect(projections.data!.projections.map((p) => p.name)).toEqual(
      expect.arrayContaining(['orders', 'products']),
    );
    const denied = await alice.query(`{ projections { name } }`);
    expect(denied.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it("traces each operation in the request's trace and counts it in Prometheus", async () => {
    const { addSpanExporter } = await import('@shop/observability');
    const { InMemorySpanExporter } = await import('@opentelemetry/sdk-trace-base');
    const exporter = new InMemorySpanExporter();
    addSpanExporter(exporter);
    const traceId = randomUUID().replace(/-/g, '');
    const read = await clerk.query(
      'query ($id: ID!) { product(id: $id) { id } }',
      { id: productId },
      { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    );
    expect(read.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const operation = spans.find((s) => s.name === 'graphql.query product');
    const http = spans.find((s) => s.name === 'POST /graphql');
    expect(operation?.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.cost': 1,
    });
    expect(operation?.parentSpanContext?.spanId).toBe(http?.spanContext().spanId);
    const metrics = await (await fetch(clerk.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(
      /shop_graphql_operations_total\{type="query",operation="product",outcome="ok"\} \d+/,
    );
    expect(metrics).toMatch(
      /shop_graphql_operations_total\{type="mutation",operation="receiveStock",outcome="errors"\} \d+/,
    );
    expect(metrics).toContain('shop_graphql_operation_duration_seconds_bucket');
  });
});

import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { MONGO_DB } from '@shop/mongo';
import { ProjectionManager } from '@shop/projections';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { type Db } from 'mongodb';
import { ShopClient } from '../../api/src/checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../../api/src/testing/api-under-test';
import { type CliResult, expectOneLineError, json, runCli, startCli } from './testing/run-cli';
import { eventually } from '@shop/testing';

interface TraceNode {
  event: { type: string; stream: string; correlationId: string };
  children: TraceNode[];
}
const flatten = (nodes: TraceNode[]): TraceNode['event'][] =>
  nodes.flatMap((n) => [n.event, ...flatten(n.children)]);
const descendants = (nodes: TraceNode[], type: string): TraceNode | undefined =>
  nodes.map((n) => (n.event.type === type ? n : descendants(n.children, type))).find(Boolean);

/**
 * The CLI as operators run it: a child process against the embedded servers of a running API (found through
 * DATA_DIR), seeded through the real API; later against the same data directory with the API stopped.
 */
describe('eventshop CLI against a seeded stack', () => {
  let api: ApiUnderTest;
  let db: Db;
  let manager: ProjectionManager;
  let clerk: ShopClient;
  let productId: string;
  let orderId: string;
  let correlationId: string;
  let cli: (...args: string[]) => Promise<CliResult>;
  let revisionOneRecordedAt: string;

  beforeAll(async () => {
    api = await startApiUnderTest({
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_IP: '100000',
      PAYMENT_SIM_LATENCY_MS: '5',
    });
    cli = (...args) => runCli(args, { DATA_DIR: api.dataDir });
    db = api.app.get<symbol, Db>(MONGO_DB);
    manager = api.app.get(ProjectionManager);
    clerk = await ShopClient.as(api, 'clerk');
    productId = await clerk.registerProduct(`CLI-${randomUUID().slice(0, 8)}`, 1500, 10);
    const customer = await ShopClient.as(api, 'customer');
    // A customer's request starts its own conversation: its id comes back in the response header.
    const placed = await customer.request('POST', '/v1/orders', { lines: [{ productId, quantity: 2 }] });
    expect(placed.status).toBe(201);
    correlationId = placed.headers['x-correlation-id'] as string;
    expect(correlationId).toEqual(expect.any(String));
    orderId = placed.body.id as string;
    await eventually(async () => {
      const order = await customer.request('GET', `/v1/orders/${orderId}`);
      return order.body.status === 'confirmed' ? true : undefined;
    });
    await eventually(async () =>
      (await db.collection('products').findOne({ _id: productId as never }))?.reserved === 2
        ? true
        : undefined,
    );
  });

  afterAll(async () => {
    await api?.app.close().catch(() => undefined);
    if (api) await fs.rm(api.dataDir, { recursive: true, force: true });
  });

  it('prints help for every command group with exit code 0', async () => {
    const groups = [
      [],
      ['projections'],
      ['projections', 'parked'],
      ['streams'],
      ['events'],
      ['trace'],
      ['auth'],
    ];
    const results = await Promise.all(groups.map((g) => cli(...g, '--help')));
    results.forEach((r, i) => {
      expect({ group: groups[i], code: r.code }).toEqual({ group: groups[i], code: 0 });
      expect(r.stdout).toContain(`Usage: eventshop${groups[i]!.length ? ` ${groups[i]!.join(' ')}` : ''}`);
    });
    expect(results[1]!.stdout).toMatch(/rebuild[\s\S]*verify[\s\S]*parked/);
    expect(results[3]!.stdout).toMatch(/list[\s\S]*read[\s\S]*tail[\s\S]*state[\s\S]*diff/);
  });

  it('lists projections with version, state, checkpoint, lag and parked count; verify passes on intact views', async () => {
    const [result, intact] = await Promise.all([
      cli('projections', 'list', '--json'),
      cli('projections', 'verify', 'products', '--json'),
    ]);
    expect(intact.code).toBe(0);
    expect(json(intact)).toMatchObject({ name: 'products', ok: true, differences: [] });
    expect(result.code).toBe(0);
    const rows = json<Record<string, unknown>[]>(result);
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['products', 'orders', 'checkouts']));
    for (const row of rows.filter((r) => r.kind === 'projection')) {
      expect(row).toMatchObject({ version: expect.any(Number), state: expect.any(String), parked: 0 });
      expect(row).toHaveProperty('lagEvents');
      expect(row).toHaveProperty('lagMs');
      expect(row.checkpoint).toEqual(expect.any(String));
    }
  });

  it('verify fails with a readable diff on a tampered view; rebuild shows progress and repairs it', async () => {
    await db.collection('products').updateOne({ _id: productId as never }, { $set: { onHand: 999 } });
    const tampered = await cli('projections', 'verify', 'products');
    expectOneLineError(tampered, /products does not match a fresh rebuild/);
    expect(tampered.stdout).toContain('1 difference(s)');
    expect(tampered.stdout).toContain(`products ${productId}`);
    expect(tampered.stdout).toMatch(/live: .*"onHand":999/);
    expect(tampered.stdout).toMatch(/expected: .*"onHand":10/);

    // A rebuild replays the events into shadow collections and swaps them in: the tampering is gone.
    const rebuilt = await cli('projections', 'rebuild', 'products');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stderr).toMatch(/products \[.*\] \d+\/\d+ events \| \d+(\.\d+)? events\/s \| ETA/);
    expect(rebuilt.stdout).toMatch(/name\s+mode\s+processed/);
    const afterRebuild = await cli('projections', 'verify', 'products', '--json');
    expect(afterRebuild.code).toBe(0);
    expect(json(afterRebuild)).toMatchObject({ ok: true });
    expect(await db.collection('products').findOne({ _id: productId as never })).toMatchObject({
      onHand: 10,
      reserved: 2,
    });
  });

  it('rebuild --json returns the processed counts; a rebuild without a name is refused', async () => {
    const [rebuilt, unnamed] = await Promise.all([
      cli('projections', 'rebuild', 'orders', '--json'),
      cli('projections', 'rebuild'),
    ]);
    expect(rebuilt.code).toBe(0);
    const [report] = json<Record<string, unknown>[]>(rebuilt);
    expect(report).toMatchObject({ name: 'orders', mode: 'shadow', done: true });
    expect(report!.processed).toBeGreaterThanOrEqual(1);
    expect(report!.total).toBeGreaterThanOrEqual(report!.processed as number);
    expectOneLineError(unnamed, /name a projection, or pass --all/);
    const customer = await ShopClient.as(api, 'admin');
    expect((await customer.request('GET', `/v1/orders/${orderId}`)).body).toMatchObject({
      status: 'confirmed',
    });
  });

  it('reset and rebuild --in-place empty a view and replay it before they return', async () => {
    const [reset, inPlace] = await Promise.all([
      cli('projections', 'reset', 'checkouts', '--json'),
      cli('projections', 'rebuild', 'sales', '--in-place', '--json'),
    ]);
    expect(reset.code).toBe(0);
    expect(json(reset)).toMatchObject({ name: 'checkouts', reset: true });
    expect(json<{ processed: number }>(reset).processed).toBeGreaterThanOrEqual(1);
    expect(await db.collection('checkouts').countDocuments({ _id: orderId as never })).toBe(1);
    expect(inPlace.code).toBe(0);
    const [report] = json<Record<string, unknown>[]>(inPlace);
    expect(report).toMatchObject({ name: 'sales', mode: 'in-place', done: true });
    expect(report!.processed).toBeGreaterThanOrEqual(1);
    const [checkouts, sales] = await Promise.all([
      cli('projections', 'verify', 'checkouts', '--json'),
      cli('projections', 'verify', 'sales', '--json'),
    ]);
    expect([checkouts.code, sales.code]).toEqual([0, 0]);
    // The API took its leases back and runs both again.
    await eventually(async () => {
      const status = await manager.status();
      const running = status.filter((p) => ['checkouts', 'sales'].includes(p.name) && p.state === 'live');
      return running.length === 2 ? true : undefined;
    });
  });

  it('rebuild --all rebuilds every projection the API runs, with a total fixed from the start and no listener warnings', async () => {
    const result = await runCli(['projections', 'rebuild', '--all'], {
      DATA_DIR: api.dataDir,
      NODE_OPTIONS: '--trace-warnings',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('MaxListenersExceededWarning');
    const names = manager.list().map((p) => p.name);
    for (const name of names) {
      expect(result.stdout).toMatch(new RegExp(`^${name}\\s+shadow\\s+\\d+`, 'm'));
      // Without a terminal the bar prints a line at the start and at the end: both show the same total.
      const lines = [...result.stderr.matchAll(new RegExp(`^${name} \\[.*\\] \\d+/(\\d+) events`, 'gm'))];
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(new Set(lines.map((line) => line[1])).size).toBe(1);
    }
    // The API took every lease back and runs every projection again.
    await eventually(async () => {
      const status = await manager.status();
      return status.every((p) => p.state === 'live') ? true : undefined;
    });
  });

  it('lists, reads and pages streams', async () => {
    const stream = `product-${productId}`;
    const [list, first, backwards, rest] = await Promise.all([
      cli('streams', 'list', '--prefix', 'product-', '--json'),
      cli('streams', 'read', stream, '--limit', '1', '--json'),
      cli('streams', 'read', stream, '--backwards', '--limit', '1', '--json'),
      cli('streams', 'read', stream, '--from', '1', '--json'),
    ]);
    expect(json(list)).toContainEqual({ stream });
    expect(json<{ stream: string }[]>(list).every((s) => s.stream.startsWith('product-'))).toBe(true);
    const page = json<{ events: { type: string; revision: string }[]; next: string | null }>(first);
    expect(page.events.map((e) => [e.type, e.revision])).toEqual([['ProductRegistered', '0']]);
    expect(page.next).toBe('1');
    const newest = json<{ events: { type: string; revision: string }[] }>(backwards).events[0]!;
    expect(newest.type).toBe('StockReserved');
    const tail = json<{ events: { type: string; revision: string; recordedAt: string }[] }>(rest).events;
    revisionOneRecordedAt = tail[0]!.recordedAt;
    expect(tail[0]).toMatchObject({ type: 'StockReceived', revision: '1' });
    expect(tail.at(-1)).toEqual(newest);
  });

  it('time travels by revision and by time, and diffs two revisions', async () => {
    const stream = `product-${productId}`;
    const [now, atZero, atOne, atTime, diff] = await Promise.all([
      cli('streams', 'state', stream, '--json'),
      cli('streams', 'state', stream, '--at-revision', '0', '--json'),
      cli('streams', 'state', stream, '--at-revision', '1', '--json'),
      cli('streams', 'state', stream, '--at-time', revisionOneRecordedAt, '--json'),
      cli('streams', 'diff', stream, '0', '1', '--json'),
    ]);
    type State = { revision: string; state: Record<string, unknown> };
    expect(json<State>(now).state).toMatchObject({ onHand: 10 });
    expect(json<State>(atZero)).toMatchObject({ revision: '0', state: { onHand: 0 } });
    expect(json<State>(atOne)).toMatchObject({ revision: '1', state: { onHand: 10 } });
    // The state at the time event 1 was recorded is the state at revision 1.
    expect(json<State>(atTime)).toEqual(json<State>(atOne));
    const changes = json<{ from: State; to: State; changes: { path: string }[] }>(diff);
    expect(changes.from.state).toEqual(json<State>(atZero).state);
    expect(changes.to.state).toEqual(json<State>(atOne).state);
    expect(JSON.stringify(changes.changes)).toContain('onHand');
  });

  it('searches events by type and by correlation id, and traces the whole checkout', async () => {
    const [byType, byCorrelation, trace, tree] = await Promise.all([
      cli('events', 'search', '--type', 'OrderPlaced', '--json'),
      cli('events', 'search', '--correlation-id', correlationId, '--since', '2000-01-01T00:00:00Z', '--json'),
      cli('trace', correlationId, '--json'),
      cli('trace', correlationId),
    ]);
    const placed = json<{ type: string; stream: string }[]>(byType);
    expect(placed.every((e) => e.type === 'OrderPlaced')).toBe(true);
    expect(placed.map((e) => e.stream)).toContain(`order-${orderId}`);
    const conversation = json<{ correlationId: string; type: string }[]>(byCorrelation);
    expect(conversation.length).toBeGreaterThanOrEqual(6);
    expect(conversation.every((e) => e.correlationId === correlationId)).toBe(true);

    expect(trace.code).toBe(0);
    const { tree: roots, events } = json<{ tree: TraceNode[]; events: number }>(trace);
    expect(events).toBe(conversation.length);
    const types = flatten(roots).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'OrderPlaced',
        'StockReserved',
        'PaymentRequested',
        'PaymentCaptured',
        'OrderConfirmed',
      ]),
    );
    // OrderPlaced is the one root; the checkout's commands hang below it: the reservation, and the payment
    // request whose capture confirmed the order.
    expect(roots.map((r) => r.event.type)).toEqual(['OrderPlaced']);
    const below = (scope: TraceNode[], type: string) => {
      const node = descendants(scope, type);
      expect({ type, found: node !== undefined }).toEqual({ type, found: true });
      return node!.children;
    };
    expect(flatten(roots[0]!.children).map((e) => e.type)).toEqual(
      expect.arrayContaining(['CheckoutStarted', 'StockReserved', 'PaymentRequested']),
    );
    below(below(below(roots, 'PaymentRequested'), 'PaymentCaptured'), 'OrderConfirmed');
    // In log order: command -> checkout facts -> reservation -> payment -> confirmation.
    const order = [
      'OrderPlaced',
      'CheckoutStarted',
      'StockReserved',
      'PaymentRequested',
      'PaymentCaptured',
      'OrderConfirmed',
    ];
    const logTypes = conversation.map((e) => e.type);
    expect(order.map((t) => logTypes.indexOf(t))).toEqual(
      [...order.map((t) => logTypes.indexOf(t))].sort((a, b) => a - b),
    );
    expect(order.every((t) => logTypes.includes(t))).toBe(true);
    expect(tree.stdout).toMatch(/^OrderPlaced {2}order-/);
    expect(tree.stdout).toMatch(/│  +[├└]─ OrderConfirmed {2}order-/);
  });

  it('mints tokens the API accepts, with the role given', async () => {
    const [admin, customer, badRole] = await Promise.all([
      cli('auth', 'token', '--role', 'admin', '--sub', 'ops-1', '--ttl', '5m', '--json'),
      cli('auth', 'token', '--role', 'customer'),
      cli('auth', 'token', '--role', 'root'),
    ]);
    expect(json(admin)).toMatchObject({ sub: 'ops-1', roles: ['admin'] });
    const get = (token: string) =>
      api.app.inject({
        method: 'GET',
        url: '/v1/admin/projections',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await get(json<{ token: string }>(admin).token)).statusCode).toBe(200);
    expect((await get(customer.stdout.trim())).statusCode).toBe(403);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toContain('unknown role "root"');
  });

  it('fails in one line without a stack trace on unknown projections, streams and bad options', async () => {
    const results = await Promise.all([
      cli('projections', 'verify', 'nope'),
      cli('projections', 'parked', 'list', 'nope'),
      cli('streams', 'read', `product-${randomUUID()}`),
      cli('streams', 'state', `product-${randomUUID()}`, '--json'),
      cli('trace', randomUUID()),
      cli(
        'streams',
        'state',
        `product-${productId}`,
        '--at-revision',
        '1',
        '--at-time',
        '2026-01-01T00:00:00Z',
      ),
      cli('streams', 'read', `product-${productId}`, '--limit', 'many'),
    ]);
    const [verify, parked, read, state, trace, ambiguous, badLimit] = results;
    expectOneLineError(verify, /no projection named "nope"/);
    expectOneLineError(parked, /no projection or processor named "nope"/);
    expectOneLineError(read, /product-/);
    expectOneLineError(state, /product-/);
    expectOneLineError(trace, /No events with correlation id/);
    expectOneLineError(ambiguous, /either --at-revision or --at-time, not both/);
    expect(badLimit.code).not.toBe(0);
    expect(badLimit.stderr).toContain('--limit must be a non-negative integer');
    expect(badLimit.stderr).not.toMatch(/\n\s+at /);
  });

  it('parks events a projection cannot apply; lists, replays (after the fix) and skips them', async () => {
    const esdb = api.app.get(EventStoreDBClient);
    // A poison event: a quantity the products projection cannot $inc by.
    const poisonProduct = randomUUID();
    await esdb.appendToStream(
      `product-${poisonProduct}`,
      jsonEvent({ type: 'StockReceived', data: { productId: poisonProduct, quantity: 'lots' } }),
    );
    // A good event that fails only because the view was broken by hand: replayable once the view is fixed.
    await db.collection('products').updateOne({ _id: productId as never }, { $set: { onHand: 'broken' } });
    await clerk.request('POST', `/v1/products/${productId}/stock`, { quantity: 5 });
    await eventually(async () => ((await manager.parked.list('products')).length === 2 ? true : undefined));

    const [listed, statusResult] = await Promise.all([
      cli('projections', 'parked', 'list', 'products', '--json'),
      cli('projections', 'list', '--json'),
    ]);
    expect(listed.code).toBe(0);
    const rows =
      json<{ id: string; type: string; stream: string; error: string; projection: string }[]>(listed);
    expect(rows).toHaveLength(2);
    const poison = rows.find((r) => r.stream.startsWith(`product-${poisonProduct}`))!;
    const fixable = rows.find((r) => r.stream.startsWith(`product-${productId}`))!;
    expect(poison).toMatchObject({ projection: 'products', type: 'StockReceived' });
    expect(poison.error).toMatch(/non-numeric/);
    const status = json<{ name: string; parked: number }[]>(statusResult);
    expect(status.find((s) => s.name === 'products')?.parked).toBe(2);

    // Replaying the poison event with the same code fails again, in one line, and it stays parked.
    expectOneLineError(await cli('projections', 'parked', 'replay', 'products', poison.id), /non-numeric/);

    await db.collection('products').updateOne({ _id: productId as never }, { $set: { onHand: 10 } });
    const [replayed, skipped] = await Promise.all([
      cli('projections', 'parked', 'replay', 'products', fixable.id, '--json'),
      cli('projections', 'parked', 'skip', 'products', poison.id, '--json'),
    ]);
    expect(json(replayed)).toEqual({ projection: 'products', id: fixable.id, replayed: true });
    expect(json(skipped)).toEqual({ projection: 'products', id: poison.id, skipped: true });
    expect(await db.collection('products').findOne({ _id: productId as never })).toMatchObject({
      onHand: 15,
    });

    const [empty, again] = await Promise.all([
      cli('projections', 'parked', 'list', '--json'),
      cli('projections', 'parked', 'skip', 'products', poison.id),
    ]);
    expect(json(empty)).toEqual([]);
    expectOneLineError(again, new RegExp(`no parked event ${poison.id} for products`));
  });

  it('tails $all live, filtered by type, until interrupted', async () => {
    const tail = startCli(['streams', 'tail', '$all', '--type', 'StockReceived', '--json'], {
      DATA_DIR: api.dataDir,
    });
    try {
      // It follows from the end: keep receiving stock until the subscription has seen one.
      let lastSent = 0;
      await eventually(async () => {
        if (tail.output.stdout.includes('\n')) return true;
        if (Date.now() - lastSent < 500) return undefined;
        lastSent = Date.now();
        await clerk.request('POST', `/v1/products/${productId}/stock`, { quantity: 1 });
        return tail.output.stdout.includes('\n') ? true : undefined;
      }, 30_000);
    } finally {
      tail.child.kill('SIGINT');
    }
    expect(await tail.exited).toBe(0);
    const lines = tail.output.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) {
      expect(line).toMatchObject({
        type: 'StockReceived',
        stream: `product-${productId}`,
        data: { quantity: 1 },
      });
    }
  });

  it('works with the API stopped (starting the servers itself), and names a locked data directory', async () => {
    await api.app.close();
    // One at a time: each run starts the embedded servers on the data directory, which only one may hold.
    const streams = await cli('streams', 'list', '--prefix', 'order-', '--json');
    const projections = await cli('projections', 'list', '--json');
    expect(json(streams)).toContainEqual({ stream: `order-${orderId}` });
    expect(json<{ name: string }[]>(projections).map((p) => p.name)).toContain('products');

    // Another process holds the data directory but published no servers: the CLI cannot start its own.
    const holder = await startEmbeddedEventStore({ dataDir: `${api.dataDir}/eventstore`, port: 0 });
    try {
      const locked = await cli('streams', 'list');
      expectOneLineError(locked, /data directory .* is locked/);
    } finally {
      await holder.stop();
    }
  });
});

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { eventually } from '@shop/testing';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { ensureConsoleBuilt } from '../testing/console-build';
import { CONSOLE_CSP } from './serve-console';

const BUDGET_GZIP_BYTES = 200 * 1024;

/** /console as served by the API, and the admin endpoints only the console uses. */
describe('operator console (serving and its admin endpoints)', () => {
  let api: ApiUnderTest;
  let dir: string;
  let admin: ShopClient;
  let auditor: ShopClient;
  let customer: ShopClient;

  beforeAll(async () => {
    dir = await ensureConsoleBuilt();
    api = await startApiUnderTest({ RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' });
    admin = await ShopClient.as(api, 'admin');
    auditor = await ShopClient.as(api, 'auditor');
    customer = await ShopClient.as(api, 'customer');
  }, 90_000);
  afterAll(() => api?.close());

  it('serves the page shell with the strict CSP, no data and no outside URL in it', async () => {
    const redirect = await api.app.inject({ url: '/console' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/console/');
    const page = await api.app.inject({ url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).not.toMatch(/https?:\/\//);
    const script = /<script type="module" crossorigin src="(\/console\/assets\/[^"]+\.js)"/.exec(
      page.body,
    )?.[1];
    expect(script).toBeDefined();
    const asset = await api.app.inject({ url: script! });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    // The JSON API keeps its own policy.
    expect((await api.app.inject({ url: '/health/live' })).headers['content-security-policy']).not.toBe(
      CONSOLE_CSP,
    );
  });

  it('keeps first-load JavaScript within 200 KB gzipped (what index.html loads, measured here)', () => {
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    const scripts = [
      ...html.matchAll(/<(?:script|link rel="modulepreload")[^>]+(?:src|href)="\/console\/([^"]+\.js)"/g),
    ];
    expect(scripts.length).toBeGreaterThan(0);
    const gzipBytes = scripts
      .map(([, file]) => gzipSync(readFileSync(path.join(dir, file!)), { level: 9 }).length)
      .reduce((a, b) => a + b, 0);
    expect(gzipBytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    // The build's own check (vite.config.mjs) measured the same files.
    const budget = JSON.parse(readFileSync(path.join(dir, 'budget.json'), 'utf8')) as { gzipBytes: number };
    expect(budget.gzipBytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  it('GET /v1/admin/session tells any caller its roles and whether it may operate', async () => {
    expect((await customer.request('GET', '/v1/admin/session')).body).toMatchObject({
      roles: ['customer'],
      operator: false,
      canChange: false,
    });
    expect((await auditor.request('GET', '/v1/admin/session')).body).toMatchObject({
      operator: true,
      canChange: false,
    });
    expect((await admin.request('GET', '/v1/admin/session')).body).toMatchObject({
      roles: ['admin'],
      operator: true,
      canChange: true,
    });
    expect((await api.app.inject({ url: '/v1/admin/session' })).statusCode).toBe(401);
  });

  it('GET /v1/admin/overview: counters, projections, breakers and broker, for operators only', async () => {
    expect((await customer.request('GET', '/v1/admin/overview')).status).toBe(403);
    await admin.registerProduct(`OVERVIEW-${Date.now()}`, 100, 1);
    const { status, body } = await auditor.request('GET', '/v1/admin/overview');
    expect(status).toBe(200);
    expect(body).toMatchObject({ breakers: { payment: 'closed' }, broker: { configured: false } });
    expect(body.commands).toBeGreaterThanOrEqual(2);
    expect(body.appends).toBeGreaterThanOrEqual(2);
    expect(body.projections).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'products', kind: 'projection' })]),
    );
  });

  it('follows a rebuild to done, verifies a view, and refuses both to an auditor', async () => {
    expect((await admin.request('GET', '/v1/admin/projections/orders/rebuild')).status).toBe(404);
    expect((await auditor.request('POST', '/v1/admin/projections/orders/rebuild')).status).toBe(403);
    expect((await admin.request('POST', '/v1/admin/projections/orders/rebuild')).status).toBe(202);
    const run = await eventually(async () => {
      const { body } = await auditor.request('GET', '/v1/admin/projections/orders/rebuild');
      return body.state === 'done' ? body : undefined;
    });
    expect(run).toMatchObject({ name: 'orders', error: null, progress: { done: true } });
    expect((await auditor.request('POST', '/v1/admin/projections/products/verify')).status).toBe(403);
    const verified = await admin.request('POST', '/v1/admin/projections/products/verify');
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ name: 'products', ok: true, differences: [] });
  });

  it('runs one verify or rebuild of a view at a time: the others are refused with the reason', async () => {
    // They pause the live view and share scratch collections: two at once would report false differences.
    const verifies = await Promise.all([
      admin.request('POST', '/v1/admin/projections/products/verify'),
      admin.request('POST', '/v1/admin/projections/products/verify'),
    ]);
    expect(verifies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(verifies.find((r) => r.status === 200)!.body).toMatchObject({ ok: true, differences: [] });
    expect(verifies.find((r) => r.status === 409)!.body).toMatchObject({ code: 'verify_in_progress' });

    const [rebuild, verify] = await Promise.all([
      admin.request('POST', '/v1/admin/projections/products/rebuild'),
      admin.request('POST', '/v1/admin/projections/products/verify'),
    ]);
    expect(rebuild.status).toBe(202);
    expect(verify.status).toBe(409);
    expect(verify.body).toMatchObject({ code: 'rebuild_in_progress' });
    await eventually(async () => {
      const { body } = await admin.request('GET', '/v1/admin/projections/products/rebuild');
      return body.state === 'done' ? body : undefined;
    });
  });

  it('GET /v1/admin/traces/:id/handlers: which projections applied each event of a conversation', async () => {
    const created = await admin.request('POST', '/v1/products', {
      sku: `TRACE-${Date.now()}`,
      name: 'Traced',
      priceCents: 5,
    });
    const correlationId = created.headers['x-correlation-id'] as string;
    const url = `/v1/admin/traces/${correlationId}/handlers`;
    expect((await customer.request('GET', url)).status).toBe(403);
    const events = await eventually(async () => {
      const { body } = await auditor.request('GET', url);
      const list = body.events as { handlers: { name: string; state: string }[] }[];
      return list.some((e) => e.handlers.some((h) => h.name === 'products' && h.state === 'applied'))
        ? list
        : undefined;
    });
    expect(events).toHaveLength(1);
    expect((await auditor.request('GET', '/v1/admin/traces/nope/handlers')).status).toBe(404);
  });

  it('a parked-event action with a reason on an unknown event is a 404; a too long reason is a 400', async () => {
    const base = '/v1/admin/projections/products/parked/00000000-0000-4000-8000-000000000000';
    expect((await admin.request('POST', `${base}/skip`, { reason: 'duplicate' })).status).toBe(404);
    expect((await admin.request('POST', `${base}/skip`, { reason: 'x'.repeat(501) })).status).toBe(400);
  });
});

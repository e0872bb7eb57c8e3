import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MONGO_DB } from '@shop/mongo';
import { eventually } from '@shop/testing';
import { type Db } from 'mongodb';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { ensureConsoleBuilt } from '../testing/console-build';

/** Debian's package (`apt-get install -y chromium`; .ci/run installs it): never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
const HOST = 'console.test';
// With CONSOLE_SCREENSHOTS=1 the screenshots land in docs/console (shown in the README); otherwise in tmp.
const SHOTS = process.env.CONSOLE_SCREENSHOTS
  ? path.resolve(__dirname, '..', '..', '..', '..', 'docs', 'console')
  : path.join(os.tmpdir(), 'console-screenshots');
// No double quotes: JSON.stringify would escape them, and the page shows the payload as JSON.
const XSS = '<script>window.__pwned = 1</script><img src=x onerror=window.__pwned=2>';

// Needs Chromium at /usr/bin/chromium; skipped (with this reason) where it is not installed.
const describeInChromium = existsSync(CHROMIUM) ? describe : describe.skip;

/** The operator console in a real headless Chromium, against the real app on its embedded servers. */
describeInChromium('/console in Chromium', () => {
  let api: ApiUnderTest;
  let db: Db;
  let browser: Browser;
  let page: Page;
  let base: string;
  let clerk: ShopClient;
  let customer: ShopClient;
  let productId: string;
  let orderId: string;
  const cspViolations: string[] = [];
  const failedRequests: string[] = [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    mkdirSync(SHOTS, { recursive: true });
    api = await startApiUnderTest(
      { RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000', PAYMENT_SIM_LATENCY_MS: '5' },
      { listen: true },
    );
    db = api.app.get<symbol, Db>(MONGO_DB);
    clerk = await ShopClient.as(api, 'clerk');
    customer = await ShopClient.as(api, 'customer');
    productId = await clerk.registerProduct(`CONSOLE-${Date.now()}`, 1250, 20);
    const placed = await customer.request('POST', '/v1/orders', { lines: [{ productId, quantity: 2 }] });
    orderId = placed.body.id as string;
    await eventually(async () =>
      (await customer.request('GET', `/v1/orders/${orderId}`)).body.status === 'confirmed' ? true : undefined,
    );
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    base = `http://${HOST}:${port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('requestfailed', (request) => {
      // A page closes its live feed when the operator moves to another page: that abort is no failure.
      const aborted = request.failure()?.errorText === 'net::ERR_ABORTED' && request.url().endsWith('/live');
      if (!aborted) failedRequests.push(`${request.url()} ${request.failure()?.errorText}`);
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  /** axe-core in the page: no serious or critical accessibility violation. */
  const expectAccessible = async () => {
    const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    // Evaluated through the DevTools protocol, which the page's CSP does not govern (no inline script).
    await page.evaluate(source);
    const violations = await page.evaluate(`axe.run().then((result) => result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.impact + ': ' + v.id + ' (' + v.nodes.length + ')'))`);
    expect(violations).toEqual([]);
  };

  const signIn = async (token: string) => {
    await page.locator('#token').fill(token);
    // By keyboard, as at 3 a.m.: Tab to the button, Enter.
    await page.locator('#token').press('Tab');
    await page.keyboard.press('Enter');
  };

  it('refuses a customer token with a clear message, then signs an admin in to the overview', async () => {
    await page.goto(`${base}/console/`);
    await page.locator('#token').waitFor();
    await expectAccessible();
    await signIn(await api.token('customer'));
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(
      /Refused: this token has the role customer; the console needs an admin or auditor token/,
    );
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    await signIn(await api.token('admin'));
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // Two samples make a rate: the charts have drawn once commands/s shows a number.
    await page.getByText(/Commands: \d/).waitFor({ timeout: 20_000 });
    await page.getByText('Readiness: ok').waitFor();
    await expect(page.getByTestId('parked-total').innerText()).resolves.toBe('0');
    await page.getByText('Live feed connected').waitFor();
    // Some traffic while the page watches, so the charts show it (each round: two commands).
    let round = 0;
    await eventually(async () => {
      await clerk.registerProduct(`BUSY-${Date.now()}-${round++}`, 300, 5);
      const charts = await page.locator('figure.spark figcaption').allInnerTexts();
      return charts.some((c) => /Commands: [1-9]/.test(c)) &&
        charts.some((c) => /applied to views: [1-9]/.test(c))
        ? true
        : undefined;
    });
    await shot('overview');
    await expectAccessible();
  }, 60_000);

  it('finds a stream, opens an event, and shows the state at its revision', async () => {
    await page.getByRole('link', { name: 'Streams' }).click();
    await page.locator('#prefix').fill(`order-${orderId}`);
    await page.locator('#prefix').press('Enter');
    await page.getByRole('link', { name: `order-${orderId}` }).click();
    await page.getByRole('button', { name: 'OrderPlaced' }).click();
    const data = page.getByLabel('Event data');
    await expect(data.innerText()).resolves.toContain(productId);
    await expect(page.getByLabel('Event metadata').innerText()).resolves.toContain('"correlationId"');
    await page.getByRole('button', { name: /State at revision/ }).click();
    await page.getByRole('heading', { name: /State after revision 0/ }).waitFor();
    await shot('streams');
    await expectAccessible();
  }, 60_000);

  it("follows the event's trace: the causation tree drawn as SVG with times", async () => {
    await page.getByRole('link', { name: 'Trace of this conversation' }).click();
    await page.locator('svg.trace').waitFor();
    const nodes = page.locator('svg.trace a.trace-node');
    await eventually(async () => ((await nodes.count()) > 2 ? true : undefined));
    await expect(page.locator('svg.trace').innerHTML()).resolves.toContain('OrderPlaced');
    await expect(page.locator('svg.trace').innerHTML()).resolves.toMatch(/\+\d+ ms/);
    // The projections and processors that applied each event, beside it.
    await page.locator('svg.trace .chip-applied', { hasText: 'orders' }).first().waitFor();
    await shot('trace');
    await expectAccessible();
  }, 60_000);

  it('renders an event whose payload holds <script> as text, running nothing', async () => {
    const xssId = (
      await clerk.request('POST', '/v1/products', { sku: `XSS-${Date.now()}`, name: XSS, priceCents: 1 })
    ).body.id as string;
    await page.goto(`${base}/console/#/streams?stream=product-${xssId}`);
    await page.getByRole('button', { name: 'ProductRegistered' }).click();
    await expect(page.getByLabel('Event data').innerText()).resolves.toContain(XSS);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('main script, main img').count()).toBe(0);
  }, 60_000);

  it('pages a long stream newest first, 20 at a time, and shows what an event changed', async () => {
    const id = await clerk.registerProduct(`PAGED-${Date.now()}`, 100, 0);
    for (let i = 0; i < 24; i++) await clerk.request('POST', `/v1/products/${id}/stock`, { quantity: 1 });
    await page.goto(`${base}/console/#/streams?stream=product-${id}`);
    const revisions = page.locator('.events tbody tr td:first-child');
    await eventually(async () => ((await revisions.first().innerText()) === '24' ? true : undefined));
    expect(await revisions.count()).toBe(20);
    await page.getByRole('button', { name: 'Older' }).click();
    await eventually(async () => ((await revisions.first().innerText()) === '4' ? true : undefined));
    expect(await revisions.allInnerTexts()).toEqual(['4', '3', '2', '1', '0']);
    await expect(page.getByRole('button', { name: 'Older' }).isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Newer' }).click();
    await eventually(async () => ((await revisions.first().innerText()) === '24' ? true : undefined));

    await page.getByRole('button', { name: 'StockReceived' }).first().click();
    await page.getByRole('button', { name: 'State at revision 24' }).click();
    await page.getByRole('heading', { name: 'Changed since revision 23' }).waitFor();
    await expect(page.getByLabel('Changes from the previous revision').innerText()).resolves.toMatch(
      /onHand/i,
    );
  }, 60_000);

  it("follows a stream's new events by itself (the live feed), without a reload", async () => {
    await page.goto(`${base}/console/#/streams?stream=product-${productId}`);
    await page.getByText('Live feed connected').waitFor();
    const received = page.getByRole('button', { name: 'StockReceived' });
    const before = await received.count();
    await clerk.request('POST', `/v1/products/${productId}/stock`, { quantity: 1 });
    await eventually(async () => ((await received.count()) === before + 1 ? true : undefined));
  }, 60_000);

  it('rebuilds a projection and shows its progress until done', async () => {
    await page.getByRole('link', { name: 'Projections' }).click();
    await page.getByText('Live feed connected').waitFor();
    const row = page.locator('tr[data-projection="products"]');
    await row.getByRole('button', { name: 'Rebuild' }).click();
    await row.getByText(/^done: \d+ events$/).waitFor({ timeout: 30_000 });
    await shot('projections');
    await expectAccessible();
  }, 60_000);

  it('inspects a parked event and replays it with a reason', async () => {
    // Break the view under the projection so its next event for this product parks.
    await db.collection('products').updateOne({ _id: productId as never }, { $set: { onHand: 'broken' } });
    await clerk.request('POST', `/v1/products/${productId}/stock`, { quantity: 3 });
    const row = page.locator('tr[data-projection="products"]');
    const parkedButton = row.getByRole('button', { name: '1 parked events of products' });
    await parkedButton.waitFor({ timeout: 20_000 });
    await parkedButton.click();
    const entry = page.locator('article[data-parked]');
    await expect(entry.locator('.error').innerText()).resolves.toMatch(/non-numeric/);
    await expect(entry.getByRole('button', { name: 'Replay' }).isDisabled()).resolves.toBe(true);
    await page.locator('#reason').fill('view repaired by hand after a bad migration');
    await shot('parked');
    await expectAccessible();
    await db.collection('products').updateOne({ _id: productId as never }, { $set: { onHand: 18 } });
    await entry.getByRole('button', { name: 'Replay' }).click();
    await page.getByText(/^Replayed /).waitFor();
    await page.getByText('No parked events.').waitFor();
    expect((await db.collection('products').findOne({ _id: productId as never }))?.onHand).toBe(21);
    // The record keeps who replayed it and why.
    const record = await db
      .collection('projection_parked')
      .findOne({ projection: 'products', status: 'replayed' });
    expect(record?.resolution).toEqual({
      by: expect.any(String),
      reason: 'view repaired by hand after a bad migration',
    });
  }, 60_000);

  it('loaded nothing from elsewhere and broke no CSP rule', () => {
    expect(cspViolations).toEqual([]);
    expect(failedRequests).toEqual([]);
  });
});

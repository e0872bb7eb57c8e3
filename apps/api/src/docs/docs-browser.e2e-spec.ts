import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

/** Debian's package (`apt-get install -y chromium`; .ci/run installs it): never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
// A host name that is not localhost, so the page is served as on any server reached over plain HTTP.
const HOST = 'shop.test';

/** /docs in a real headless Chromium, as a developer uses it: Authorize, then Try it out. */
describe('/docs in Chromium', () => {
  let api: ApiUnderTest;
  let browser: Browser;
  let page: Page;
  let base: string;
  const failedRequests: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    api = await startApiUnderTest(
      { RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' },
      { listen: true },
    );
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    base = `http://${HOST}:${port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
    });
    page = await browser.newPage();
    page.on('requestfailed', (request) => failedRequests.push(request.url()));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** Expands an operation, presses Try it out (after `edit`), Execute, and answers the status shown. */
  const tryOut = async (
    operationId: string,
    edit?: (operation: ReturnType<Page['locator']>) => Promise<void>,
  ) => {
    const operation = page.locator(`[id^="operations-"][id*="-${operationId}"]`).first();
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('button.try-out__btn').click();
    if (edit) await edit(operation);
    await operation.locator('button.execute').click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 20_000 });
    return Number((await status.innerText()).trim());
  };

  it('authorizes with a token, then a GET and a POST answer 2xx', async () => {
    await page.goto(`${base}/docs`);
    await page.locator('button.authorize').first().waitFor({ timeout: 20_000 });
    expect(failedRequests).toEqual([]);

    await page.locator('button.authorize').first().click();
    await page
      .locator('.auth-container input')
      .first()
      .fill(await api.token('clerk'));
    await page.locator('button.modal-btn.auth.authorize').first().click();
    await page.locator('button.modal-btn.auth.btn-done').first().click();

    expect(await tryOut('ListProductsController_list')).toBe(200);

    const sku = `DOCS-${randomUUID().slice(0, 8)}`;
    const created = await tryOut('RegisterProductController_register', async (operation) => {
      await operation
        .locator('textarea.body-param__text')
        .fill(JSON.stringify({ sku, name: 'Tried in /docs', priceCents: 500 }));
    });
    expect(created).toBe(201);
  }, 90_000);
});

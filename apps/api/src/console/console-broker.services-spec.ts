import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventually } from '@shop/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { brokerUrl, TestConsumer } from '../../../../libs/integration/src/testing/broker';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { ensureConsoleBuilt } from '../testing/console-build';

const CHROMIUM = '/usr/bin/chromium';
const HOST = 'console.test';
const SHOTS = process.env.CONSOLE_SCREENSHOTS
  ? path.resolve(__dirname, '..', '..', '..', '..', 'docs', 'console')
  : path.join(os.tmpdir(), 'console-screenshots');

// Needs Chromium at /usr/bin/chromium; skipped (with this reason) where it is not installed.
const describeInChromium = existsSync(CHROMIUM) ? describe : describe.skip;

/** The console's broker page against the real RabbitMQ: a partner's unusable message, read and dropped. */
describeInChromium('/console broker dead letters in Chromium (RabbitMQ)', () => {
  const inboundExchange = `test.partners.${randomUUID()}`;
  const queue = `test.eventshop.inbound.${randomUUID()}`;
  let outbound: TestConsumer;
  let api: ApiUnderTest;
  let browser: Browser;
  let page: Page;

  const publish = async (body: unknown) => {
    const model = await connect(brokerUrl());
    const channel = await model.createConfirmChannel();
    channel.publish(inboundExchange, 'warehouse.shipment.dispatched.v1', Buffer.from(JSON.stringify(body)), {
      messageId: randomUUID(),
      persistent: true,
    });
    await channel.waitForConfirms();
    await model.close();
  };

  beforeAll(async () => {
    await ensureConsoleBuilt();
    mkdirSync(SHOTS, { recursive: true });
    outbound = await TestConsumer.start('shop.#');
    api = await startApiUnderTest(
      {
        RATE_LIMIT_PER_USER: '100000',
        RATE_LIMIT_PER_IP: '100000',
        AMQP_URL: brokerUrl(),
        AMQP_EXCHANGE: outbound.exchange,
        AMQP_INBOUND_EXCHANGE: inboundExchange,
        AMQP_INBOUND_QUEUE: queue,
        INBOUND_MAX_ATTEMPTS: '2',
        INBOUND_RETRY_DELAYS_MS: '50',
      },
      { listen: true },
    );
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`http://${HOST}:${port}/console/#/broker`);
    await page.locator('#token').fill(await api.token('admin'));
    await page.getByRole('button', { name: 'Sign in' }).click();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await outbound?.close();
    const model = await connect(brokerUrl());
    const channel = await model.createChannel();
    for (const q of [queue, `${queue}.retry.1`, `${queue}.dlq`])
      await channel.deleteQueue(q).catch(() => undefined);
    await channel.deleteExchange(inboundExchange).catch(() => undefined);
    await model.close();
  });

  it('lists a dead letter with its error and body, replays it, then drops all after a confirmation', async () => {
    await page.getByRole('heading', { name: 'Broker dead letters' }).waitFor();
    await page.getByText('No dead letters.').waitFor();
    await publish({
      orderId: 'not-a-uuid',
      dispatchedAt: 'soon',
      note: '<script>window.__pwned = 1</script>',
    });
    const letter = page.locator('article[data-dead-letter]');
    await letter.first().waitFor({ timeout: 20_000 });
    await expect(letter.locator('.error').innerText()).resolves.toMatch(/uuid/);
    await expect(letter.locator('pre').innerText()).resolves.toContain('<script>window.__pwned = 1</script>');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    await page.screenshot({ path: path.join(SHOTS, 'broker.png'), fullPage: true });
    await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    expect(
      await page.evaluate(`axe.run().then((r) => r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id))`),
    ).toEqual([]);

    // Replayed, it fails again (the order id is still no uuid) and comes back as a dead letter.
    const firstFailure = await letter.locator('.error').innerText();
    await letter.getByRole('button', { name: 'Replay' }).click();
    await page.getByText('Sent 1 back for a fresh set of attempts').waitFor();
    await eventually(async () => {
      const now = await letter.locator('.error').allInnerTexts();
      return now.length === 1 && now[0] !== firstFailure ? true : undefined;
    });

    await page.getByRole('button', { name: 'Drop all…' }).click();
    await page.getByRole('button', { name: /Drop all 1 for good/ }).click();
    await page.getByText('Dropped 1 dead letters').waitFor();
    await page.getByText('No dead letters.').waitFor();
    const { deadLetters } = await eventually(async () => {
      const res = await api.app.inject({
        url: '/v1/admin/broker/dead-letters',
        headers: { authorization: `Bearer ${await api.token('auditor')}` },
      });
      return res.statusCode === 200 ? res.json<{ deadLetters: unknown[] }>() : undefined;
    });
    expect(deadLetters).toEqual([]);
  }, 90_000);
});

import { eventually, freePort } from '@shop/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

const root = path.resolve(__dirname, '../../../..');

describe('a second API on the same DATA_DIR', () => {
  let dataDir: string;
  let first: ChildProcess;
  let second: ApiUnderTest;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'second-api-'));
    const port = await freePort();
    first = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, '../main.ts')], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await eventually(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    second = await startApiUnderTest({ DATA_DIR: dataDir, RATE_LIMIT_PER_USER: '100000' });
  }, 120_000);

  afterAll(async () => {
    first.kill('SIGKILL');
    await second.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('serves through the first one’s servers, and carries on alone when the first one crashes', async () => {
    const clerk = await ShopClient.as(second, 'clerk');
    const before = await clerk.registerProduct(`SECOND-${process.pid}-1`, 100, 2);

    first.kill('SIGKILL');
    await once(first, 'exit');

    // It takes the data directory over: commands and reads work again, and nothing written before is lost.
    const created = await eventually(
      async () => {
        const res = await clerk.request('POST', '/v1/products', {
          sku: `SECOND-${process.pid}-2`,
          name: 'After the crash',
          priceCents: 200,
        });
        return res.status === 201 ? res.body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    // Its projections start after the takeover: a position wait may time out (409) until they run.
    const after = await eventually(
      async () => {
        const res = await clerk.request(
          'GET',
          `/v1/products/${String(created.id)}?position=${String(created.position)}`,
        );
        return res.status === 409 ? undefined : res;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(after.status).toBe(200);
    expect((await clerk.request('GET', `/v1/products/${before}`)).body).toMatchObject({ onHand: 2 });
    await eventually(async () => (await second.app.inject({ url: '/health/ready' })).statusCode === 200, {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  }, 90_000);
});

import { eventually } from '@shop/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

describe('worker process', () => {
  it('with external servers and no payment provider, stops naming PAYMENT_PROVIDER_URL', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        EVENTSTORE_URL: 'esdb://127.0.0.1:9?tls=false',
        MONGO_URL: 'mongodb://127.0.0.1:9/?directConnection=true',
        PAYMENT_PROVIDER_URL: '',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/PAYMENT_PROVIDER_URL: .*PAYMENT_SIMULATE=true/);
    expect(stderr).not.toContain('JWT_SECRET'); // the worker verifies no tokens
  });

  it('serves its own health and metrics on WORKER_PORT while it runs the workers, and stops cleanly', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'worker-'));
    const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        DATA_DIR: dataDir,
        WORKER_PORT: '0',
        PAYMENT_SIMULATE: 'true',
        EVENTSTORE_URL: '',
        MONGO_URL: '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const url = await eventually(
        () => /Worker health and metrics on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1],
        60_000,
      );

      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      await eventually(async () => (await fetch(`${url}/health/ready`)).status === 200, 30_000);
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('shop_projection_');
      expect(text).toContain('process_cpu_seconds_total');
      // Nothing but health and metrics: the API's routes are not served here.
      expect((await fetch(`${url}/v1/products`)).status).toBe(404);

      child.kill('SIGTERM');
      const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      // Nest's shutdown hooks close everything, then re-raise the signal they caught.
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { eventually, freePort } from '@shop/testing';

const root = path.resolve(__dirname, '../../..');
const main = path.join(__dirname, 'main.ts');

function startApi(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', main], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const isJson = (line: string): boolean => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

describe('api process', () => {
  it('stops with a non-zero exit code and names a malformed variable', async () => {
    const child = startApi({ PORT: 'not-a-port' });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).not.toBe(0);
    expect(stderr).toContain('PORT');
    expect(stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('with external servers, refuses the generated JWT secret and the payment simulator, naming both', async () => {
    const child = startApi({
      EVENTSTORE_URL: 'esdb://127.0.0.1:9?tls=false',
      MONGO_URL: 'mongodb://127.0.0.1:9/?directConnection=true',
      JWT_SECRET: '',
      PAYMENT_PROVIDER_URL: '',
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/JWT_SECRET: .*JWT_EMBEDDED_SECRET=true/);
    expect(stderr).toMatch(/PAYMENT_PROVIDER_URL: .*PAYMENT_SIMULATE=true/);
  });

  it('listens and serves /health/live, then shuts down gracefully on SIGTERM', async () => {
    const port = await freePort();
    const child = startApi({ PORT: String(port), LOG_LEVEL: 'info' });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const status = await eventually(
        async () => (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined))?.status,
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    // Nest closes the app (running shutdown hooks), then re-raises the signal to exit.
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(stdout).toContain('API stopped on SIGTERM');
    // Not on a terminal: every line is JSON from the first one, and one says where the API listens.
    const lines = stdout.trim().split('\n');
    expect(lines.filter((line) => !isJson(line))).toEqual([]);
    expect(lines.map((line) => (JSON.parse(line) as { msg?: string }).msg)).toContain(
      `API listening on http://127.0.0.1:${port} (OpenAPI UI at /docs)`,
    );
  });

  it('logs JSON while waiting for servers that are not up yet, and its failure to start', async () => {
    const child = startApi({
      EVENTSTORE_URL: 'esdb://127.0.0.1:9?tls=false',
      MONGO_URL: 'mongodb://127.0.0.1:9/?directConnection=true',
      JWT_EMBEDDED_SECRET: 'true',
      PAYMENT_SIMULATE: 'true',
      STARTUP_TIMEOUT_MS: '1500',
      LOG_LEVEL: 'info',
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).not.toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.filter((line) => !isJson(line))).toEqual([]);
    expect(stdout).toContain('is not reachable yet');
    const failure = stderr.trim().split('\n');
    expect(failure).toHaveLength(1);
    expect(JSON.parse(failure[0]!)).toMatchObject({
      level: 60,
      msg: expect.stringContaining('Startup failed'),
    });
  });
});

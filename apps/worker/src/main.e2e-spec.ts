import { spawn } from 'node:child_process';
import { once } from 'node:events';
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
});

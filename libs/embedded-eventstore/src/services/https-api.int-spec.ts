import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'node:https';
import { randomUUID } from 'node:crypto';
import { jsonEvent } from '@eventstore/db-client';
import type { Harness } from '../testing/harness';
import { startHarness } from '../testing/harness';

/** A secure node serves its HTTP API on the gRPC port too, over the same TLS, told apart by ALPN. */
describe('HTTPS on the gRPC port (secure mode)', () => {
  let dir: string;
  let h: Harness;
  let ca: Buffer;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdb-https-'));
    h = await startHarness({ dataDir: dir, security: {} });
    ca = fs.readFileSync(h.server.caFile!);
  });
  afterAll(async () => {
    await h.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: string, urlPath: string, auth?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          servername: 'localhost',
          port: h.server.port,
          method,
          path: urlPath,
          ca,
          ...(auth ? { auth } : {}),
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('answers the anonymous probes over TLS while gRPC with credentials keeps working on the port', async () => {
    expect(await call('GET', '/ping')).toMatchObject({ status: 200 });
    expect(JSON.parse((await call('GET', '/info')).body)).toMatchObject({
      authentication: { type: 'internal' },
    });
    expect((await call('GET', '/health/live')).status).toBe(204);
    const written = await h.client.appendToStream(`https-${randomUUID()}`, [
      jsonEvent({ type: 'Probed', data: {} }),
    ]);
    expect(written.success).toBe(true);
  });

  it('asks for credentials of an $admins or $ops account on operations', async () => {
    expect((await call('POST', '/subscriptions/restart')).status).toBe(401);
    expect((await call('POST', '/subscriptions/restart', 'admin:wrong')).status).toBe(401);
    expect((await call('POST', '/subscriptions/restart', 'ops:changeit')).status).toBe(204);
  });

  it('refuses a client that does not trust the node', async () => {
    const untrusted = new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.server.port, path: '/ping' }, resolve);
      req.on('error', reject);
      req.end();
    });
    await expect(untrusted).rejects.toThrow(/self-signed|certificate/i);
  });
});

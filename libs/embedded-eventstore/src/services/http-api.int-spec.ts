import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { jsonEvent, persistentSubscriptionToStreamSettingsFromDefaults } from '@eventstore/db-client';
import type { Harness } from '../testing/harness';
import { collect, startHarness, waitFor } from '../testing/harness';

const call = (port: number, method: string, path: string) =>
  new Promise<{ status: number; body: string; type: string | undefined }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });

describe('HTTP on the gRPC port', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.dispose());

  it('answers /ping, /info and /health/live as a 24.10 node, while gRPC keeps working on the same port', async () => {
    const port = h.server.port;
    expect(await call(port, 'GET', '/ping')).toMatchObject({
      status: 200,
      body: JSON.stringify({ text: 'Ping request successfully handled' }),
    });
    const info = await call(port, 'GET', '/info');
    expect(JSON.parse(info.body)).toEqual({
      esVersion: '26.1.0',
      state: 'leader',
      features: { projections: false, userManagement: false, atomPub: false },
      authentication: { type: 'insecure', properties: {} },
    });
    expect((await call(port, 'GET', '/health/live')).status).toBe(204);
    expect((await call(port, 'HEAD', '/health/live')).status).toBe(204);
    expect((await call(port, 'GET', '/health/live?liveCode=200')).status).toBe(200);
    expect((await call(port, 'POST', '/health/live')).status).toBe(405);
    expect((await call(port, 'GET', '/no/such/thing')).status).toBe(404);

    const s = `http-${randomUUID()}`;
    await h.client.appendToStream(s, jsonEvent({ type: 'A', data: {} }));
    expect(await collect(h.client.readStream(s))).toHaveLength(1);
  });

  it('serves the persistent-subscription commands client 6.2.1 falls back to over HTTP', async () => {
    const s = `http-ps-${randomUUID()}`;
    await h.client.appendToStream(s, jsonEvent({ type: 'A', data: {} }));
    await h.client.createPersistentSubscriptionToStream(
      s,
      'g',
      persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: 0n }),
    );
    const sub = h.client.subscribeToPersistentSubscriptionToStream(s, 'g');
    let dropped = false;
    let parked = 0;
    sub.on('error', () => (dropped = true));
    sub.on('data', (e) => void sub.nack('park', 'test', e).then(() => parked++));
    await waitFor(() => parked === 1);
    expect((await call(h.server.port, 'POST', `/subscriptions/${s}/g/replayParked`)).status).toBe(200);
    await waitFor(() => parked === 2);
    expect((await call(h.server.port, 'POST', `/subscriptions/${s}/missing/replayParked`)).status).toBe(404);
    expect((await call(h.server.port, 'POST', '/subscriptions/restart')).status).toBe(204);
    await waitFor(() => dropped);
  });
});

import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../create-app';

describe('GET /health/live', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createApp();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('answers 200 with status ok', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('is exempt from the per-IP and per-user limits (1,300 probes from one address, over the 1,200 limit)', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 1_300; i++) {
      // already past the limit when the costlier readiness probes come
      const url = i < 1_290 ? '/health/live' : '/health/ready';
      statuses.add((await app.inject({ method: 'GET', url, remoteAddress: '10.9.9.9' })).statusCode);
    }
    expect(statuses.has(429)).toBe(false);
  });

  it('serves the OpenAPI document', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs-json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      openapi: expect.stringMatching(/^3\./),
      paths: expect.objectContaining({ '/health/live': expect.anything() }),
    });
  });
});

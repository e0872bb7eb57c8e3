import { eventually } from '@shop/testing';
import { type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { SseClient } from '../testing/sse-client';

// Its own file: the API reads its configuration once per test file.
describe('REDIS_URL set but Redis unreachable: live updates stay in-process, visibly', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApiUnderTest(
      { REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' },
      { listen: true },
    );
  });
  afterAll(() => api.close());

  it('starts, reports liveUpdates degraded in readiness, and still delivers to its own subscribers', async () => {
    const ready = await eventually(async () => {
      const answer = await api.app.inject({ url: '/health/ready' });
      return answer.statusCode === 200 && answer;
    });
    expect(ready.json()).toMatchObject({
      info: {
        liveUpdates: { status: 'up', transport: 'in-process', degraded: expect.stringContaining('Redis') },
      },
    });
    const base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    const feed = await SseClient.open(`${base}/v1/admin/events/live`, {
      authorization: `Bearer ${await api.token('admin')}`,
    });
    try {
      await feed.waitForComment('subscribed');
      const clerk = await ShopClient.as(api, 'clerk');
      const productId = await clerk.registerProduct(`DOWN-${randomUUID().slice(0, 8)}`, 100, 0);
      await feed.waitFor((e) => e.data.topic === 'product' && e.data.id === productId);
    } finally {
      feed.close();
    }
  });
});

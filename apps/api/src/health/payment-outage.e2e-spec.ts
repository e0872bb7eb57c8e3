import { PAYMENT_SIMULATOR, type PaymentSimulator } from '@shop/payment-gateway';
import { ProjectionManager } from '@shop/projections';
import { eventually } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

describe('a payment-provider outage degrades the shop, it does not make it unready', () => {
  let api: ApiUnderTest;
  let simulator: PaymentSimulator;

  beforeAll(async () => {
    api = await startApiUnderTest({
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_IP: '100000',
      PAYMENT_SIM_LATENCY_MS: '1',
      PAYMENT_RETRIES: '0',
      PAYMENT_TIMEOUT_MS: '500',
    });
    simulator = api.app.get(PAYMENT_SIMULATOR);
  });
  afterAll(() => api.close());

  it('ready (200) with the stalled workers listed as degraded, in the body and in metrics', async () => {
    const clerk = await ShopClient.as(api, 'clerk');
    const productId = await clerk.registerProduct(`OUT-${randomUUID().slice(0, 8)}`, 700, 5);
    simulator.behaviour.outage = true;
    const customer = await ShopClient.as(api, 'customer');
    expect((await customer.placeOrder([{ productId, quantity: 1 }])).status).toBe(201);

    // The charge's outcome is unknown (the provider answered 503), so the reconciler keeps asking it.
    const manager = api.app.get(ProjectionManager);
    await eventually(
      async () =>
        (await manager.status()).some((s) => s.name === 'payment-reconciler' && s.state === 'stalled'),
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    const ready = await api.app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ok',
      info: { projections: { status: 'up', degraded: expect.arrayContaining(['payment-reconciler']) } },
    });
    const metrics = await api.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('shop_dependency_degraded{dependency="payment-provider"} 1');
    // Catalog reads go on.
    expect((await clerk.request('GET', `/v1/products/${productId}`)).status).toBe(200);

    simulator.behaviour.outage = false;
    await eventually(
      async () =>
        (await api.app.inject({ url: '/metrics' })).body.includes(
          'shop_dependency_degraded{dependency="payment-provider"} 0',
        ),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 60_000);
});

import { AccessDeniedError, EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import type { Stack } from '@shop/embedded-stack';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

const withoutCredentials = (url: string): string => url.replace(/\/\/[^@/]+@/, '//');

describe('EMBEDDED_SECURE=true: the app reaches both embedded servers over TLS with credentials', () => {
  let api: ApiUnderTest;
  let urls: { eventStoreUrl: string; mongoUrl: string };
  beforeAll(async () => {
    api = await startApiUnderTest({ EMBEDDED_SECURE: 'true' });
    // Imported only now: importing the stack module loads @shop/config, which reads the environment once.
    const { STACK } = await import('@shop/embedded-stack');
    const stack = api.app.get<Stack>(STACK);
    urls = { eventStoreUrl: stack.eventStoreUrl, mongoUrl: stack.mongoUrl };
  });
  afterAll(async () => {
    await api.close();
    delete process.env.EMBEDDED_SECURE;
  });

  it('publishes TLS URLs with credentials, owner-only, trusting the CA generated into DATA_DIR', () => {
    expect(urls.eventStoreUrl).toMatch(/^esdb:\/\/admin:changeit@localhost:\d+\?tls=true&tlsCAFile=/);
    expect(urls.mongoUrl).toMatch(
      /^mongodb:\/\/shop:[^@]+@127\.0\.0\.1:\d+\/\?.*tls=true&tlsCAFile=.*&authSource=admin/,
    );
    expect(fs.statSync(`${api.dataDir}/embedded-servers.json`).mode & 0o077).toBe(0);
    expect(fs.existsSync(`${api.dataDir}/tls/ca.crt`)).toBe(true);
  });

  it('serves a write and a read through both servers', async () => {
    const clerk = await ShopClient.as(api, 'clerk');
    const tag = randomUUID().slice(0, 8);
    const created = await clerk.request('POST', '/v1/products', {
      sku: tag,
      name: `secure ${tag}`,
      priceCents: 100,
    });
    expect(created.status).toBe(201);
    const read = await clerk.request(
      'GET',
      `/v1/products?q=${encodeURIComponent(`secure ${tag}`)}&position=${String(created.body.position)}`,
    );
    expect(read.status).toBe(200);
    expect((read.body.items as { id: string }[]).map((p) => p.id)).toEqual([created.body.id]);
  });

  it('leaves nothing reachable without credentials', async () => {
    const anonymousEs = EventStoreDBClient.connectionString(withoutCredentials(urls.eventStoreUrl));
    const anonymousMongo = new MongoClient(
      withoutCredentials(urls.mongoUrl).replace('&authSource=admin', ''),
      {
        serverSelectionTimeoutMS: 3000,
      },
    );
    try {
      await expect(
        anonymousEs.appendToStream(`product-${randomUUID()}`, jsonEvent({ type: 'X', data: {} })),
      ).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(anonymousMongo.db('shop').collection('products').findOne({})).rejects.toMatchObject({
        code: 13,
      });
    } finally {
      await anonymousEs.dispose();
      await anonymousMongo.close();
    }
  });
});

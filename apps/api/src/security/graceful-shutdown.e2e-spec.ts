import { EventStoreDBClient, StreamNotFoundError } from '@eventstore/db-client';
import { type EmbeddedEventStore, startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { type EmbeddedMongo, startEmbeddedMongo } from '@shop/embedded-mongo';
import * as http from 'node:http';
import * as net from 'node:net';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { eventually } from '@shop/testing';

const refusesConnections = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('graceful shutdown', () => {
  let esdb: EmbeddedEventStore;
  let mongo: EmbeddedMongo;
  let api: ApiUnderTest;
  let arrived: () => void;
  const requestArrived = new Promise<void>((resolve) => (arrived = resolve));

  beforeAll(async () => {
    // External servers outlive the app, so what it acknowledged can be checked after it stopped.
    esdb = await startEmbeddedEventStore({ inMemory: true, port: 0 });
    mongo = await startEmbeddedMongo({ inMemory: true, port: 0 });
    api = await startApiUnderTest(
      {
        EVENTSTORE_URL: esdb.url,
        MONGO_URL: mongo.uri,
        JWT_EMBEDDED_SECRET: 'true',
        PAYMENT_SIMULATE: 'true',
      },
      {
        listen: true,
        beforeInit: (fastify) =>
          fastify.addHook('onRequest', (request, _reply, done) => {
            if (request.url === '/v1/products') arrived();
            done();
          }),
      },
    );
  });

  afterAll(async () => {
    await Promise.allSettled([esdb.stop(), mongo.stop()]);
  });

  it('stops accepting, completes the in-flight command, then stops; the acknowledged command is stored', async () => {
    const { port } = api.app.getHttpServer().address() as net.AddressInfo;
    const body = JSON.stringify({ sku: 'SHUTDOWN-1', name: 'Last mug', priceCents: 100 });
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/products',
      headers: {
        authorization: `Bearer ${await api.token('admin')}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
    });
    // Half the body: the request is in flight (headers read, body still arriving).
    request.write(body.slice(0, 10));
    await requestArrived;

    const closing = api.app.close();
    await eventually(() => refusesConnections(port));

    request.end(body.slice(10));
    const res = await response;
    expect(res.status).toBe(201);
    await closing;

    const productId = (JSON.parse(res.body) as { id: string }).id;
    const client = EventStoreDBClient.connectionString(esdb.url);
    try {
      const types: string[] = [];
      for await (const { event } of client.readStream(`product-${productId}`)) types.push(event?.type ?? '');
      expect(types).toEqual(['ProductRegistered']);
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw new Error('the acknowledged command was lost');
      throw error;
    } finally {
      await client.dispose();
    }
  });
});

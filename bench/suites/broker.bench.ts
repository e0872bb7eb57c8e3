import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { startEmbeddedMongo } from '@shop/embedded-mongo';
import { EventSerializer, StreamInspector } from '@shop/eventstore';
import { AmqpPublisher, integrationPublisherProcessor, StockLevels } from '@shop/integration';
import { ProjectionManager } from '@shop/projections';
import { connect, type ConsumeMessage } from 'amqplib';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { retry, handleAll, ConstantBackoff } from 'cockatiel';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';

const THROUGHPUT_EVENTS = 20_000;

const brokerUrl = (): string => process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';

/** A consumer on a fresh exchange and an exclusive queue, collecting what arrives. */
async function startConsumer() {
  const exchange = `bench.shop.events.${randomUUID()}`;
  const model = await connect(brokerUrl());
  const channel = await model.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchange, '#');
  const received: ConsumeMessage[] = [];
  await channel.consume(queue, (m) => void (m && received.push(m)), { noAck: true });
  return {
    exchange,
    received,
    close: async () => {
      await channel.deleteExchange(exchange).catch(() => undefined);
      await model.close();
    },
  };
}
const RATE = 1_000;
const WINDOW_MS = 10_000;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

const orderPlaced = (orderId = randomUUID()) =>
  jsonEvent({
    type: 'OrderPlaced',
    data: {
      orderId,
      customerId: 'bench-customer',
      lines: [{ productId: randomUUID(), quantity: 1, unitPriceCents: 500, lineTotalCents: 500 }],
      totalCents: 500,
      currency: 'EUR',
    },
    metadata: {
      eventId: randomUUID(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
    },
  });

/** The same client publishing the same-sized messages with confirms, nothing else: the ceiling. */
async function rawConfirmedPublishes(exchange: string, count: number, body: Buffer): Promise<number> {
  const model = await connect(brokerUrl());
  const channel = await model.createConfirmChannel();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    channel.publish(exchange, 'shop.order.placed.v1', body, {
      messageId: randomUUID(),
      persistent: true,
      mandatory: true,
    });
    if (i % 500 === 499) await channel.waitForConfirms();
  }
  await channel.waitForConfirms();
  const seconds = (performance.now() - started) / 1000;
  await model.close();
  return count / seconds;
}

/**
 * Integration events against the real RabbitMQ (AMQP_URL, default the loopback broker): the publisher as it
 * runs in the worker (the projection engine's checkpointed processor over the embedded EventStoreDB, publisher
 * confirms, checkpoints in MongoDB), next to a raw publish-with-confirms loop of the same client.
 * Throughput: a backlog of OrderPlaced events drained into the broker. Lag: appends at a steady 1,000/s, each
 * timed from the append until a consumer bound to the exchange received its message.
 */
const suite: BenchSuite = {
  name: 'broker',
  async run(): Promise<BenchEntry[]> {
    Logger.overrideLogger(['error']);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-broker-'));
    const eventStore = await startEmbeddedEventStore({ dataDir: path.join(dataDir, 'esdb'), port: 0 });
    const mongoServer = await startEmbeddedMongo({ dbPath: path.join(dataDir, 'mongo'), port: 0 });
    const esdb = EventStoreDBClient.connectionString(eventStore.url);
    const mongo = await new MongoClient(mongoServer.uri).connect();
    const consumer = await startConsumer();
    const publisher = new AmqpPublisher({ url: brokerUrl(), exchange: consumer.exchange });
    const serializer = new EventSerializer();
    const inspector = new StreamInspector(
      esdb,
      serializer,
      retry(handleAll, { maxAttempts: 1, backoff: new ConstantBackoff(1) }),
    );
    const processor = integrationPublisherProcessor(publisher, new StockLevels(inspector, 5), {
      source: 'urn:eventshop:bench',
    });
    const manager = new ProjectionManager(mongo, mongo.db('bench_broker'), esdb, serializer, [], {}, [
      processor,
    ]);
    try {
      const sample = Buffer.from(
        JSON.stringify({ orderId: randomUUID(), customerId: 'bench-customer', lines: [], totalCents: 500 }),
      );
      const raw = await rawConfirmedPublishes(consumer.exchange, THROUGHPUT_EVENTS, sample);
      consumer.received.length = 0;

      // Backlog: every order its own stream, as in the shop.
      for (let i = 0; i < THROUGHPUT_EVENTS; i += 500) {
        await Promise.all(
          Array.from({ length: Math.min(500, THROUGHPUT_EVENTS - i) }, () =>
            esdb.appendToStream(`order-${randomUUID()}`, orderPlaced()),
          ),
        );
      }
      const started = performance.now();
      await manager.onApplicationBootstrap();
      while (consumer.received.length < THROUGHPUT_EVENTS) {
        if (performance.now() - started > 120_000) throw new Error('backlog not published within 120 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const published = THROUGHPUT_EVENTS / ((performance.now() - started) / 1000);

      // Lag at a steady rate.
      const sentAt = new Map<string, number>();
      const latencies: number[] = [];
      let seen = consumer.received.length;
      const watch = setInterval(() => {
        const now = performance.now();
        for (; seen < consumer.received.length; seen++) {
          const id = consumer.received[seen]!.properties.messageId as string;
          const t0 = sentAt.get(id);
          if (t0 !== undefined) latencies.push(now - t0);
        }
      }, 1);
      const lagStarted = performance.now();
      let sent = 0;
      const appends: Promise<unknown>[] = [];
      while (performance.now() - lagStarted < WINDOW_MS) {
        const due = Math.floor(((performance.now() - lagStarted) / 1000) * RATE);
        for (; sent < due; sent++) {
          const event = orderPlaced();
          sentAt.set(event.id, performance.now());
          appends.push(esdb.appendToStream(`order-${randomUUID()}`, event));
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await Promise.all(appends);
      const deadline = performance.now() + 30_000;
      while (latencies.length < sent && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      clearInterval(watch);
      latencies.sort((a, b) => a - b);
      return [
        entry('raw publish with confirms (amqplib, batches of 500)', raw, 'msg/s'),
        entry(
          'integration events published (processor, confirms, checkpoints)',
          published,
          'msg/s',
          raw,
          '>= 5000, ratio >= 0.6',
        ),
        entry(`publish lag p50 at ${RATE} events/s (append -> consumer)`, percentile(latencies, 0.5), 'ms'),
        entry(`publish lag p99 at ${RATE} events/s`, percentile(latencies, 0.99), 'ms', null, '<= 100'),
        entry('messages not received within 30 s after the load', sent - latencies.length, 'messages'),
      ];
    } finally {
      await manager.onApplicationShutdown();
      await publisher.close();
      await consumer.close();
      await mongo.close();
      await esdb.dispose();
      await mongoServer.stop();
      await eventStore.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default suite;

import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { brokerUrl } from '../../../../libs/integration/src/testing/broker';
import { expectOneLineError, json, runCli } from '../testing/run-cli';

/** Nothing listens on port 9: `broker` must not need EventStoreDB or MongoDB. */
const UNREACHABLE = {
  EVENTSTORE_URL: 'esdb://127.0.0.1:9?tls=false',
  MONGO_URL: 'mongodb://127.0.0.1:9/?directConnection=true&serverSelectionTimeoutMS=20000',
};

describe('eventshop broker dlq against the real RabbitMQ', () => {
  const queue = `test.cli.inbound.${randomUUID()}`;
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-broker-'));
    env = { ...UNREACHABLE, DATA_DIR: dataDir, AMQP_URL: brokerUrl(), AMQP_INBOUND_QUEUE: queue };
    // Two dead letters, as the consumer leaves them (its headers: type, attempts, error, time).
    const model = await connect(brokerUrl());
    const channel = await model.createConfirmChannel();
    await channel.assertQueue(`${queue}.dlq`, { durable: true });
    for (const id of ['m-1', 'm-2'])
      channel.sendToQueue(`${queue}.dlq`, Buffer.from(`{"orderId":"${id}"}`), {
        messageId: id,
        persistent: true,
        headers: {
          'x-inbound-type': 'warehouse.shipment.dispatched.v1',
          'x-inbound-attempt': 5,
          'x-inbound-error': 'the adapter is broken',
          'x-inbound-failed-at': '2026-12-04T12:00:00.000Z',
        },
      });
    await channel.waitForConfirms();
    await model.close();
  });
  afterAll(async () => {
    const model = await connect(brokerUrl());
    const channel = await model.createChannel();
    for (const q of [queue, `${queue}.dlq`, `${queue}.retry.1`, `${queue}.retry.2`, `${queue}.retry.3`])
      await channel.deleteQueue(q).catch(() => undefined);
    await model.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('lists, replays one, and purges the rest; never waits for the other servers', async () => {
    const listed = await runCli(['broker', 'dlq', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    expect(json(listed)).toEqual([
      expect.objectContaining({ id: 'm-1', attempts: 5, error: 'the adapter is broken' }),
      expect.objectContaining({ id: 'm-2', type: 'warehouse.shipment.dispatched.v1' }),
    ]);
    const table = await runCli(['broker', 'dlq', 'list'], env);
    expect(table.stdout).toContain('the adapter is broken');

    expect(json(await runCli(['broker', 'dlq', 'replay', 'm-2', '--json'], env))).toEqual({ replayed: 1 });
    expectOneLineError(await runCli(['broker', 'dlq', 'replay'], env), /--all/);
    expectOneLineError(await runCli(['broker', 'dlq', 'purge'], env), /--yes/);
    expect(json(await runCli(['broker', 'dlq', 'purge', '--yes', '--json'], env))).toEqual({ purged: 1 });
    expect(json(await runCli(['broker', 'dlq', 'list', '--json'], env))).toEqual([]);
  });

  it('without AMQP_URL says so in one line', async () => {
    expectOneLineError(
      await runCli(['broker', 'dlq', 'list'], { ...UNREACHABLE, DATA_DIR: dataDir }),
      /AMQP_URL/,
    );
  });
});

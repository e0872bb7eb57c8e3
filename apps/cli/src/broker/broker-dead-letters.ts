import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@shop/config';
import { AmqpConsumer, type DeadLetter } from '@shop/integration';

/** The inbound queue's dead letters (AMQP_URL), operated from the CLI; connects on first use only. */
@Injectable()
export class BrokerDeadLetters implements OnApplicationShutdown {
  private consumer?: AmqpConsumer;

  constructor(private readonly config: AppConfig) {}

  list(limit: number): Promise<DeadLetter[]> {
    return this.broker().listDeadLetters(limit);
  }

  replay(ids?: readonly string[]): Promise<number> {
    return this.broker().replayDeadLetters(ids);
  }

  purge(): Promise<number> {
    return this.broker().purgeDeadLetters();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private broker(): AmqpConsumer {
    const { url, inbound } = this.config.integration;
    if (!url) throw new Error('AMQP_URL is not set: there is no broker to operate');
    // Operations only (no inbox): it declares the queues it needs and never consumes.
    this.consumer ??= new AmqpConsumer({ url, ...inbound }, [], null);
    return this.consumer;
  }
}

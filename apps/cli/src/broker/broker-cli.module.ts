import { Module } from '@nestjs/common';
import { AppConfigModule } from '@shop/config';
import {
  BrokerCommand,
  DlqCommand,
  DlqListCommand,
  DlqPurgeCommand,
  DlqReplayCommand,
} from './broker.command';
import { BrokerDeadLetters } from './broker-dead-letters';

/** `broker` needs RabbitMQ only: it never waits for EventStoreDB or MongoDB. */
@Module({
  imports: [AppConfigModule],
  providers: [
    BrokerDeadLetters,
    BrokerCommand,
    DlqCommand,
    DlqListCommand,
    DlqReplayCommand,
    DlqPurgeCommand,
  ],
})
export class BrokerCliModule {}

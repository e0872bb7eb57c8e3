import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shop/auth';
import { NotFoundError } from '@shop/event-sourcing';
import { type AmqpConsumer, INBOUND_CONSUMER } from '@shop/integration';
import { DeadLettersQuery, ReplayDeadLettersDto } from './admin.dto';

/** The inbound consumer's dead letters (messages from partners that failed every attempt). */
@ApiTags('admin')
@Controller('admin/broker/dead-letters')
export class BrokerAdminController {
  constructor(@Inject(INBOUND_CONSUMER) private readonly consumer: AmqpConsumer | null) {}

  @Get()
  @ApiOperation({ summary: 'Dead-lettered inbound messages, oldest first, with their errors' })
  @Roles('admin', 'auditor')
  async list(@Query() query: DeadLettersQuery) {
    return { deadLetters: await this.broker().listDeadLetters(query.limit ?? 100) };
  }

  @Post('replay')
  @ApiOperation({ summary: 'Send dead letters (all, or the given ids) back for a fresh set of attempts' })
  @HttpCode(200)
  @Roles('admin')
  async replay(@Body() body: ReplayDeadLettersDto) {
    return { replayed: await this.broker().replayDeadLetters(body.ids) };
  }

  @Delete()
  @ApiOperation({ summary: 'Drop every dead letter' })
  @HttpCode(200)
  @Roles('admin')
  async purge() {
    return { purged: await this.broker().purgeDeadLetters() };
  }

  private broker(): AmqpConsumer {
    if (!this.consumer)
      throw new NotFoundError(
        'broker_not_configured',
        'Integration over RabbitMQ is off (AMQP_URL is not set)',
      );
    return this.consumer;
  }
}

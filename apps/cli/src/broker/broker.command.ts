import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { integer, JsonCommand, type JsonOptions } from '../json-command';
import { BrokerDeadLetters } from './broker-dead-letters';

@SubCommand({ name: 'list', description: 'inbound messages that failed every attempt, oldest first' })
export class DlqListCommand extends JsonCommand<JsonOptions & { limit?: number }> {
  constructor(private readonly broker: BrokerDeadLetters) {
    super();
  }

  async execute(_: string[], options: { limit?: number }) {
    return (await this.broker.list(options.limit ?? 100)).map((l) => ({
      id: l.id,
      type: l.type,
      attempts: l.attempts,
      error: l.error,
      failedAt: l.failedAt,
      body: l.body,
    }));
  }

  @Option({ flags: '--limit <n>', description: 'at most this many (default 100)' })
  parseLimit(value: string): number {
    return integer('--limit')(value);
  }
}

@SubCommand({
  name: 'replay',
  arguments: '[ids...]',
  description: 'send dead letters (the given ids, or --all) back for a fresh set of attempts',
})
export class DlqReplayCommand extends JsonCommand<JsonOptions & { all?: boolean }> {
  constructor(private readonly broker: BrokerDeadLetters) {
    super();
  }

  async execute(ids: string[], options: { all?: boolean }) {
    if (ids.length === 0 && !options.all) throw new Error('name the message ids to replay, or pass --all');
    return { replayed: await this.broker.replay(options.all ? undefined : ids) };
  }

  @Option({ flags: '--all', description: 'replay every dead letter' })
  parseAll(): boolean {
    return true;
  }
}

@SubCommand({ name: 'purge', description: 'drop every dead letter (asks for --yes)' })
export class DlqPurgeCommand extends JsonCommand<JsonOptions & { yes?: boolean }> {
  constructor(private readonly broker: BrokerDeadLetters) {
    super();
  }

  async execute(_: string[], options: { yes?: boolean }) {
    if (!options.yes) throw new Error('purge drops every dead letter for good: pass --yes');
    return { purged: await this.broker.purge() };
  }

  @Option({ flags: '--yes', description: 'really drop them' })
  parseYes(): boolean {
    return true;
  }
}

@SubCommand({
  name: 'dlq',
  description: 'the inbound dead-letter queue: list, replay, purge',
  subCommands: [DlqListCommand, DlqReplayCommand, DlqPurgeCommand],
})
export class DlqCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.outputHelp();
    return Promise.resolve();
  }
}

@Command({
  name: 'broker',
  description: 'RabbitMQ integration (AMQP_URL): dead letters',
  subCommands: [DlqCommand],
})
export class BrokerCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.outputHelp();
    return Promise.resolve();
  }
}

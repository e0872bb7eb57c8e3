import { InspectionService, renderTree } from '@shop/inspection';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { integer, JsonCommand, type JsonOptions } from '../json-command';

interface SearchOptions extends JsonOptions {
  type?: string;
  correlationId?: string;
  since?: Date;
  until?: Date;
  limit?: number;
}

const isoDate = (flag: string, value: string): Date => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${flag} must be an ISO 8601 date-time`);
  return date;
};

@SubCommand({ name: 'search', description: 'search $all by type, correlation id and time' })
export class EventsSearchCommand extends JsonCommand<SearchOptions> {
  constructor(private readonly inspection: InspectionService) {
    super();
  }

  async execute(_: string[], options: SearchOptions) {
    const events = await this.inspection.search({
      ...(options.type ? { type: options.type } : {}),
      ...(options.correlationId ? { correlationId: options.correlationId } : {}),
      ...(options.since ? { since: options.since } : {}),
      ...(options.until ? { until: options.until } : {}),
      limit: options.limit ?? 1000,
    });
    return options.json
      ? events
      : events.map(({ data, ...event }) => ({ ...event, data: JSON.stringify(data) }));
  }

  @Option({ flags: '--type <type>', description: 'event type, e.g. OrderPlaced' })
  parseType(value: string): string {
    return value;
  }

  @Option({ flags: '--correlation-id <id>', description: 'only events of this conversation' })
  parseCorrelation(value: string): string {
    return value;
  }

  @Option({ flags: '--since <iso>', description: 'occurred at or after' })
  parseSince(value: string): Date {
    return isoDate('--since', value);
  }

  @Option({ flags: '--until <iso>', description: 'occurred at or before' })
  parseUntil(value: string): Date {
    return isoDate('--until', value);
  }

  @Option({ flags: '--limit <n>', description: 'at most this many events (default 1000)' })
  parseLimit(value: string): number {
    return integer('--limit')(value);
  }
}

@Command({
  name: 'events',
  description: 'search events across all streams',
  subCommands: [EventsSearchCommand],
})
export class EventsCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.outputHelp();
    return Promise.resolve();
  }
}

@Command({
  name: 'trace',
  arguments: '<correlationId>',
  description: 'the causation tree of one conversation: command -> events -> process manager -> events',
})
export class TraceCommand extends CommandRunner {
  constructor(private readonly inspection: InspectionService) {
    super();
  }

  async run([correlationId]: string[], options: JsonOptions): Promise<void> {
    const trace = await this.inspection.trace(correlationId!);
    process.stdout.write(
      options.json ? `${JSON.stringify(trace, null, 2)}\n` : `${renderTree(trace.tree)}\n`,
    );
  }

  @Option({ flags: '--json', description: 'print JSON for scripts' })
  parseJson(): boolean {
    return true;
  }
}

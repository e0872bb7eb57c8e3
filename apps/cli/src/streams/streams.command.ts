import { InspectionService } from '@shop/inspection';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { integer, JsonCommand, type JsonOptions } from '../json-command';

@SubCommand({ name: 'list', description: 'stream names (system streams excluded)' })
export class StreamsListCommand extends JsonCommand<JsonOptions & { prefix?: string; limit?: number }> {
  constructor(private readonly inspection: InspectionService) {
    super();
  }

  async execute(_: string[], options: { prefix?: string; limit?: number }) {
    return (await this.inspection.listStreams(options.prefix, options.limit ?? 1000)).map((stream) => ({
      stream,
    }));
  }

  @Option({ flags: '--prefix <prefix>', description: 'only streams starting with this, e.g. order-' })
  parsePrefix(value: string): string {
    return value;
  }

  @Option({ flags: '--limit <n>', description: 'at most this many streams (default 1000)' })
  parseLimit(value: string): number {
    return integer('--limit')(value);
  }
}

interface ReadOptions extends JsonOptions {
  from?: number;
  limit?: number;
  backwards?: boolean;
}

@SubCommand({ name: 'read', arguments: '<stream>', description: "a stream's events, with paging" })
export class StreamsReadCommand extends JsonCommand<ReadOptions> {
  constructor(private readonly inspection: InspectionService) {
    super();
  }

  async execute([stream]: string[], options: ReadOptions) {
    const page = await this.inspection.readStream(stream!, {
      limit: options.limit ?? 100,
      backwards: options.backwards ?? false,
      ...(options.from !== undefined ? { from: BigInt(options.from) } : {}),
    });
    return options.json
      ? page
      : page.events.map(({ data, ...event }) => ({ ...event, data: JSON.stringify(data) }));
  }

  @Option({ flags: '--from <revision>', description: 'first revision to read' })
  parseFrom(value: string): number {
    return integer('--from')(value);
  }

  @Option({ flags: '--limit <n>', description: 'page size (default 100)' })
  parseLimit(value: string): number {
    return integer('--limit')(value);
  }

  @Option({ flags: '--backwards', description: 'newest first' })
  parseBackwards(): boolean {
    return true;
  }
}

@SubCommand({
  name: 'tail',
  arguments: '<stream>',
  description: 'follow new events of a stream or of $all (Ctrl-C to stop)',
})
export class StreamsTailCommand extends CommandRunner {
  constructor(private readonly inspection: InspectionService) {
    super();
  }

  async run([stream]: string[], options: { type?: string; json?: boolean }): Promise<void> {
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    process.once('SIGTERM', () => abort.abort());
    for await (const event of this.inspection.tail(stream!, options.type, abort.signal)) {
      process.stdout.write(
        options.json
          ? `${JSON.stringify(event)}\n`
          : `${event.recordedAt}  ${event.stream}@${event.revision}  ${event.type}  ${JSON.stringify(event.data)}\n`,
      );
    }
  }

  @Option({ flags: '--type <type>', description: 'only events of this type' })
  parseType(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'one JSON object per line' })
  parseJson(): boolean {
    return true;
  }
}

interface StateOptions extends JsonOptions {
  atRevision?: number;
  atTime?: Date;
}

@SubCommand({
  name: 'state',
  arguments: '<stream>',
  description: "an aggregate's state now, at a revision or at a time",
})
export class StreamsStateCommand extends JsonCommand<StateOptions> {
  constructor(private readonly inspection: InspectionService) {
    super();
  }

  async execute([stream]: string[], options: StateOptions) {
    if (options.atTime !== undefined && options.atRevision !== undefined) {
      throw new Error('give either --at-revision or --at-time, not both');
    }
    const at =
      options.atTime !== undefined
        ? { time: options.atTime }
        : {
            revision:
              options.atRevision !== undefined ? BigInt(options.atRevision) : BigInt(Number.MAX_SAFE_INTEGER),
          };
    const state = await this.inspection.stateAt(stream!, at);
    // Folding stops at the stream's end: a revision past it would silently show the latest state.
    if (options.atRevision !== undefined && BigInt(state.revision) < BigInt(options.atRevision)) {
      throw new Error(
        `${stream!} has no revision ${options.atRevision}: its last revision is ${state.revision}`,
      );
    }
    return state;
  }

  @Option({ flags: '--at-revision <n>', description: 'state after this revision' })
  parseRevision(value: string): number {
    return integer('--at-revision')(value);
  }

  @Option({ flags: '--at-time <iso>', description: 'state as it was at this time (ISO 8601)' })
  parseTime(value: string): Date {
    const time = new Date(value);
    if (Number.isNaN(time.getTime())) throw new Error('--at-time must be an ISO 8601 date-time');
    return time;
  }
}

@SubCommand({
  name: 'diff',
  arguments: '<stream> <revA> <revB>',
  description: 'what changed between two revisions',
})
export class StreamsDiffCommand extends JsonCommand {
  constructor(private readonly inspection: InspectionService) {
    super();
  }

  async execute([stream, a, b]: string[], options: JsonOptions) {
    const diff = await this.inspection.diff(
      stream!,
      BigInt(integer('revA')(a!)),
      BigInt(integer('revB')(b!)),
    );
    return options.json ? diff : diff.changes.map((c) => ({ ...c }));
  }
}

@Command({
  name: 'streams',
  description: 'inspect event streams: list, read, tail, state (time travel), diff',
  subCommands: [
    StreamsListCommand,
    StreamsReadCommand,
    StreamsTailCommand,
    StreamsStateCommand,
    StreamsDiffCommand,
  ],
})
export class StreamsCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.outputHelp();
    return Promise.resolve();
  }
}

import { ProjectionManager } from '@shop/projections';
import { CommandRunner, SubCommand } from 'nest-commander';
import { JsonCommand } from '../json-command';

@SubCommand({
  name: 'list',
  arguments: '[name]',
  description: 'events a projection or processor could not handle',
})
export class ParkedListCommand extends JsonCommand {
  constructor(private readonly projections: ProjectionManager) {
    super();
  }

  async execute([name]: string[]) {
    if (name) this.projections.assertExists(name);
    return (await this.projections.parked.list(name)).map((p) => ({
      projection: p.projection,
      id: p.id,
      type: p.event.event.type,
      stream: `${p.event.streamName}@${p.event.revision}`,
      attempts: p.attempts,
      error: p.error.message,
      parkedAt: p.parkedAt.toISOString(),
    }));
  }
}

@SubCommand({
  name: 'replay',
  arguments: '<name> <id>',
  description: 'apply a parked event with the current code',
})
export class ParkedReplayCommand extends JsonCommand {
  constructor(private readonly projections: ProjectionManager) {
    super();
  }

  async execute([name, id]: string[]) {
    if (!(await this.projections.replayParked(name!, id!)))
      throw new Error(`no parked event ${id} for ${name}`);
    return { projection: name, id, replayed: true };
  }
}

@SubCommand({
  name: 'skip',
  arguments: '<name> <id>',
  description: 'give up on a parked event (kept for audit)',
})
export class ParkedSkipCommand extends JsonCommand {
  constructor(private readonly projections: ProjectionManager) {
    super();
  }

  async execute([name, id]: string[]) {
    if (!(await this.projections.skipParked(name!, id!)))
      throw new Error(`no parked event ${id} for ${name}`);
    return { projection: name, id, skipped: true };
  }
}

@SubCommand({
  name: 'parked',
  description: 'list, replay or skip parked events',
  subCommands: [ParkedListCommand, ParkedReplayCommand, ParkedSkipCommand],
})
export class ParkedCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.outputHelp();
    return Promise.resolve();
  }
}

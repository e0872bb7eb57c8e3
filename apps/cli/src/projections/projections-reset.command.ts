import { ProjectionManager } from '@shop/projections';
import { SubCommand } from 'nest-commander';
import { JsonCommand } from '../json-command';

@SubCommand({
  name: 'reset',
  arguments: '<name>',
  description: 'empty the view and replay it from the start of $all (the view is empty meanwhile)',
})
export class ProjectionsResetCommand extends JsonCommand {
  constructor(private readonly projections: ProjectionManager) {
    super();
  }

  async execute([name]: string[]) {
    // The CLI runs no workers: reset replays up to the head of $all itself before it returns.
    await this.projections.reset(name!);
    const status = (await this.projections.status()).find((s) => s.name === name);
    return { name, reset: true, processed: status?.processed ?? 0 };
  }
}

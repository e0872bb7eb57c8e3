import { ProjectionManager } from '@shop/projections';
import { SubCommand } from 'nest-commander';
import { JsonCommand } from '../json-command';

@SubCommand({
  name: 'reset',
  arguments: '<name>',
  description: 'empty the view and replay it from the start of $all',
})
export class ProjectionsResetCommand extends JsonCommand {
  constructor(private readonly projections: ProjectionManager) {
    super();
  }

  async execute([name]: string[]) {
    await this.projections.reset(name!);
    return { name, reset: true };
  }
}

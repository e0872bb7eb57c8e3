import { Command, CommandRunner } from 'nest-commander';
import { ParkedCommand } from './parked.command';
import { ProjectionsListCommand } from './projections-list.command';
import { ProjectionsRebuildCommand } from './projections-rebuild.command';
import { ProjectionsResetCommand } from './projections-reset.command';
import { ProjectionsVerifyCommand } from './projections-verify.command';

@Command({
  name: 'projections',
  description: 'read models: status, rebuild, reset, verify, parked events',
  subCommands: [
    ProjectionsListCommand,
    ProjectionsRebuildCommand,
    ProjectionsResetCommand,
    ProjectionsVerifyCommand,
    ParkedCommand,
  ],
})
export class ProjectionsCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.outputHelp();
    return Promise.resolve();
  }
}

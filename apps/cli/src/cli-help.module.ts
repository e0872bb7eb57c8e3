import { Module } from '@nestjs/common';
import { type CommandFactory, type CommandRunner } from 'nest-commander';
import { TokenService } from '@shop/auth';
import { AppConfig } from '@shop/config';
import { InspectionService } from '@shop/inspection';
import { ProjectionManager } from '@shop/projections';
import { COMMANDS } from './cli-commands';
import { StoreLocation } from './store/store.command';

export { wantsHelpOnly } from './help-only';

/**
 * What `--help` needs: the commands' names, arguments, options and descriptions, which live in their
 * decorators. Their services are never called when only help is printed, so none is built: help answers at
 * once and without servers (the full module would connect to them, or start the embedded ones).
 */
@Module({
  providers: [
    ...COMMANDS,
    ...[TokenService, AppConfig, InspectionService, ProjectionManager, StoreLocation].map((service) => ({
      provide: service,
      useValue: null,
    })),
  ],
})
export class CliHelpModule {}

/**
 * Parses the command line with commands that do nothing (on CliHelpModule: no service is built), so commander
 * reports a usage error at once, before the real run connects to anything.
 */
export async function checkArguments(
  factory: typeof CommandFactory,
  options: Parameters<typeof CommandFactory.createWithoutRunning>[1],
): Promise<void> {
  const app = await factory.createWithoutRunning(CliHelpModule, options);
  for (const command of COMMANDS) {
    app.get<CommandRunner>(command).run = () => Promise.resolve();
  }
  await factory.runApplication(app);
  await app.close();
}

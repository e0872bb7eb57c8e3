import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { type CommandFactory, type CommandRunner } from 'nest-commander';

export { wantsHelpOnly } from './help-only';

@Module({})
export class CliHelpModule {}

/**
 * What `--help` needs: the commands' names, arguments, options and descriptions, which live in their
 * decorators. Their services are never called when only help is printed, so none is built (each is provided
 * as null): help answers at once and without servers (the full module would connect to them, or start the
 * embedded ones).
 */
export function cliHelpModule(commands: readonly Type[]): DynamicModule {
  const services = new Set(
    commands.flatMap((command) => (Reflect.getMetadata('design:paramtypes', command) ?? []) as Type[]),
  );
  return {
    module: CliHelpModule,
    providers: [...commands, ...[...services].map((service) => ({ provide: service, useValue: null }))],
  };
}

/**
 * Parses the command line with commands that do nothing (on a help module: no service is built), so commander
 * reports a usage error at once, before the real run connects to anything.
 */
export async function checkArguments(
  factory: typeof CommandFactory,
  commands: readonly Type[],
  options: Parameters<typeof CommandFactory.createWithoutRunning>[1],
): Promise<void> {
  const app = await factory.createWithoutRunning(cliHelpModule(commands), options);
  for (const command of commands) {
    app.get<CommandRunner>(command).run = () => Promise.resolve();
  }
  await factory.runApplication(app);
  await app.close();
}

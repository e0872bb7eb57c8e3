import { Module } from '@nestjs/common';
import { TokenService } from '@shop/auth';
import { AppConfig } from '@shop/config';
import { InspectionService } from '@shop/inspection';
import { ProjectionManager } from '@shop/projections';
import { COMMANDS } from './cli-commands';
import { StoreLocation } from './store/store.command';

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

/** True when commander will only print help: `help ...`, no command at all, or -h/--help before any `--`. */
export function wantsHelpOnly(args: readonly string[]): boolean {
  if (args.length === 0 || args[0] === 'help') return true;
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

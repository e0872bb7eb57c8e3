import './cli-environment';
import 'reflect-metadata';
import { InvalidEnvironmentError, validateEnvironment } from '@shop/config';
import { wantsHelpOnly } from './help-only';

/** Operators get one line per error, never a stack trace, and a non-zero exit code. */
function fail(error: unknown): never {
  // Commander has already printed its own usage errors and help; only its exit code is left to honour.
  if (isCommanderError(error)) process.exit(error.exitCode);
  const message =
    error instanceof InvalidEnvironmentError
      ? error.message
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

function isCommanderError(error: unknown): error is { code: string; exitCode: number } {
  const candidate = error as { code?: unknown; exitCode?: unknown } | null;
  return (
    typeof candidate?.code === 'string' &&
    candidate.code.startsWith('commander.') &&
    typeof candidate.exitCode === 'number'
  );
}

const commanderOptions = {
  logger: false as const,
  // Nest's default on a failed start (a locked data directory, an unreachable server) is to log through
  // the disabled logger and exit 1 silently: rethrow instead, so fail() prints the reason.
  abortOnError: false,
  cliName: 'eventshop',
  errorHandler: fail,
  serviceErrorHandler: fail,
};

async function main(): Promise<void> {
  validateEnvironment(process.env);
  // Commander names the program after argv[1]; show the installed name, not the entry file's.
  process.argv[1] = 'eventshop';
  const args = process.argv.slice(2);
  const { CommandFactory } = await import('nest-commander');
  if (wantsHelpOnly(args)) {
    const { CliHelpModule } = await import('./cli-help.module');
    await CommandFactory.run(CliHelpModule, commanderOptions);
    return;
  }
  // Usage errors (a missing argument, a bad option value) are reported before anything connects. (`config`
  // connects to nothing and loads only itself: commander checks its few options as fast.)
  if (args[0] !== 'config') {
    const { checkArguments } = await import('./cli-help.module');
    await checkArguments(CommandFactory, commanderOptions);
  }
  const module =
    args[0] === 'config'
      ? (await import('./config/config-cli.module')).ConfigCliModule
      : await (await import('./cli-modules')).cliModuleFor(args[0] ?? '');
  await CommandFactory.run(module, commanderOptions);
}

main().catch(fail);

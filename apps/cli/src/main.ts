import './cli-environment';
import 'reflect-metadata';
import { InvalidEnvironmentError, validateEnvironment } from '@shop/config';

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

async function main(): Promise<void> {
  validateEnvironment(process.env);
  // Commander names the program after argv[1]; show the installed name, not the entry file's.
  process.argv[1] = 'eventshop';
  const { CliHelpModule, wantsHelpOnly } = await import('./cli-help.module');
  const args = process.argv.slice(2);
  const [{ CommandFactory }, module] = await Promise.all([
    import('nest-commander'),
    wantsHelpOnly(args)
      ? CliHelpModule
      : args[0] === 'store'
        ? // reads the files itself: it must work exactly when the servers refuse to start
          import('./store/store-cli.module').then(({ StoreCliModule }) => StoreCliModule)
        : import('./cli.module').then(({ CliModule }) => CliModule),
  ]);
  await CommandFactory.run(module, {
    logger: false,
    // Nest's default on a failed start (a locked data directory, an unreachable server) is to log through
    // the disabled logger and exit 1 silently: rethrow instead, so fail() prints the reason.
    abortOnError: false,
    cliName: 'eventshop',
    errorHandler: fail,
    serviceErrorHandler: fail,
  });
}

main().catch(fail);

import './cli-environment';
import 'reflect-metadata';
import { wantsHelpOnly } from './help-only';

/** Operators get one line per error, never a stack trace, and a non-zero exit code. */
function fail(error: unknown): never {
  // Commander has already printed its own usage errors and help; only its exit code is left to honour.
  if (isCommanderError(error)) process.exit(error.exitCode);
  const message = error instanceof Error ? error.message : String(error);
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
  // Commander names the program after argv[1]; show the installed name, not the entry file's.
  process.argv[1] = 'eventshop';
  const args = process.argv.slice(2);
  const [{ CommandFactory }, { cliHelpModule, checkArguments }, { reachableCommands }] = await Promise.all([
    import('nest-commander'),
    import('./cli-help.module'),
    import('./command-groups'),
  ]);
  // Only the named group's commands (all of them for root help or an unknown command) are loaded to print
  // help or a usage error (a missing argument, a bad option value), and that before anything connects.
  const commands = await reachableCommands(args);
  if (wantsHelpOnly(args)) {
    await CommandFactory.run(cliHelpModule(commands), commanderOptions);
    return;
  }
  // `config` connects to nothing and loads only itself: its own run checks its few options as fast.
  if (args[0] !== 'config') await checkArguments(CommandFactory, commands, commanderOptions);
  const { validateEnvironment } = await import('@shop/config');
  validateEnvironment(process.env);
  const { cliModuleFor } = await import('./cli-module-for');
  await CommandFactory.run(await cliModuleFor(args[0] ?? ''), commanderOptions);
}

main().catch(fail);

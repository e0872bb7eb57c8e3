/**
 * This process's preloads (`-r @swc-node/register` when run from TypeScript), for child processes that run a
 * script of their own. Nothing else is passed on: `-e` code or profiler flags must not run twice.
 */
export const preloads = (): string[] =>
  process.execArgv.flatMap((arg, i, all) =>
    arg === '-r' || arg === '--require' ? [arg, all[i + 1] ?? ''] : arg.startsWith('--require=') ? [arg] : [],
  );

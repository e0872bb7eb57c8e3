import { execFileSync } from 'node:child_process';
import { ApiProcess, type ApiProcessOptions } from '../test/reliability/api-process';

let built = false;

/** `npm run build`, once per bench run. */
export function buildOnce(): void {
  if (built) return;
  process.stderr.write('  building (npm run build)...\n');
  execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
}

/**
 * The API as users run it (`npm start`: the compiled build, no source-map support) in its own process on
 * embedded servers. Builds once per bench run.
 */
export async function startBuiltApi(
  env: Record<string, string> = {},
  options: Omit<ApiProcessOptions, 'build'> = {},
): Promise<ApiProcess> {
  buildOnce();
  const api = await ApiProcess.create(env, { ...options, build: true });
  try {
    await api.start();
  } catch (error) {
    await api.stop();
    throw error;
  }
  return api;
}

import { execFileSync } from 'node:child_process';
import { ApiProcess } from '../test/reliability/api-process';

let built = false;

/**
 * The API as users run it (`npm start`: the compiled build, no source-map support) in its own process on
 * embedded servers. Builds once per bench run.
 */
export async function startBuiltApi(env: Record<string, string> = {}): Promise<ApiProcess> {
  if (!built) {
    process.stderr.write('  building the API (npm run build)...\n');
    execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
    built = true;
  }
  const api = await ApiProcess.create(env, { build: true });
  try {
    await api.start();
  } catch (error) {
    await api.stop();
    throw error;
  }
  return api;
}

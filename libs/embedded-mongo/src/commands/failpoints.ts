import type { Handler } from './env';

/** `configureFailPoint`, registered only when the server runs with test commands enabled. */
export const failPointCommands: Record<string, Handler> = {
  configureFailPoint: (cmd, env) => {
    env.engine.failPoints.configure(String(cmd.configureFailPoint), cmd.mode, cmd.data);
    return { count: 0, ok: 1 };
  },
};

import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { Harness } from './harness';
import { startHarness } from './harness';

/** Test-only: a harness with the newer client (`@kurrent/kurrentdb-client`) too, for the v2 protocol. */
export interface KurrentHarness extends Harness {
  kurrent: KurrentDBClient;
}

/** An in-memory server with both clients on it; `dispose` closes the newer client, then the harness. */
export const startKurrentHarness = async (): Promise<KurrentHarness> => {
  const h = await startHarness();
  const kurrent = KurrentDBClient.connectionString(h.server.url.replace(/^esdb:/, 'kurrentdb:'));
  return {
    ...h,
    kurrent,
    dispose: async () => {
      await kurrent.dispose();
      await h.dispose();
    },
  };
};

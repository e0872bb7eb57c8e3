import { EventStoreDBClient, StreamNotFoundError } from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { MongoClient } from 'mongodb';

export interface Dependency {
  name: string;
  /** Resolves once the dependency answers; rejects otherwise. */
  probe: () => Promise<void>;
}

/**
 * Waits until every dependency answers, retrying with exponential backoff (cockatiel) and logging each
 * failed attempt, so a service started before its databases waits for them instead of crashing; gives up
 * with a clear error after `timeoutMs`.
 */
export async function waitForDependencies(
  dependencies: readonly Dependency[],
  timeoutMs: number,
  logger: Pick<Logger, 'log' | 'warn'> = new Logger('Startup'),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await Promise.all(
    dependencies.map(async ({ name, probe }) => {
      // Every failure is retried except the final one, which carries the reason out.
      const policy = retry(
        handleWhen((error) => !(error instanceof DependencyUnavailableError)),
        {
          maxAttempts: Number.MAX_SAFE_INTEGER,
          backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 5_000 }),
        },
      );
      let attempt = 0;
      policy.onRetry(({ delay }) =>
        logger.warn(`${name} is not reachable yet (attempt ${attempt}); retrying in ${Math.round(delay)} ms`),
      );
      await policy
        .execute(async ({ signal }) => {
          attempt += 1;
          try {
            await probe();
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            if (Date.now() >= deadline || signal.aborted) {
              throw new DependencyUnavailableError(name, attempt, message);
            }
            throw error;
          }
        })
        .catch((error: unknown) => {
          throw error instanceof DependencyUnavailableError
            ? error
            : new DependencyUnavailableError(name, attempt, String(error));
        });
      if (attempt > 1) logger.log(`${name} is reachable after ${attempt} attempts`);
    }),
  );
}

export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    readonly attempts: number,
    reason: string,
  ) {
    super(`${dependency} is still unreachable after ${attempts} attempts: ${reason}`);
    this.name = 'DependencyUnavailableError';
  }
}

/** Probe: a read through the official client ("stream not found" counts as an answer). */
export const eventStoreProbe =
  (connectionString: string, timeoutMs = 2_000) =>
  async (): Promise<void> => {
    const client = EventStoreDBClient.connectionString(connectionString);
    try {
      for await (const _ of client.readStream('$shop-startup-probe', { maxCount: 1, deadline: timeoutMs }))
        break;
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    } finally {
      await client.dispose();
    }
  };

/** Probe: connect and `ping` through the official driver. */
export const mongoProbe =
  (url: string, timeoutMs = 2_000) =>
  async (): Promise<void> => {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
    } finally {
      await client.close();
    }
  };

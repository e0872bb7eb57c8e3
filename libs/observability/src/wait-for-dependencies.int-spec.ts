import { type Logger } from '@nestjs/common';
import { type EmbeddedMongo, startEmbeddedMongo } from '@shop/embedded-mongo';
import { DependencyUnavailableError, mongoProbe, waitForDependencies } from './wait-for-dependencies';
import { freePort } from '@shop/testing';

const recordingLogger = () => {
  const lines: string[] = [];
  const logger = {
    warn: (m: string) => lines.push(`warn ${m}`),
    log: (m: string) => lines.push(`log ${m}`),
  } as unknown as Logger;
  return { lines, logger };
};

describe('waitForDependencies (startup retries)', () => {
  let mongo: EmbeddedMongo | undefined;
  afterEach(async () => {
    await mongo?.stop();
    mongo = undefined;
  });

  it('keeps retrying with backoff, saying so, until the server comes up', async () => {
    const port = await freePort();
    const { lines, logger } = recordingLogger();
    let started: Promise<EmbeddedMongo> | undefined;
    const probe = mongoProbe(`mongodb://127.0.0.1:${port}/?replicaSet=rs0&directConnection=true`, 300);
    await waitForDependencies(
      [
        {
          name: 'MongoDB',
          probe: async () => {
            try {
              await probe();
            } catch (error) {
              // The server comes up only after the service has started waiting for it.
              started ??= startEmbeddedMongo({ inMemory: true, port });
              throw error;
            }
          },
        },
      ],
      30_000,
      logger,
    );
    mongo = await started;
    expect(
      lines.some((l) => /^warn MongoDB is not reachable yet \(attempt 1\); retrying in \d+ ms$/.test(l)),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/^log MongoDB is reachable after \d+ attempts$/);
  });

  it('gives up after the timeout with an error naming the dependency', async () => {
    const port = await freePort();
    const { logger } = recordingLogger();
    const failure = waitForDependencies(
      [
        {
          name: 'EventStoreDB',
          probe: () => Promise.reject(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`)),
        },
      ],
      500,
      logger,
    );
    await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(failure).rejects.toThrow(
      /EventStoreDB is still unreachable after \d+ attempts: connect ECONNREFUSED/,
    );
  });
});

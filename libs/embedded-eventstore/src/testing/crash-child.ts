/*
 * Child process for the crash-safety test: owns the data directory, appends in a loop from several
 * concurrent writers and prints one line per acknowledged append, until the parent SIGKILLs it.
 */
import { BACKWARDS, END, EventStoreDBClient, StreamNotFoundError, jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { startEmbeddedEventStore } from '../server';

const [dataDir, writersArg] = process.argv.slice(2);

const lastRevision = async (client: EventStoreDBClient, stream: string): Promise<bigint | 'no_stream'> => {
  try {
    for await (const e of client.readStream(stream, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    })) {
      return e.event!.revision;
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return 'no_stream';
};

const main = async (): Promise<void> => {
  const server = await startEmbeddedEventStore({ dataDir: dataDir!, port: 0, segmentSize: 64 * 1024 });
  const client = EventStoreDBClient.connectionString(server.url);
  process.stdout.write('READY\n');
  const writers = Array.from({ length: Number(writersArg ?? 4) }, async (_, w) => {
    const stream = `crash-${w}`;
    let expected = await lastRevision(client, stream);
    for (;;) {
      const size = 1 + Math.floor(Math.random() * 3);
      const ids = Array.from({ length: size }, () => randomUUID());
      const events = ids.map((id) =>
        jsonEvent({ id, type: 'Tick', data: { pad: 'x'.repeat(Math.random() * 300) } }),
      );
      const result = await client.appendToStream(stream, events, { expectedRevision: expected });
      expected = result.nextExpectedRevision;
      process.stdout.write(
        `ACK ${stream} ${result.nextExpectedRevision} ${result.position!.commit} ${ids.join(',')}\n`,
      );
    }
  });
  await Promise.all(writers);
};

main().catch((error: unknown) => {
  process.stderr.write(`crash-child failed: ${String(error)}\n`);
  process.exit(1);
});

import { type EventStoreDBClient } from '@eventstore/db-client';
import { MultiStreamAppender, type StreamAppend } from '../multi-stream-appender';

/** Test-only: an atomic appender that lets another writer in just before its first append (a lost race). */
export class InterferedAppender extends MultiStreamAppender {
  attempts = 0;

  constructor(
    client: EventStoreDBClient,
    private readonly interfere: () => Promise<unknown>,
  ) {
    super(client);
  }

  override async append(requests: readonly StreamAppend[]) {
    if (this.attempts++ === 0) await this.interfere();
    return super.append(requests);
  }
}

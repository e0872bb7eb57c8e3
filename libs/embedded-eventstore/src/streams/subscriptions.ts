import { randomUUID } from 'node:crypto';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { streamsPb } from '../protocol/generated';
import { streamNameOf } from '../protocol/convert';
import { encodedReadResp } from '../protocol/streams-service';
import { invalidArgument, streamDeleted } from '../protocol/rpc-errors';
import type { EventStore } from '../store/event-store';
import type { StoredEvent } from '../storage/stored-event';
import type { EventFilter } from './event-filter';
import { resolveLink } from './resolve-link';
import { lowerBound } from './stream-view';
import type { BackpressuredWriter } from './write-stream';
import { written } from './write-stream';

type Writer = BackpressuredWriter<ReadReq, ReadResp>;

/** Source of events for one subscription: a cursor that yields durable events past it. */
interface Cursor {
  next(store: EventStore): StoredEvent | undefined;
  /** Throws when the source can no longer be followed (a tombstoned stream). */
  check(store: EventStore): void;
}

/**
 * Catch-up subscription: confirmation, historical events, `caught_up`, then live events as they
 * become durable. Filtered $all subscriptions also get checkpoints every N scanned events and one just
 * before `caught_up`, so a consumer with a sparse filter can still persist progress.
 */
export const subscribe = async (
  store: EventStore,
  options: ReadReq.Options,
  filter: EventFilter | null,
  writer: Writer,
): Promise<void> => {
  const links = options.getResolveLinks();
  const cursor = options.hasStream()
    ? streamCursor(store, options.getStream()!)
    : allCursor(store, options.getAll());
  const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(randomUUID());
  const hello = new streamsPb.ReadResp();
  hello.setConfirmation(confirmation);
  if (!(await written(writer.write(hello)))) return;

  let caughtUp = false;
  let scanned = 0;
  let lastScanned: StoredEvent | undefined;
  const checkpoint = (): Promise<boolean> => {
    scanned = 0;
    if (!lastScanned) return Promise.resolve(true);
    const resp = new streamsPb.ReadResp();
    const cp = new streamsPb.ReadResp.Checkpoint();
    cp.setCommitPosition(String(lastScanned.position));
    cp.setPreparePosition(String(lastScanned.position));
    resp.setCheckpoint(cp);
    return written(writer.write(resp));
  };

  while (!writer.isClosed) {
    cursor.check(store);
    for (let event = cursor.next(store); event; event = cursor.next(store)) {
      lastScanned = event;
      if (!filter || filter.matches(event)) {
        const result = writer.write(encodedReadResp(resolveLink(store, event, links)));
        if (result !== true && !(await result)) return;
      }
      if (filter && ++scanned >= filter.checkpointInterval && !(await checkpoint())) return;
    }
    if (!caughtUp) {
      caughtUp = true;
      if (filter && !(await checkpoint())) return;
      const resp = new streamsPb.ReadResp();
      resp.setCaughtUp(new streamsPb.ReadResp.CaughtUp());
      if (!(await written(writer.write(resp)))) return;
    }
    const seen = store.durableCount;
    await writer.waitUntil((wake) => {
      if (store.durableCount !== seen) {
        wake();
        return () => undefined;
      }
      return store.onDurable(wake);
    });
  }
};

const streamCursor = (store: EventStore, options: ReadReq.Options.StreamOptions): Cursor => {
  const name = streamNameOf(options.getStreamIdentifier());
  const state = () => store.stream(name);
  const durableLength = (): number => state()?.durableLength(store.durableCount) ?? 0;
  let next: number;
  if (options.hasStart()) next = 0;
  else if (options.hasEnd()) next = durableLength();
  else {
    const revision = Number(options.getRevision());
    if (!Number.isSafeInteger(revision) || revision < 0) throw invalidArgument('Invalid revision.');
    next = revision + 1; // subscribing from N means "I have seen N"
  }
  return {
    check: () => {
      if (state()?.tombstoned) throw streamDeleted(name);
    },
    next: () => {
      const current = state();
      if (!current || next >= durableLength()) return undefined;
      return current.events[next++];
    },
  };
};

const allCursor = (store: EventStore, options: ReadReq.Options.AllOptions | undefined): Cursor => {
  let next: number;
  if (!options || options.hasStart()) next = 0;
  else if (options.hasEnd()) next = store.durableCount;
  else {
    const position = Number(options.getPosition()?.getCommitPosition() ?? NaN);
    if (!Number.isSafeInteger(position) || position < 0) throw invalidArgument('Invalid position.');
    next = lowerBound(store.all, store.durableCount, position + 1); // strictly after the position
  }
  return {
    check: () => undefined,
    next: () => (next < store.durableCount ? store.all[next++] : undefined),
  };
};

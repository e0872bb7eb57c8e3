import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { streamsPb } from '../protocol/generated';
import { streamIdentifier, streamNameOf } from '../protocol/convert';
import { encodedReadResp } from '../protocol/streams-service';
import { invalidArgument, streamDeleted, toRpcError } from '../protocol/rpc-errors';
import type { EventStore } from '../store/event-store';
import type { EventFilter } from './event-filter';
import { compileFilter } from './event-filter';
import { resolveLink } from './resolve-link';
import { lowerBound, streamView } from './stream-view';
import { subscribe } from './subscriptions';
import { BackpressuredWriter } from './write-stream';

/** Streams.Read: reads of a stream or of $all, and (with `subscription`) catch-up subscriptions. */
export const readHandler =
  (store: EventStore) =>
  (call: ServerWritableStream<ReadReq, ReadResp>): void => {
    const writer = new BackpressuredWriter(call);
    const fail = (error: unknown): void => {
      if (!writer.isClosed) call.emit('error', toRpcError(error));
    };
    try {
      const options = call.request.getOptions();
      if (!options) throw invalidArgument('Read request carries no options.');
      const filter = options.hasFilter() ? compileFilter(options.getFilter()) : null;
      const links = options.getResolveLinks();
      if (options.hasSubscription()) {
        subscribe(store, options, filter, writer).catch(fail);
        return;
      }
      const count = Number(options.getCount() || '0');
      if (!Number.isFinite(count) || count < 0) throw invalidArgument('Invalid count.');
      const backwards = options.getReadDirection() !== streamsPb.ReadReq.Options.ReadDirection.FORWARDS;
      const read = options.hasStream()
        ? readStream(store, options.getStream()!, backwards, count, links, writer)
        : options.hasAll()
          ? readAll(store, options.getAll()!, backwards, count, filter, links, writer)
          : Promise.reject(invalidArgument('Read needs stream or all options.'));
      read.then(() => writer.end(), fail);
    } catch (error) {
      fail(error);
    }
  };

type Writer = BackpressuredWriter<ReadReq, ReadResp>;

const readStream = async (
  store: EventStore,
  options: ReadReq.Options.StreamOptions,
  backwards: boolean,
  count: number,
  links: boolean,
  writer: Writer,
): Promise<void> => {
  const name = streamNameOf(options.getStreamIdentifier());
  const view = streamView(store, name);
  if (view.kind === 'deleted') throw streamDeleted(name);
  if (view.kind === 'not_found') {
    const resp = new streamsPb.ReadResp();
    const notFound = new streamsPb.ReadResp.StreamNotFound();
    notFound.setStreamIdentifier(streamIdentifier(name));
    resp.setStreamNotFound(notFound);
    await writer.write(resp);
    return;
  }
  const { events, first, last } = view;
  let from: number;
  if (options.hasStart()) from = backwards ? first - 1 : first;
  else if (options.hasEnd()) from = backwards ? last : last + 1;
  else {
    const revision = Number(options.getRevision());
    if (!Number.isSafeInteger(revision)) throw invalidArgument('Invalid revision.');
    from = backwards ? Math.min(revision, last) : Math.max(revision, first);
  }
  const step = backwards ? -1 : 1;
  let sent = 0;
  for (let r = from; r >= first && r <= last && sent < count; r += step) {
    const result = writer.write(encodedReadResp(resolveLink(store, events[r]!, links)));
    if (result !== true && !(await result)) return;
    sent++;
  }
};

const readAll = async (
  store: EventStore,
  options: ReadReq.Options.AllOptions,
  backwards: boolean,
  count: number,
  filter: EventFilter | null,
  links: boolean,
  writer: Writer,
): Promise<void> => {
  const end = store.durableCount;
  const all = store.all;
  let index: number;
  if (options.hasStart()) index = backwards ? -1 : 0;
  else if (options.hasEnd()) index = backwards ? end - 1 : end;
  else {
    const position = Number(options.getPosition()?.getCommitPosition() ?? NaN);
    if (!Number.isSafeInteger(position) || position < 0) throw invalidArgument('Invalid position.');
    // Forwards from P includes P; backwards from P excludes it.
    index = backwards ? lowerBound(all, end, position) - 1 : lowerBound(all, end, position);
  }
  const step = backwards ? -1 : 1;
  let sent = 0;
  for (let i = index; i >= 0 && i < end && sent < count; i += step) {
    const event = all[i]!;
    if (filter && !filter.matches(event)) continue;
    const result = writer.write(encodedReadResp(resolveLink(store, event, links)));
    if (result !== true && !(await result)) return;
    sent++;
  }
};

import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { invalidArgument } from '../protocol/rpc-errors';
import type { StoredEvent } from '../storage/stored-event';
import { allowedOnAll } from './default-all-filter';

export interface EventFilter {
  matches(event: StoredEvent): boolean;
  /** Send a checkpoint every this many scanned events (subscriptions only). */
  checkpointInterval: number;
}

const DEFAULT_WINDOW = 32;

/** Server-side $all filter: on stream name or event type, by regex or by any of several prefixes. */
export const compileFilter = (options: ReadReq.Options.FilterOptions | undefined): EventFilter | null => {
  if (!options) return null;
  const onStream = options.hasStreamIdentifier();
  const expression = onStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expression) throw invalidArgument('Filter must be on stream_identifier or event_type.');
  const regexSource = expression.getRegex();
  const prefixes = expression.getPrefixList();
  let test: (value: string) => boolean;
  if (regexSource) {
    let regex: RegExp;
    try {
      regex = new RegExp(regexSource);
    } catch {
      throw invalidArgument(`Invalid filter regex '${regexSource}'.`);
    }
    test = (value) => regex.test(value);
  } else if (prefixes.length > 0) {
    test = (value) => prefixes.some((prefix) => value.startsWith(prefix));
  } else {
    throw invalidArgument('Filter needs a regex or at least one prefix.');
  }
  const window = options.hasMax() && options.getMax() > 0 ? options.getMax() : DEFAULT_WINDOW;
  const multiplier = Math.max(1, options.getCheckpointintervalmultiplier());
  return {
    matches: onStream
      ? (event) => allowedOnAll(event.streamName) && test(event.streamName)
      : (event) => allowedOnAll(event.streamName) && test(event.type),
    checkpointInterval: window * multiplier,
  };
};

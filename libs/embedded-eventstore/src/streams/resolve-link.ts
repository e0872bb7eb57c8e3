import type { EventStore } from '../store/event-store';
import type { StoredEvent } from '../storage/stored-event';
import { streamView } from './stream-view';

export const LINK_EVENT_TYPE = '$>';

/**
 * An event as readers receive it: `event` is what the record (or the link it is) points at, `link` the
 * `$>` record itself. A link whose target cannot be read (deleted or truncated stream, `$maxCount`,
 * `$maxAge`, missing revision) comes back with `link` only, as the real server's ForFailedResolvedLink.
 */
export interface ResolvedRecord {
  event?: StoredEvent;
  link?: StoredEvent;
}

/** The record a reader acknowledges, positions and filters by: the link if there is one. */
export const originalOf = (resolved: ResolvedRecord): StoredEvent => (resolved.link ?? resolved.event)!;

const LINK = /^(\d+)@([\s\S]*)$/;

/** Target of a `$>` record (`<revision>@<stream>`), or null when its data is not a link. */
export const linkTarget = (record: StoredEvent): { revision: number; stream: string } | null => {
  if (record.type !== LINK_EVENT_TYPE) return null;
  const match = LINK.exec(Buffer.from(record.data).toString('utf8'));
  if (!match) return null;
  return { revision: Number(match[1]), stream: match[2]! };
};

export const resolveLink = (
  store: EventStore,
  record: StoredEvent,
  resolveLinks: boolean,
): ResolvedRecord => {
  if (!resolveLinks || record.type !== LINK_EVENT_TYPE) return { event: record };
  const target = linkTarget(record);
  // A payload that is no link at all is returned as a plain event, like the real server does.
  if (!target) return { event: record };
  const view = streamView(store, target.stream);
  if (view.kind !== 'ok' || target.revision < view.first || target.revision > view.last) {
    return { link: record };
  }
  return { event: view.events[target.revision]!, link: record };
};

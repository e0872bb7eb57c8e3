import type { EventSummary } from './api/types';

export type PageName = 'overview' | 'streams' | 'trace' | 'projections' | 'broker';
export const PAGES: { name: PageName; title: string }[] = [
  { name: 'overview', title: 'Overview' },
  { name: 'streams', title: 'Streams' },
  { name: 'trace', title: 'Trace' },
  { name: 'projections', title: 'Projections' },
  { name: 'broker', title: 'Broker' },
];

export interface Route {
  page: PageName;
  /** The rest of the path: a trace's correlation id. */
  rest: string;
  params: URLSearchParams;
}

/** Hash routes (`#/streams?stream=order-1`): the server serves one page, and links work on reload. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [first = '', ...rest] = path.split('/');
  const page = PAGES.find((p) => p.name === first)?.name ?? 'overview';
  return { page, rest: decodeURIComponent(rest.join('/')), params: new URLSearchParams(query) };
}

export const href = (page: PageName, params: Record<string, string | undefined> = {}, rest?: string) => {
  const query = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();
  return `#/${page}${rest ? `/${encodeURIComponent(rest)}` : ''}${query ? `?${query}` : ''}`;
};

/** An event in its stream: the page that starts at its revision, with it open. */
export const eventHref = (event: Pick<EventSummary, 'stream' | 'revision' | 'eventId'>) =>
  href('streams', { stream: event.stream, from: event.revision, event: event.eventId });

export const traceHref = (correlationId: string) => href('trace', {}, correlationId);

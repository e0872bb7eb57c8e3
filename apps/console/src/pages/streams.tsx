import { useRef, useState } from 'preact/hooks';
import { api, body } from '../api/client';
import type { Diff, EventSummary, StateAt, StreamPage } from '../api/types';
import { Json } from '../components/json';
import { FeedBadge, useFeed, type ViewChange } from '../feed';
import { usePoll } from '../live';
import { href, type Route, traceHref } from '../routes';

const PAGE_SIZE = 20;

const category = (stream: string) => {
  const dash = stream.indexOf('-');
  return dash > 0 ? stream.slice(0, dash) : stream;
};

/** Streams by name prefix or category; a stream's events newest first, a page at a time. */
export function StreamsPage({ route }: { route: Route }) {
  const prefix = route.params.get('prefix') ?? '';
  const stream = route.params.get('stream');
  const [draft, setDraft] = useState(prefix);
  const found = usePoll(
    () =>
      body<{ streams: string[] }>(
        api.GET('/v1/admin/streams', { params: { query: { ...(prefix ? { prefix } : {}), limit: 200 } } }),
      ),
    0,
    [prefix],
  );
  const streams = found.value?.streams ?? [];
  const categories = [...new Set(streams.map(category))].sort();
  return (
    <section aria-labelledby="streams-title">
      <h1 id="streams-title">Streams</h1>
      <form
        class="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = href('streams', { prefix: draft || undefined });
        }}
      >
        <label for="prefix">Stream name prefix or category</label>
        <input
          id="prefix"
          name="prefix"
          value={draft}
          placeholder="order-"
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
      </form>
      {categories.length > 1 ? (
        <p class="row" aria-label="Categories">
          {categories.map((c) => (
            <a key={c} class="chip" href={href('streams', { prefix: `${c}-` })}>
              {c}
            </a>
          ))}
        </p>
      ) : null}
      {found.error ? (
        <p role="alert" class="error">
          {found.error}
        </p>
      ) : null}
      <div class="split">
        <nav aria-label="Streams found" class="list">
          <ul class="plain">
            {streams.map((s) => (
              <li key={s}>
                <a
                  href={href('streams', { prefix: prefix || undefined, stream: s })}
                  aria-current={s === stream ? 'true' : undefined}
                >
                  {s}
                </a>
              </li>
            ))}
          </ul>
          {found.value && streams.length === 0 ? <p>No stream starts with “{prefix}”.</p> : null}
        </nav>
        {stream ? <StreamEvents key={stream} stream={stream} route={route} /> : <p>Pick a stream.</p>}
      </div>
    </section>
  );
}

function StreamEvents({ stream, route }: { stream: string; route: Route }) {
  const start = route.params.get('from') ?? undefined;
  // Revisions of the pages above this one, so Newer goes back without re-reading from the end.
  const [from, setFrom] = useState<string | undefined>(start);
  const [newer, setNewer] = useState<(string | undefined)[]>([]);
  const [open, setOpen] = useState<string | null>(route.params.get('event'));
  // The newest page follows new events by itself (the live feed names the stream a view changed for; a
  // slow poll covers events no view handles); an older page stands still.
  const refresh = useRef<() => void>(() => undefined);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const feed = useFeed('/v1/admin/events/live', (message) => {
    if (from !== undefined || (message.data as ViewChange).streamName !== stream || pending.current) return;
    // One event changes several views: one reload for all of them.
    pending.current = setTimeout(() => {
      pending.current = undefined;
      refresh.current();
    }, 200);
  });
  const page = usePoll(
    () =>
      body<StreamPage>(
        api.GET('/v1/admin/streams/{stream}/events', {
          params: {
            path: { stream },
            query: {
              backwards: true,
              limit: PAGE_SIZE,
              ...(from !== undefined ? { from: Number(from) } : {}),
            },
          },
        }),
      ),
    from !== undefined ? 0 : feed === 'live' ? 15_000 : 3000,
    [stream, from],
  );
  refresh.current = page.refresh;
  const events = page.value?.events ?? [];
  const selected = events.find((e) => e.eventId === open);
  return (
    <div class="events">
      <h2>{stream}</h2>
      {from === undefined ? <FeedBadge state={feed} /> : null}
      {page.error ? (
        <p role="alert" class="error">
          {page.error}
        </p>
      ) : null}
      <table>
        <caption class="sr-only">Events of {stream}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Revision</th>
            <th scope="col">Type</th>
            <th scope="col">Occurred</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.eventId} class={e.eventId === open ? 'selected' : undefined}>
              <td>{e.revision}</td>
              <td>
                <button
                  type="button"
                  class="link"
                  aria-expanded={e.eventId === open}
                  onClick={() => setOpen(e.eventId === open ? null : e.eventId)}
                >
                  {e.type}
                </button>
              </td>
              <td>
                <time dateTime={e.occurredAt}>{e.occurredAt}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="row">
        <button
          type="button"
          disabled={newer.length === 0 && from === undefined}
          onClick={() => {
            setFrom(newer.at(-1));
            setNewer(newer.slice(0, -1));
          }}
        >
          Newer
        </button>
        <button
          type="button"
          disabled={!page.value?.next}
          onClick={() => {
            setNewer([...newer, from]);
            setFrom(page.value?.next ?? undefined);
          }}
        >
          Older
        </button>
      </div>
      {selected ? <EventDetails event={selected} /> : null}
    </div>
  );
}

function EventDetails({ event }: { event: EventSummary }) {
  const { data, ...metadata } = event;
  const [state, setState] = useState<{ at?: StateAt; diff?: Diff; error?: string } | null>(null);
  const revision = Number(event.revision);
  const loadState = async () => {
    try {
      const path = { stream: event.stream };
      const at = await body<StateAt>(
        api.GET('/v1/admin/streams/{stream}/state', { params: { path, query: { revision } } }),
      );
      const diff =
        revision > 0
          ? await body<Diff>(
              api.GET('/v1/admin/streams/{stream}/diff', {
                params: { path, query: { from: revision - 1, to: revision } },
              }),
            )
          : undefined;
      setState({ at, ...(diff ? { diff } : {}) });
    } catch (e) {
      setState({ error: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <article class="details" aria-labelledby="event-title">
      <h3 id="event-title">
        {event.type} <small>{`${event.stream}@${event.revision}`}</small>
      </h3>
      <p class="row">
        <a href={traceHref(event.correlationId)}>Trace of this conversation</a>
        <button type="button" onClick={() => void loadState()}>
          State at revision {event.revision}
        </button>
      </p>
      <h4>Data</h4>
      <Json value={data} label="Event data" />
      <h4>Metadata</h4>
      <Json value={metadata} label="Event metadata" />
      {state?.error ? (
        <p role="alert" class="error">
          {state.error}
        </p>
      ) : null}
      {state?.at ? (
        <>
          <h4>State after revision {state.at.revision}</h4>
          <Json value={state.at.state} label="Aggregate state" />
        </>
      ) : null}
      {state?.diff ? (
        <>
          <h4>Changed since revision {state.diff.from.revision}</h4>
          <Json value={state.diff.changes} label="Changes from the previous revision" />
        </>
      ) : null}
    </article>
  );
}

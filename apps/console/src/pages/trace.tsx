import { useState } from 'preact/hooks';
import { api, body } from '../api/client';
import type { Trace, TraceNode } from '../api/types';
import { TraceGraph } from '../components/trace-graph';
import { usePoll } from '../live';
import { eventHref, type Route, traceHref } from '../routes';

/** One conversation (correlation id): what caused what, and when. Follows new events while open. */
export function TracePage({ route }: { route: Route }) {
  const correlationId = route.rest;
  const [draft, setDraft] = useState(correlationId);
  const trace = usePoll(
    async () =>
      correlationId
        ? body<Trace>(api.GET('/v1/admin/traces/{correlationId}', { params: { path: { correlationId } } }))
        : undefined,
    correlationId ? 3000 : 0,
    [correlationId],
  );
  return (
    <section aria-labelledby="trace-title">
      <h1 id="trace-title">Trace</h1>
      <form
        class="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = traceHref(draft.trim());
        }}
      >
        <label for="correlation">Correlation id</label>
        <input id="correlation" value={draft} size={40} onInput={(e) => setDraft(e.currentTarget.value)} />
        <button type="submit">Show trace</button>
      </form>
      {trace.error ? (
        <p role="alert" class="error">
          {trace.error}
        </p>
      ) : null}
      {trace.value ? (
        <>
          <p>
            {trace.value.events} events in conversation <code>{trace.value.correlationId}</code>
          </p>
          <div class="scroll">
            <TraceGraph tree={trace.value.tree} />
          </div>
          <h2>As a list</h2>
          <TraceList nodes={trace.value.tree} />
        </>
      ) : null}
    </section>
  );
}

/** The same tree as nested lists: for screen readers, and to copy from. */
function TraceList({ nodes }: { nodes: readonly TraceNode[] }) {
  return (
    <ul class="tree">
      {nodes.map(({ event, children }) => (
        <li key={event.eventId}>
          <a href={eventHref(event)}>{event.type}</a> {`${event.stream}@${event.revision}`}{' '}
          <time dateTime={event.occurredAt}>{event.occurredAt}</time>
          {children.length > 0 ? <TraceList nodes={children} /> : null}
        </li>
      ))}
    </ul>
  );
}

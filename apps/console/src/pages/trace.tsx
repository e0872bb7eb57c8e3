import { useState } from 'preact/hooks';
import { api, body } from '../api/client';
import type { Handler, Trace, TraceHandlers, TraceNode } from '../api/types';
import { TraceGraph } from '../components/trace-graph';
import { usePoll } from '../live';
import { eventHref, type Route, traceHref } from '../routes';

/**
 * One conversation (correlation id): what caused what, and when, and which projections and processors have
 * applied each event. Follows new events while open.
 */
export function TracePage({ route }: { route: Route }) {
  const correlationId = route.rest;
  const [draft, setDraft] = useState(correlationId);
  const trace = usePoll(
    async () => {
      if (!correlationId) return undefined;
      const params = { params: { path: { correlationId } } };
      const [tree, handlers] = await Promise.all([
        body<Trace>(api.GET('/v1/admin/traces/{correlationId}', params)),
        body<TraceHandlers>(api.GET('/v1/admin/traces/{correlationId}/handlers', params)),
      ]);
      return { ...tree, handlers: new Map(handlers.events.map((e) => [e.eventId, e.handlers])) };
    },
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
            <TraceGraph tree={trace.value.tree} handlers={trace.value.handlers} />
          </div>
          <h2>As a list</h2>
          <TraceList nodes={trace.value.tree} handlers={trace.value.handlers} />
        </>
      ) : null}
    </section>
  );
}

/** The same tree as nested lists: for screen readers, and to copy from. */
function TraceList({
  nodes,
  handlers,
}: {
  nodes: readonly TraceNode[];
  handlers: ReadonlyMap<string, readonly Handler[]>;
}) {
  return (
    <ul class="tree">
      {nodes.map(({ event, children }) => (
        <li key={event.eventId}>
          <a href={eventHref(event)}>{event.type}</a> {`${event.stream}@${event.revision}`}{' '}
          <time dateTime={event.occurredAt}>{event.occurredAt}</time>
          {(handlers.get(event.eventId) ?? []).length > 0 ? (
            <span class="handled">
              {' — '}
              {(handlers.get(event.eventId) ?? []).map((h) => `${h.name}: ${h.state}`).join(', ')}
            </span>
          ) : null}
          {children.length > 0 ? <TraceList nodes={children} handlers={handlers} /> : null}
        </li>
      ))}
    </ul>
  );
}

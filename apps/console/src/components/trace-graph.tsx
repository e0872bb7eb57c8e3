import type { EventSummary, Handler, TraceNode } from '../api/types';
import { eventHref } from '../routes';

interface Placed {
  node: TraceNode;
  depth: number;
  row: number;
  parent: Placed | null;
}

const COLUMN = 56;
const ROW = 80;
const BOX_W = 400;
const BOX_H = 64;

/** Depth-first rows: each event one row, indented by its causation depth (rows never overlap, so a small indent suffices). */
function place(roots: readonly TraceNode[]): Placed[] {
  const placed: Placed[] = [];
  const walk = (node: TraceNode, depth: number, parent: Placed | null) => {
    const here = { node, depth, row: placed.length, parent };
    placed.push(here);
    node.children.forEach((child) => walk(child, depth + 1, here));
  };
  roots.forEach((root) => walk(root, 0, null));
  return placed;
}

/** "+120 ms" from the first event of the conversation: where a checkout stalled stands out. */
const offset = (event: EventSummary, start: number) => {
  const ms = Date.parse(event.occurredAt) - start;
  return ms < 1000 ? `+${ms} ms` : `+${(ms / 1000).toFixed(1)} s`;
};

/**
 * The causation tree as an SVG picture: a box per event (type, stream@revision, time after the first),
 * an edge from the event (or request) that caused it. Each box is a link to the event in its stream.
 */
const MARK: Record<Handler['state'], string> = { applied: '✓', pending: '…', parked: '!' };
const chipWidth = (h: Handler) => h.name.length * 7 + 30;

/** The projections and processors of one event, as chips right of its box: applied, parked or pending. */
function Chips({ handlers, x, y }: { handlers: readonly Handler[]; x: number; y: number }) {
  let left = x;
  return (
    <g>
      {handlers.map((h) => {
        const at = left;
        left += chipWidth(h) + 6;
        return (
          <g key={h.name} class={`chip-${h.state}`}>
            <title>{`${h.kind} ${h.name}: ${h.state}`}</title>
            <rect x={at} y={y} width={chipWidth(h)} height={20} rx={10} />
            <text x={at + 9} y={y + 14}>
              {`${MARK[h.state]} ${h.name}`}
            </text>
          </g>
        );
      })}
    </g>
  );
}

export function TraceGraph({
  tree,
  handlers = new Map(),
}: {
  tree: readonly TraceNode[];
  handlers?: ReadonlyMap<string, readonly Handler[]>;
}) {
  const placed = place(tree);
  const start = Math.min(...placed.map((p) => Date.parse(p.node.event.occurredAt)));
  const chips = (p: Placed) =>
    (handlers.get(p.node.event.eventId) ?? []).reduce((n, h) => n + chipWidth(h) + 6, 0);
  const width = Math.max(...placed.map((p) => p.depth * COLUMN + BOX_W + 30 + chips(p)));
  const height = placed.length * ROW + 10;
  return (
    <svg
      class="trace"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="group"
      aria-label="Causation tree"
    >
      {placed.map((p) =>
        p.parent ? (
          <path
            key={`edge-${p.node.event.eventId}`}
            class="edge"
            d={`M ${p.parent.depth * COLUMN + 24} ${p.parent.row * ROW + 5 + BOX_H} V ${p.row * ROW + 5 + BOX_H / 2} H ${p.depth * COLUMN + 10}`}
          />
        ) : null,
      )}
      {placed.map((p) => {
        const { event } = p.node;
        const x = p.depth * COLUMN + 10;
        const y = p.row * ROW + 5;
        const href = eventHref(event);
        return (
          <g key={event.eventId}>
            <a href={href} class="trace-node">
              <rect x={x} y={y} width={BOX_W} height={BOX_H} rx={6} />
              <text x={x + 10} y={y + 19} class="type">
                {event.type}
              </text>
              <text x={x + 10} y={y + 36} class="meta">
                {`${event.stream}@${event.revision}`}
              </text>
              <text x={x + 10} y={y + 54} class="meta">
                {`${offset(event, start)}  ${event.occurredAt.slice(11, 23)}`}
              </text>
            </a>
            <Chips handlers={handlers.get(event.eventId) ?? []} x={x + BOX_W + 12} y={y + BOX_H / 2 - 10} />
          </g>
        );
      })}
    </svg>
  );
}

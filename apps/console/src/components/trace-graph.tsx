import type { EventSummary, TraceNode } from '../api/types';
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
export function TraceGraph({ tree }: { tree: readonly TraceNode[] }) {
  const placed = place(tree);
  const start = Math.min(...placed.map((p) => Date.parse(p.node.event.occurredAt)));
  const depth = Math.max(0, ...placed.map((p) => p.depth));
  const width = (depth + 1) * COLUMN + 20;
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
          <a key={event.eventId} href={href} class="trace-node">
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
        );
      })}
    </svg>
  );
}

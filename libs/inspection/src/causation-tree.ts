import { type EventSummary } from './event-summary';

export interface TraceNode {
  event: EventSummary;
  children: TraceNode[];
}

/**
 * Arranges the events of one correlation id by causation: an event's parent is the event whose id is its
 * causation id. Roots are the events a request (not another event) caused. Siblings stay in log order.
 */
export function causationTree(events: readonly EventSummary[]): TraceNode[] {
  const nodes = new Map(events.map((event) => [event.eventId, { event, children: [] as TraceNode[] }]));
  const roots: TraceNode[] = [];
  for (const node of nodes.values()) {
    const parent =
      node.event.causationId !== node.event.eventId ? nodes.get(node.event.causationId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** The tree as indented lines: `type stream@revision`. */
export function renderTree(roots: readonly TraceNode[]): string {
  const lines: string[] = [];
  const walk = (node: TraceNode, prefix: string, last: boolean, top: boolean) => {
    const branch = top ? '' : last ? '└─ ' : '├─ ';
    lines.push(
      `${prefix}${branch}${node.event.type}  ${node.event.stream}@${node.event.revision}  (${node.event.occurredAt})`,
    );
    const childPrefix = top ? prefix : `${prefix}${last ? '   ' : '│  '}`;
    node.children.forEach((child, i) => walk(child, childPrefix, i === node.children.length - 1, false));
  };
  roots.forEach((root) => walk(root, '', true, true));
  return lines.join('\n');
}

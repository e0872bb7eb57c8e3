import { type EventSummary, type TraceNode } from '@shop/inspection';
import { hasReached, parsePosition, type ProjectionStatus } from '@shop/projections';

export interface Worker {
  name: string;
  kind: 'projection' | 'processor';
  eventTypes: readonly string[];
}

export type HandlerState = 'applied' | 'pending' | 'parked';

export interface EventHandlers {
  eventId: string;
  handlers: { name: string; kind: 'projection' | 'processor'; state: HandlerState }[];
}

const flatten = (nodes: readonly TraceNode[]): EventSummary[] =>
  nodes.flatMap((node) => [node.event, ...flatten(node.children)]);

/**
 * For each event of a trace, the projections and processors that handle its type and whether each has
 * applied it (its checkpoint passed the event), parked it, or has yet to: the picture's last "pending" is
 * where a conversation stands still.
 */
export function traceHandlers(
  tree: readonly TraceNode[],
  workers: readonly Worker[],
  statuses: readonly Pick<ProjectionStatus, 'name' | 'checkpoint'>[],
  parked: ReadonlyMap<string, ReadonlySet<string>>,
): EventHandlers[] {
  const checkpoints = new Map(statuses.map((s) => [s.name, s.checkpoint]));
  return flatten(tree).map((event) => {
    const position = event.position ? parsePosition(event.position) : null;
    return {
      eventId: event.eventId,
      handlers: workers
        .filter((w) => w.eventTypes.includes(event.type))
        .map((w) => ({
          name: w.name,
          kind: w.kind,
          state: parked.get(w.name)?.has(event.eventId)
            ? 'parked'
            : position && hasReached(checkpoints.get(w.name) ?? null, position)
              ? 'applied'
              : 'pending',
        })),
    };
  });
}

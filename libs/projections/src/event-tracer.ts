/**
 * Runs the handling of an event inside a trace span continued from the event's stored `traceparent`, so that
 * a request and everything its events cause downstream (projections, process managers, jobs) form one trace.
 * Provided by the observability module; without it, handling runs untraced.
 */
export type EventTracer = <T>(
  name: string,
  traceparent: string | undefined,
  fn: () => Promise<T>,
) => Promise<T>;

export const EVENT_TRACER = Symbol('EVENT_TRACER');

export const untraced: EventTracer = (_name, _traceparent, fn) => fn();

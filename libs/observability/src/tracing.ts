import {
  context,
  type Context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

const TRACER_NAME = 'eventshop';

/**
 * Span processors can be added after the provider is registered (tests attach an in-memory exporter to
 * the one process-wide provider); SDK 2 takes processors only in the constructor.
 */
class SwitchableSpanProcessor implements SpanProcessor {
  readonly processors: SpanProcessor[] = [];
  onStart(span: Parameters<SpanProcessor['onStart']>[0], parent: Context): void {
    for (const p of this.processors) p.onStart(span, parent);
  }
  onEnd(span: ReadableSpan): void {
    for (const p of this.processors) p.onEnd(span);
  }
  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush()));
  }
  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown()));
  }
}

let provider: NodeTracerProvider | undefined;
const processors = new SwitchableSpanProcessor();

/** The exporter the standard OTEL_* variables ask for; none (spans are still created for propagation). */
function exporterFromEnv(env: NodeJS.ProcessEnv): SpanExporter | undefined {
  const kind = env.OTEL_TRACES_EXPORTER?.trim();
  if (kind === 'none') return undefined;
  if (kind === 'console') return new ConsoleSpanExporter();
  if (kind === 'otlp' || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    return new OTLPTraceExporter(); // reads OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout) itself
  }
  return undefined;
}

/**
 * Registers the process-wide tracer provider once (idempotent). Spans are always created, so trace context
 * flows into event metadata and on to projections; they are exported only when OTEL_EXPORTER_OTLP_ENDPOINT
 * or OTEL_TRACES_EXPORTER says so.
 */
export function initTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (provider) return;
  const exporter = exporterFromEnv(env);
  if (exporter) processors.processors.push(new BatchSpanProcessor(exporter));
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || serviceName }),
    spanProcessors: [processors],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
}

/** Sends every span ended from now on to `exporter` too, synchronously (tests: InMemorySpanExporter). */
export function addSpanExporter(exporter: SpanExporter): void {
  initTracing('eventshop');
  processors.processors.push(new SimpleSpanProcessor(exporter));
}

/** Exports buffered spans; call on shutdown. */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

export const tracer = (): Tracer => trace.getTracer(TRACER_NAME);

/** W3C `traceparent` of `span` (or of the active span): store it in event metadata. */
export function traceparentOfSpan(span: Span | undefined = trace.getActiveSpan()): string | undefined {
  if (!span) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier.traceparent;
}

/** The traceparent of the current span, for `EventMetadata.traceparent` outside HTTP requests. */
export const currentTraceparent = (): string | undefined => traceparentOfSpan();

/** The context a stored `traceparent` describes (root context when absent or malformed). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/**
 * Runs `fn` in a new span that continues the trace of a stored `traceparent` (an event's metadata): use it
 * in projections, the process manager and jobs, so one checkout is one trace from the HTTP request on.
 */
export async function withContinuedSpan<T>(
  name: string,
  traceparent: string | undefined,
  fn: (span: Span) => Promise<T> | T,
  attributes: Record<string, string | number | boolean> = {},
): Promise<T> {
  const parent = contextFromTraceparent(traceparent);
  return withSpan(name, fn, { parent, kind: SpanKind.CONSUMER, attributes });
}

/** Runs `fn` in a child span of the active one (or of `parent`); records failures on the span. */
export async function withSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T> | T,
  options: { parent?: Context; kind?: SpanKind; attributes?: Record<string, string | number | boolean> } = {},
): Promise<T> {
  const span = tracer().startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes ?? {} },
    options.parent ?? context.active(),
  );
  try {
    return await context.with(trace.setSpan(options.parent ?? context.active(), span), () => fn(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

import { Injectable } from '@nestjs/common';
import { context as otelContext, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Metrics, requestSpan, tracer } from '@shop/observability';
import { type FastifyRequest } from 'fastify';
import { Kind } from 'graphql';
import { Counter, Histogram } from 'prom-client';
import { type OperationShape } from './query-limits';

/** The operation's label: its root fields (bounded by the schema), never the client-chosen name. */
export const operationLabel = (shape: OperationShape): string => {
  const roots = [
    ...new Set(
      shape.operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])),
    ),
  ].sort();
  return roots.length > 3 ? `${roots.slice(0, 3).join(',')},...` : roots.join(',') || '(none)';
};

export interface OperationTelemetry {
  span: Span;
  type: string;
  label: string;
  startedAt: number;
}

/**
 * One span per GraphQL operation (a child of the HTTP request's span, so commands and their events share the
 * trace) and Prometheus series per operation: count by outcome and latency.
 */
@Injectable()
export class GraphqlTelemetry {
  private readonly operations: Counter<'type' | 'operation' | 'outcome'>;
  private readonly duration: Histogram<'type' | 'operation'>;
  private readonly cost: Histogram<'type'>;

  constructor(metrics: Metrics) {
    const registers = [metrics.registry];
    this.operations = new Counter({
      name: 'shop_graphql_operations_total',
      help: 'GraphQL operations by type, root fields and outcome (ok, errors, or the refusal code)',
      labelNames: ['type', 'operation', 'outcome'] as const,
      registers,
    });
    this.duration = new Histogram({
      name: 'shop_graphql_operation_duration_seconds',
      help: 'GraphQL operation execution time by type and root fields',
      labelNames: ['type', 'operation'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.cost = new Histogram({
      name: 'shop_graphql_operation_cost',
      help: 'Estimated cost (objects read) of accepted GraphQL operations',
      labelNames: ['type'] as const,
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000],
      registers,
    });
  }

  start(request: FastifyRequest, shape: OperationShape): OperationTelemetry {
    const type = shape.operation.operation;
    const label = operationLabel(shape);
    const parentSpan = requestSpan(request);
    const parent = parentSpan ? trace.setSpan(otelContext.active(), parentSpan) : otelContext.active();
    const span = tracer().startSpan(
      `graphql.${type} ${label}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'graphql.operation.type': type,
          'graphql.operation.name': shape.operation.name?.value ?? '',
          'graphql.operation.fields': label,
          'graphql.operation.cost': shape.cost,
          'graphql.operation.depth': shape.depth,
        },
      },
      parent,
    );
    this.cost.observe({ type }, shape.cost);
    return { span, type, label, startedAt: performance.now() };
  }

  finish(telemetry: OperationTelemetry, errorCodes: readonly string[]): void {
    const { span, type, label } = telemetry;
    const outcome = errorCodes.length === 0 ? 'ok' : 'errors';
    if (errorCodes.length > 0) {
      span.setAttribute('graphql.error.codes', [...new Set(errorCodes)].join(','));
      if (errorCodes.includes('INTERNAL_SERVER_ERROR')) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
    this.operations.inc({ type, operation: label, outcome });
    this.duration.observe({ type, operation: label }, (performance.now() - telemetry.startedAt) / 1000);
  }

  /** An operation refused before it ran (unauthenticated, over a limit, rate limited). */
  refused(type: string, code: string): void {
    this.operations.inc({ type, operation: '(refused)', outcome: code });
  }
}

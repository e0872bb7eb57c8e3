import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';
const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half-open', 'isolated'];

export interface ProjectionGaugeInput {
  name: string;
  state: string;
  lagEvents: number | null;
  lagMs: number | null;
  parked: number;
  thirdParty?: string;
}

/**
 * The service's Prometheus metrics, behind typed helpers so the rest of the code never touches prom-client.
 * One registry per application instance (tests build several apps in one process).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly commandOutcomes = new Counter({
    name: 'shop_command_outcomes_total',
    help: 'Commands handled, by command and outcome (ok, or the error category)',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly appendDuration = new Histogram({
    name: 'shop_eventstore_append_duration_seconds',
    help: 'Latency of appends to EventStoreDB',
    labelNames: ['category'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  private readonly appendConflicts = new Counter({
    name: 'shop_eventstore_append_conflicts_total',
    help: 'Appends rejected because the stream moved on (optimistic concurrency)',
    labelNames: ['category'] as const,
    registers: [this.registry],
  });

  private readonly projectionLagEvents = new Gauge({
    name: 'shop_projection_lag_events',
    help: 'Events in the log the projection has not applied yet',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  private readonly projectionLagMs = new Gauge({
    name: 'shop_projection_lag_ms',
    help: 'Age of the oldest event the projection has not applied yet',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  private readonly projectionParked = new Gauge({
    name: 'shop_projection_parked_events',
    help: 'Events parked (failed repeatedly) per projection',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  private readonly projectionStalled = new Gauge({
    name: 'shop_projection_stalled',
    help: '1 when the projection is stalled',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  private readonly dependencyDegraded = new Gauge({
    name: 'shop_dependency_degraded',
    help: '1 while a third-party service (e.g. the payment provider) holds up the workers that call it',
    labelNames: ['dependency'] as const,
    registers: [this.registry],
  });

  private readonly processStates = new Gauge({
    name: 'shop_process_manager_instances',
    help: 'Process manager instances (e.g. checkouts) by state',
    labelNames: ['process', 'state'] as const,
    registers: [this.registry],
  });

  private readonly breakerState = new Gauge({
    name: 'shop_circuit_breaker_state',
    help: '1 for the current state of each circuit breaker',
    labelNames: ['breaker', 'state'] as const,
    registers: [this.registry],
  });

  private readonly rateLimitRejections = new Counter({
    name: 'shop_rate_limit_rejections_total',
    help: 'Requests rejected with 429, by limit (user or ip)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const state of BREAKER_STATES)
      this.breakerState.set({ breaker: 'payment', state }, state === 'closed' ? 1 : 0);
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_code: String(status) }, seconds);
  }

  /** `outcome`: 'ok' or the DomainError category ('rule_violated', 'concurrency', ...) or 'error'. */
  recordCommand(command: string, outcome: string): void {
    this.commandOutcomes.inc({ command, outcome });
  }

  observeAppend(streamCategory: string, seconds: number): void {
    this.appendDuration.observe({ category: streamCategory }, seconds);
  }

  recordAppendConflict(streamCategory: string): void {
    this.appendConflicts.inc({ category: streamCategory });
  }

  setProjections(statuses: readonly ProjectionGaugeInput[]): void {
    for (const s of statuses) {
      const labels = { projection: s.name };
      if (s.lagEvents !== null) this.projectionLagEvents.set(labels, s.lagEvents);
      if (s.lagMs !== null) this.projectionLagMs.set(labels, s.lagMs);
      this.projectionParked.set(labels, s.parked);
      this.projectionStalled.set(labels, s.state === 'stalled' ? 1 : 0);
    }
    const degraded = new Map<string, number>();
    for (const s of statuses) {
      if (!s.thirdParty) continue;
      degraded.set(s.thirdParty, Math.max(degraded.get(s.thirdParty) ?? 0, s.state === 'stalled' ? 1 : 0));
    }
    for (const [dependency, value] of degraded) this.dependencyDegraded.set({ dependency }, value);
  }

  private readonly seenStates = new Map<string, Set<string>>();

  /** Replaces the counts of one process manager's instances by state (states no longer present read 0). */
  setProcessStates(process: string, counts: Readonly<Record<string, number>>): void {
    const seen = this.seenStates.get(process) ?? new Set<string>();
    this.seenStates.set(process, seen);
    for (const state of Object.keys(counts)) seen.add(state);
    for (const state of seen) this.processStates.set({ process, state }, counts[state] ?? 0);
  }

  /** Pass as the payment client's `onBreakerStateChange`. */
  setBreakerState(breaker: string, state: BreakerState): void {
    for (const s of BREAKER_STATES) this.breakerState.set({ breaker, state: s }, s === state ? 1 : 0);
  }

  private readonly integrationPublished = new Counter({
    name: 'shop_integration_messages_published_total',
    help: 'Integration events the broker confirmed, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  private readonly integrationConfirmsFailed = new Counter({
    name: 'shop_integration_confirms_failed_total',
    help: 'Publishes the broker refused, returned as unroutable or never confirmed (each is retried)',
    registers: [this.registry],
  });

  recordIntegrationPublished(type: string): void {
    this.integrationPublished.inc({ type });
  }

  recordIntegrationConfirmFailed(): void {
    this.integrationConfirmsFailed.inc();
  }

  recordRateLimited(limit: string): void {
    this.rateLimitRejections.inc({ limit });
  }
}

/** `order-123` -> `order`: a bounded label instead of one series per stream. */
export const streamCategory = (streamName: string): string => {
  const dash = streamName.indexOf('-');
  return dash > 0 ? streamName.slice(0, dash) : streamName;
};

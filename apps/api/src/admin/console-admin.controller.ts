import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@shop/auth';
import { type AmqpConsumer, INBOUND_CONSUMER } from '@shop/integration';
import { InspectionService } from '@shop/inspection';
import { Metrics } from '@shop/observability';
import { ProjectionManager } from '@shop/projections';
import { traceHandlers } from './trace-handlers';

/** The roles that may use the operator console (and read the admin API). */
const OPERATOR_ROLES = ['admin', 'auditor'] as const;

/** What the operator console needs beyond the inspection and projection endpoints. */
@ApiTags('admin')
@Controller('admin')
export class ConsoleAdminController {
  constructor(
    private readonly metrics: Metrics,
    private readonly projections: ProjectionManager,
    private readonly inspection: InspectionService,
    @Inject(INBOUND_CONSUMER) private readonly consumer: AmqpConsumer | null,
  ) {}

  /** Any valid token may ask who it is: the console tells a customer why it is refused. */
  @Get('session')
  @ApiOperation({ summary: "The caller's subject and roles, and whether they may operate the console" })
  session(@CurrentUser() user: AuthUser) {
    return {
      sub: user.sub,
      roles: user.roles,
      operator: user.roles.some((role) => (OPERATOR_ROLES as readonly string[]).includes(role)),
      canChange: user.roles.includes('admin'),
    };
  }

  /**
   * Counters and states at this instant. The console draws rates from the difference of two samples, so
   * the server keeps no history. (/metrics has its own token and is meant for Prometheus, not browsers.)
   */
  @Get('overview')
  @ApiOperation({ summary: 'Command and append counters, projection lag, parked events, breakers, broker' })
  @Roles(...OPERATOR_ROLES)
  async overview() {
    const [commands, appends, breakers, published, confirmsFailed, statuses] = await Promise.all([
      this.values('shop_command_outcomes_total'),
      this.values('shop_eventstore_append_duration_seconds'),
      this.values('shop_circuit_breaker_state'),
      this.values('shop_integration_messages_published_total'),
      this.values('shop_integration_confirms_failed_total'),
      this.projections.status(),
    ]);
    const sum = (values: MetricValue[], metricName?: string) =>
      values.filter((v) => !metricName || v.metricName === metricName).reduce((n, v) => n + v.value, 0);
    return {
      at: new Date().toISOString(),
      commands: sum(commands),
      commandErrors: sum(commands.filter((v) => v.labels.outcome !== 'ok')),
      appends: sum(appends, 'shop_eventstore_append_duration_seconds_count'),
      projections: statuses.map((s) => ({
        name: s.name,
        kind: s.kind,
        state: s.state,
        lagEvents: s.lagEvents,
        lagMs: s.lagMs,
        parked: s.parked,
      })),
      parked: statuses.reduce((n, s) => n + s.parked, 0),
      breakers: Object.fromEntries(
        breakers.filter((v) => v.value === 1).map((v) => [String(v.labels.breaker), String(v.labels.state)]),
      ),
      broker: this.consumer
        ? {
            configured: true,
            published: sum(published),
            confirmsFailed: sum(confirmsFailed),
            // null: the broker did not answer (its breaker and the readiness check say why).
            deadLetters: await this.consumer.listDeadLetters(1000).then(
              (letters) => letters.length,
              () => null,
            ),
          }
        : { configured: false },
    };
  }

  /** For each event of a conversation: the projections and processors that applied, parked or await it. */
  @Get('traces/:correlationId/handlers')
  @ApiOperation({
    summary: 'Which projections and processors applied, parked or still await each traced event',
  })
  @Roles(...OPERATOR_ROLES)
  async traceHandlers(@Param('correlationId') correlationId: string) {
    const [trace, statuses] = await Promise.all([
      this.inspection.trace(correlationId),
      this.projections.status(),
    ]);
    const workers = this.projections.handlers();
    const parked = new Map(
      await Promise.all(
        workers.map(async (w) => {
          const entries = await this.projections.parked.list(w.name);
          return [w.name, new Set(entries.map((e) => e.id))] as const;
        }),
      ),
    );
    return { correlationId, events: traceHandlers(trace.tree, workers, statuses, parked) };
  }

  private async values(name: string): Promise<MetricValue[]> {
    const metric = this.metrics.registry.getSingleMetric(name);
    return metric ? (await metric.get()).values : [];
  }
}

interface MetricValue {
  value: number;
  metricName?: string;
  labels: Record<string, string | number | undefined>;
}

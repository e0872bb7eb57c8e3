import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '@shop/auth';
import { ReadinessIndicators } from '../readiness';

/** Liveness and readiness of any shop process: the API on its port, the worker on WORKER_PORT. */
@ApiTags('health')
@Public()
// Both named limiters (see @shop/http SkipRateLimits, which this library cannot import).
@SkipThrottle({ ip: true, user: true })
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessIndicators,
  ) {}

  /** Liveness: the process is up and its event loop answers. Never depends on other services. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness' })
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Readiness: EventStoreDB and MongoDB answer and no projection is stalled; 503 with details otherwise.
   * Third-party stalls, per-process rate limits and in-process live updates (Redis away) are reported, not
   * made fatal.
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness' })
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.readiness.eventStore(),
      () => this.readiness.mongo(),
      () => this.readiness.projections(),
      () => this.readiness.rateLimits(),
      () => this.readiness.liveUpdates(),
    ]);
  }
}

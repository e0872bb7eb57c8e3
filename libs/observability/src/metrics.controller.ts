import { Controller, Get, Header, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '@shop/auth';
import { ProjectionManager } from '@shop/projections';
import { Metrics } from './metrics';
import { MetricsAccessGuard } from './metrics-access.guard';

/** Prometheus scrape endpoint; outside JWT auth, behind its own token or loopback rule. */
@ApiExcludeController()
@Public()
@SkipThrottle()
@UseGuards(MetricsAccessGuard)
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly moduleRef: ModuleRef,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    await this.refreshProjections();
    return this.metrics.registry.metrics();
  }

  /** Projection lag and parked counts are read at scrape time, so they are never stale. */
  private async refreshProjections(): Promise<void> {
    let manager: ProjectionManager;
    try {
      manager = this.moduleRef.get(ProjectionManager, { strict: false });
    } catch {
      return;
    }
    try {
      this.metrics.setProjections(await manager.status());
    } catch {
      // A scrape still reports everything else while MongoDB is down; readiness reports the outage.
    }
  }
}

import { Controller, Get, Header, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '@shop/auth';
import { CHECKOUTS_COLLECTION } from '@shop/checkout';
import { MONGO_DB } from '@shop/mongo';
import { ProjectionManager } from '@shop/projections';
import { type Db } from 'mongodb';
import { Metrics } from './metrics';
import { MetricsAccessGuard } from './metrics-access.guard';

/** Prometheus scrape endpoint; outside JWT auth, behind its own token or loopback rule. */
@ApiExcludeController()
@Public()
// Both named limiters: a bare @SkipThrottle() only skips one named "default".
@SkipThrottle({ ip: true, user: true })
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
    await Promise.all([this.refreshProjections(), this.refreshCheckouts()]);
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

  /** Checkout process-manager instances by status, counted in its view (indexed by status) at scrape time. */
  private async refreshCheckouts(): Promise<void> {
    let db: Db;
    try {
      db = this.moduleRef.get<Db>(MONGO_DB, { strict: false });
    } catch {
      return;
    }
    try {
      const groups = await db
        .collection(CHECKOUTS_COLLECTION)
        .aggregate<{ _id: string; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }], {
          maxTimeMS: 2_000,
        })
        .toArray();
      this.metrics.setProcessStates('checkout', Object.fromEntries(groups.map((g) => [g._id, g.count])));
    } catch {
      // As above: the scrape never fails because a view cannot be read.
    }
  }
}

import { EventStoreDBClient, StreamNotFoundError } from '@eventstore/db-client';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { MONGO_DB } from '@shop/mongo';
import { ProjectionManager } from '@shop/projections';
import { type Db } from 'mongodb';
import {
  LIVE_UPDATES_STATUS,
  type LiveUpdatesStatus,
  RATE_LIMIT_STATUS,
  type RateLimitStatus,
} from './rate-limit-status';

const PROBE_TIMEOUT_MS = 2_000;

/** Rejects when `promise` has not settled in time: a probe must answer even when a server hangs. */
async function within<T>(promise: Promise<T>, ms = PROBE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

type Check = ReturnType<HealthIndicatorService['check']>;

const reason = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, 200);

/**
 * Readiness checks for /health/ready: EventStoreDB answers a read through the official client, MongoDB
 * answers `ping`, every projection and processor this process should run is running (here, or under another
 * live holder's lease), and none is stalled. Each probe is bounded, so a hung server reports as down.
 *
 * The endpoint is public (load balancers call it without credentials), so a failing check says only
 * `down`: why (the client's message, with hosts and ports) goes to the log, once per change.
 *
 * A worker stalled on a third party (the payment provider) does not make the process unready: taking every
 * replica off the load balancer would not bring the provider back and would stop catalog reads too. It is
 * reported as `degraded` instead, here and in the `shop_dependency_degraded` metric.
 */
@Injectable()
export class ReadinessIndicators {
  private readonly logger = new Logger('Readiness');
  private readonly lastReasons = new Map<string, string>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly health: HealthIndicatorService,
  ) {}

  /** Logs why a check failed when that changes (a probe every few seconds must not flood the log). */
  private down(check: Check, key: string, why: string, data?: Record<string, unknown>) {
    if (this.lastReasons.get(key) !== why) this.logger.warn(`${key} not ready: ${why}`);
    this.lastReasons.set(key, why);
    return check.down(data);
  }

  private up(check: Check, key: string, data?: Record<string, unknown>) {
    if (this.lastReasons.delete(key)) this.logger.log(`${key} ready again`);
    return check.up(data);
  }

  private find<T>(token: unknown): T | undefined {
    try {
      return this.moduleRef.get<T>(token as string, { strict: false });
    } catch {
      return undefined;
    }
  }

  async eventStore(): Promise<HealthIndicatorResult> {
    const check = this.health.check('eventstore');
    const client = this.find<EventStoreDBClient>(EventStoreDBClient);
    if (!client) return this.down(check, 'eventstore', 'no EventStoreDB client');
    try {
      // Reading a stream that does not exist costs the server nothing; "not found" proves it answered.
      const read = async () => {
        try {
          for await (const _ of client.readStream('$shop-readiness-probe', {
            maxCount: 1,
            deadline: PROBE_TIMEOUT_MS,
          }))
            break;
        } catch (error) {
          if (!(error instanceof StreamNotFoundError)) throw error;
        }
      };
      await within(read());
      return this.up(check, 'eventstore');
    } catch (error) {
      return this.down(check, 'eventstore', reason(error));
    }
  }

  async mongo(): Promise<HealthIndicatorResult> {
    const check = this.health.check('mongodb');
    const db = this.find<Db>(MONGO_DB);
    if (!db) return this.down(check, 'mongodb', 'no MongoDB client');
    try {
      await within(db.command({ ping: 1 }, { timeoutMS: PROBE_TIMEOUT_MS }));
      return this.up(check, 'mongodb');
    } catch (error) {
      return this.down(check, 'mongodb', reason(error));
    }
  }

  async projections(): Promise<HealthIndicatorResult> {
    const check = this.health.check('projections');
    const manager = this.find<ProjectionManager>(ProjectionManager);
    if (!manager) return check.up({ message: 'no projections in this process' });
    try {
      const ahead = await within(manager.divergence.check());
      if (ahead.length > 0) {
        const names = ahead.map((a) => a.name);
        return this.down(check, 'projections', `ahead of the event log: ${names.join(', ')}`, {
          aheadOfLog: names,
        });
      }
      const workers = await within(manager.readiness());
      if (!workers.ready)
        return this.down(check, 'projections', `not running: ${workers.waiting.join(', ')}`, {
          waiting: workers.waiting,
        });
      const statuses = await within(manager.status());
      const stalled = statuses.filter((s) => s.state === 'stalled');
      const own = stalled.filter((s) => !s.thirdParty).map((s) => s.name);
      if (own.length > 0)
        return this.down(check, 'projections', `stalled: ${own.join(', ')}`, { stalled: own });
      const degraded = stalled.map((s) => s.name);
      return this.up(check, 'projections', degraded.length > 0 ? { degraded } : undefined);
    } catch (error) {
      return this.down(check, 'projections', reason(error));
    }
  }

  /**
   * Where rate limits are counted. Never down: with Redis unreachable the limits fail open to per-process
   * counters (N processes then allow N budgets), reported as `degraded` with the reason.
   */
  rateLimits(): HealthIndicatorResult {
    const check = this.health.check('rateLimits');
    const status = this.find<RateLimitStatus>(RATE_LIMIT_STATUS)?.describe() ?? { store: 'in-process' };
    return check.up(status);
  }

  /**
   * How live updates travel: through Redis to every process, or (REDIS_URL unset, or Redis away) to this
   * process's subscribers only, reported as `degraded` with the reason; never fatal, like the rate limits.
   */
  liveUpdates(): HealthIndicatorResult {
    const check = this.health.check('liveUpdates');
    const status = this.find<LiveUpdatesStatus>(LIVE_UPDATES_STATUS)?.describe() ?? {
      transport: 'in-process',
    };
    return check.up(status);
  }
}

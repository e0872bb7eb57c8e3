import { EventStoreDBClient, StreamNotFoundError } from '@eventstore/db-client';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { MONGO_DB } from '@shop/mongo';
import { ProjectionManager } from '@shop/projections';
import { type Db } from 'mongodb';

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

const reason = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, 200);

/**
 * Readiness checks for /health/ready: EventStoreDB answers a read through the official client, MongoDB
 * answers `ping`, and no projection is stalled. Each probe is bounded, so a hung server reports as down.
 */
@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly health: HealthIndicatorService,
  ) {}

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
    if (!client) return check.down({ message: 'no EventStoreDB client' });
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
      return check.up();
    } catch (error) {
      return check.down({ message: reason(error) });
    }
  }

  async mongo(): Promise<HealthIndicatorResult> {
    const check = this.health.check('mongodb');
    const db = this.find<Db>(MONGO_DB);
    if (!db) return check.down({ message: 'no MongoDB client' });
    try {
      await within(db.command({ ping: 1 }, { timeoutMS: PROBE_TIMEOUT_MS }));
      return check.up();
    } catch (error) {
      return check.down({ message: reason(error) });
    }
  }

  async projections(): Promise<HealthIndicatorResult> {
    const check = this.health.check('projections');
    const manager = this.find<ProjectionManager>(ProjectionManager);
    if (!manager) return check.up({ message: 'no projections in this process' });
    try {
      const statuses = await within(manager.status());
      const stalled = statuses.filter((s) => s.state === 'stalled').map((s) => s.name);
      return stalled.length === 0 ? check.up() : check.down({ stalled });
    } catch (error) {
      return check.down({ message: reason(error) });
    }
  }
}

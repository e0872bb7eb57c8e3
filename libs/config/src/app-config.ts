import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import * as path from 'node:path';
import { type Environment, type LogLevel } from './environment';

/** Typed, validated view of the environment. Inject this instead of reading process.env. */
@Injectable()
export class AppConfig {
  constructor(private readonly config: ConfigService<Environment, true>) {}

  get port(): number {
    return this.config.get('PORT', { infer: true });
  }

  /** The worker process's health and metrics port. */
  get workerPort(): number {
    return this.config.get('WORKER_PORT', { infer: true });
  }

  get host(): string {
    return this.config.get('HOST', { infer: true });
  }

  get dataDir(): string {
    return path.resolve(this.config.get('DATA_DIR', { infer: true }));
  }

  get logLevel(): LogLevel {
    return this.config.get('LOG_LEVEL', { infer: true });
  }

  /** Undefined means: start the embedded EventStoreDB-compatible server. */
  get eventStoreUrl(): string | undefined {
    return this.config.get('EVENTSTORE_URL', { infer: true });
  }

  /** Undefined means: start the embedded MongoDB-compatible server. */
  get mongoUrl(): string | undefined {
    return this.config.get('MONGO_URL', { infer: true });
  }

  get currency(): string {
    return this.config.get('SHOP_CURRENCY', { infer: true });
  }

  /** The payment provider adapter's policies, and the simulator's behaviour when no provider URL is set. */
  get payment() {
    const get = <K extends keyof Environment>(key: K): Environment[K] =>
      this.config.get(key, { infer: true });
    return {
      providerUrl: get('PAYMENT_PROVIDER_URL'),
      timeoutMs: get('PAYMENT_TIMEOUT_MS'),
      retries: get('PAYMENT_RETRIES'),
      breakerThreshold: get('PAYMENT_BREAKER_THRESHOLD'),
      breakerHalfOpenAfterMs: get('PAYMENT_BREAKER_HALF_OPEN_MS'),
      bulkheadLimit: get('PAYMENT_BULKHEAD_LIMIT'),
      bulkheadQueue: get('PAYMENT_BULKHEAD_QUEUE'),
      simulator: {
        latencyMs: get('PAYMENT_SIM_LATENCY_MS'),
        failureRate: get('PAYMENT_SIM_FAILURE_RATE'),
        declineRate: get('PAYMENT_SIM_DECLINE_RATE'),
        outage: get('PAYMENT_SIM_OUTAGE'),
      },
    };
  }

  /** Embedded servers (those started for unset URLs) run with TLS, users and access control. */
  get embeddedSecure(): boolean {
    return this.config.get('EMBEDDED_SECURE', { infer: true });
  }

  /** Whether embedded EventStoreDB runs the system projections (EMBEDDED_SYSTEM_PROJECTIONS; unset: off). */
  get embeddedSystemProjections(): boolean {
    return this.config.get('EMBEDDED_SYSTEM_PROJECTIONS', { infer: true }) ?? false;
  }

  /** Whether this process runs the background workers (projections, process manager, jobs). */
  get runWorkers(): boolean {
    return this.config.get('RUN_WORKERS', { infer: true });
  }

  /** Integration events over RabbitMQ; `url` undefined: off. */
  get integration() {
    return {
      url: this.config.get('AMQP_URL', { infer: true }),
      exchange: this.config.get('AMQP_EXCHANGE', { infer: true }),
      source: this.config.get('INTEGRATION_SOURCE', { infer: true }),
      stockLowThreshold: this.config.get('STOCK_LOW_THRESHOLD', { infer: true }),
      inbound: {
        exchange: this.config.get('AMQP_INBOUND_EXCHANGE', { infer: true }),
        queue: this.config.get('AMQP_INBOUND_QUEUE', { infer: true }),
        prefetch: this.config.get('AMQP_PREFETCH', { infer: true }),
        maxAttempts: this.config.get('INBOUND_MAX_ATTEMPTS', { infer: true }),
        retryDelaysMs: this.config.get('INBOUND_RETRY_DELAYS_MS', { infer: true }).split(',').map(Number),
      },
    };
  }

  get mongoDatabase(): string {
    return this.config.get('MONGO_DB', { infer: true });
  }

  /** JWT verification: a shared secret (HS*), a PEM public key, or a JWKS URL; none set: embedded mode. */
  get jwt() {
    const get = <K extends keyof Environment>(key: K): Environment[K] =>
      this.config.get(key, { infer: true });
    return {
      secret: get('JWT_SECRET'),
      publicKey: get('JWT_PUBLIC_KEY'),
      jwksUrl: get('JWT_JWKS_URL'),
      algorithms: get('JWT_ALGORITHMS')?.split(','),
      issuer: get('JWT_ISSUER'),
      audience: get('JWT_AUDIENCE'),
      maxLifetimeSeconds: get('JWT_MAX_LIFETIME_SECONDS'),
    };
  }

  get metrics() {
    return {
      token: this.config.get('METRICS_TOKEN', { infer: true }),
      allowLoopback: this.config.get('METRICS_ALLOW_LOOPBACK', { infer: true }),
    };
  }

  get rateLimit() {
    return {
      windowMs: this.config.get('RATE_LIMIT_WINDOW_MS', { infer: true }),
      perUser: this.config.get('RATE_LIMIT_PER_USER', { infer: true }),
      perIp: this.config.get('RATE_LIMIT_PER_IP', { infer: true }),
      redisUrl: this.config.get('REDIS_URL', { infer: true }),
    };
  }

  get live() {
    return {
      redisUrl: this.config.get('REDIS_URL', { infer: true }),
      maxConnectionsPerUser: this.config.get('LIVE_MAX_CONNECTIONS_PER_USER', { infer: true }),
      queueLimit: this.config.get('LIVE_QUEUE_LIMIT', { infer: true }),
      heartbeatMs: this.config.get('LIVE_HEARTBEAT_MS', { infer: true }),
    };
  }

  get graphql() {
    return {
      ide: this.config.get('GRAPHQL_IDE', { infer: true }),
      maxDepth: this.config.get('GRAPHQL_MAX_DEPTH', { infer: true }),
      maxCost: this.config.get('GRAPHQL_MAX_COST', { infer: true }),
      maxSubscriptionsPerConnection: this.config.get('GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION', {
        infer: true,
      }),
    };
  }

  get http() {
    const origins = this.config.get('CORS_ORIGINS', { infer: true });
    return {
      bodyLimitBytes: this.config.get('BODY_LIMIT_BYTES', { infer: true }),
      requestTimeoutMs: this.config.get('REQUEST_TIMEOUT_MS', { infer: true }),
      corsOrigins: origins === undefined ? [] : origins.split(','),
    };
  }

  get startupTimeoutMs(): number {
    return this.config.get('STARTUP_TIMEOUT_MS', { infer: true });
  }
}

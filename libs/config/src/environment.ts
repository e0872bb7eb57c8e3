import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { parseTrustProxy } from './trust-proxy';
import { BooleanVariable, NumberVariable } from './variable-decorators';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable the services read, with its default. Unset EVENTSTORE_URL / MONGO_URL
 * mean "embedded": the process starts the project's own wire-compatible servers under DATA_DIR.
 */
export class Environment {
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^esdb(\+discover)?:\/\/[^\s]+$/, {
    message: 'EVENTSTORE_URL must be an esdb:// or esdb+discover:// URL',
  })
  EVENTSTORE_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^mongodb(\+srv)?:\/\/[^\s]+$/, {
    message: 'MONGO_URL must be a mongodb:// or mongodb+srv:// URL',
  })
  MONGO_URL?: string;

  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @IsInt({ message: 'PORT must be an integer between 0 and 65535' })
  @Min(0, { message: 'PORT must be an integer between 0 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 0 and 65535' })
  PORT = 3000;

  /** The worker process's own HTTP port: /health/live, /health/ready and /metrics (on HOST). */
  @NumberVariable('WORKER_PORT', 0, 65535, 3001)
  WORKER_PORT = 3001;

  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? '127.0.0.1')
  @IsString()
  @MinLength(1)
  HOST = '127.0.0.1';

  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? './data')
  @IsString()
  @MinLength(1, { message: 'DATA_DIR must not be empty' })
  DATA_DIR = './data';

  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? 'info')
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? 'shop')
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'MONGO_DB must be 1-63 letters, digits, _ or -' })
  MONGO_DB = 'shop';

  /** The one currency of the shop's prices (ISO 4217); prices never come with a client-chosen currency. */
  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? 'EUR')
  @Matches(/^[A-Z]{3}$/, { message: 'SHOP_CURRENCY must be a three-letter ISO 4217 code such as EUR' })
  SHOP_CURRENCY = 'EUR';

  /** Embedded servers in secure mode: TLS (CA generated into DATA_DIR/tls) and credentials, as production. */
  @BooleanVariable('EMBEDDED_SECURE', false)
  EMBEDDED_SECURE = false;

  /**
   * The embedded EventStoreDB runs the four standard system projections ($by_category, $by_event_type,
   * $stream_by_category, $streams). Unset: on for `npm run devstack` (the usual development node), off
   * for the API, worker and CLI, like the production node (docker-compose: RUN_PROJECTIONS None).
   */
  @IsOptional()
  @BooleanVariable('EMBEDDED_SYSTEM_PROJECTIONS', undefined)
  EMBEDDED_SYSTEM_PROJECTIONS?: boolean;

  /** Run projections, the checkout process manager and report jobs in this process (off: apps/worker does). */
  @BooleanVariable('RUN_WORKERS', true)
  RUN_WORKERS = true;

  /** The payment provider's base URL; unset: an in-process simulator (below) plays the provider. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'PAYMENT_PROVIDER_URL must be an http(s) URL' })
  PAYMENT_PROVIDER_URL?: string;

  @NumberVariable('PAYMENT_SIM_LATENCY_MS', 0, 60_000, 20)
  PAYMENT_SIM_LATENCY_MS = 20;

  @NumberVariable('PAYMENT_SIM_FAILURE_RATE', 0, 1, 0, false)
  PAYMENT_SIM_FAILURE_RATE = 0;

  @NumberVariable('PAYMENT_SIM_DECLINE_RATE', 0, 1, 0, false)
  PAYMENT_SIM_DECLINE_RATE = 0;

  @BooleanVariable('PAYMENT_SIM_OUTAGE', false)
  PAYMENT_SIM_OUTAGE = false;

  /** With external servers, the simulator replaces a missing PAYMENT_PROVIDER_URL only when this says so. */
  @BooleanVariable('PAYMENT_SIMULATE', false)
  PAYMENT_SIMULATE = false;

  @NumberVariable('PAYMENT_TIMEOUT_MS', 1, 120_000, 2_000)
  PAYMENT_TIMEOUT_MS = 2_000;

  @NumberVariable('PAYMENT_RETRIES', 0, 10, 3)
  PAYMENT_RETRIES = 3;

  @NumberVariable('PAYMENT_BREAKER_THRESHOLD', 1, 1_000, 5)
  PAYMENT_BREAKER_THRESHOLD = 5;

  @NumberVariable('PAYMENT_BREAKER_HALF_OPEN_MS', 1, 600_000, 5_000)
  PAYMENT_BREAKER_HALF_OPEN_MS = 5_000;

  @NumberVariable('PAYMENT_BULKHEAD_LIMIT', 1, 1_000, 10)
  PAYMENT_BULKHEAD_LIMIT = 10;

  @NumberVariable('PAYMENT_BULKHEAD_QUEUE', 0, 100_000, 100)
  PAYMENT_BULKHEAD_QUEUE = 100;

  // --- Integration events (libs/integration) ---

  /** RabbitMQ (amqp:// or amqps://, with credentials and vhost); unset: integration publishing is off. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^amqps?:\/\/[^\s]+$/, { message: 'AMQP_URL must be an amqp:// or amqps:// URL' })
  AMQP_URL?: string;

  /** The durable topic exchange integration events are published to (routing key = the event type). */
  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? 'shop.events')
  @Matches(/^[A-Za-z0-9_.:-]{1,255}$/, { message: 'AMQP_EXCHANGE must be 1-255 letters, digits, _ . : or -' })
  AMQP_EXCHANGE = 'shop.events';

  /** The CloudEvents `source` of every published message. */
  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? 'urn:eventshop:shop')
  @IsString()
  @MinLength(1)
  INTEGRATION_SOURCE = 'urn:eventshop:shop';

  /** The topic exchange partners (warehouse, payment provider) publish the events we consume to. */
  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? 'partners.events')
  @Matches(/^[A-Za-z0-9_.:-]{1,255}$/, {
    message: 'AMQP_INBOUND_EXCHANGE must be 1-255 letters, digits, _ . : or -',
  })
  AMQP_INBOUND_EXCHANGE = 'partners.events';

  /** This service's inbound queue; `<queue>.retry.<n>` and `<queue>.dlq` are declared next to it. */
  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? 'eventshop.inbound')
  @Matches(/^[A-Za-z0-9_.:-]{1,200}$/, {
    message: 'AMQP_INBOUND_QUEUE must be 1-200 letters, digits, _ . : or -',
  })
  AMQP_INBOUND_QUEUE = 'eventshop.inbound';

  /** Unacknowledged inbound messages in flight per consumer. */
  @NumberVariable('AMQP_PREFETCH', 1, 10_000, 16)
  AMQP_PREFETCH = 16;

  /** Deliveries of a failing inbound message before it is dead-lettered. */
  @NumberVariable('INBOUND_MAX_ATTEMPTS', 1, 100, 5)
  INBOUND_MAX_ATTEMPTS = 5;

  /** Delays before each retry of an inbound message, in ms, comma-separated (the last one repeats). */
  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? '1000,5000,30000')
  @Matches(/^\d{1,8}(,\d{1,8}){0,9}$/, {
    message: 'INBOUND_RETRY_DELAYS_MS must be 1-10 comma-separated delays in ms, e.g. 1000,5000,30000',
  })
  INBOUND_RETRY_DELAYS_MS = '1000,5000,30000';

  /** `shop.product.stock-low.v1` is published when a product's available quantity falls below this. */
  @NumberVariable('STOCK_LOW_THRESHOLD', 1, 1_000_000, 5)
  STOCK_LOW_THRESHOLD = 5;

  // --- Security (libs/auth, libs/http) ---

  /** HS256 signing secret shared with the token issuer. Unset (and no key below): embedded mode, a random
   * secret is generated once into DATA_DIR/jwt-secret and the CLI mints tokens with it. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** PEM public key (SPKI) of an external issuer; verification then uses RS256/ES256 (see JWT_ALGORITHMS). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/-----BEGIN PUBLIC KEY-----/, { message: 'JWT_PUBLIC_KEY must be a PEM "PUBLIC KEY"' })
  JWT_PUBLIC_KEY?: string;

  /** JWKS endpoint of an external issuer (keys fetched and cached by kid). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'JWT_JWKS_URL must be an http(s) URL' })
  JWT_JWKS_URL?: string;

  /** Accepted algorithms (comma-separated); by default HS256 with a secret, RS256,ES256 with a key/JWKS. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(
    /^(HS256|HS384|HS512|RS256|RS384|RS512|PS256|ES256|ES384|EdDSA)(,(HS256|HS384|HS512|RS256|RS384|RS512|PS256|ES256|ES384|EdDSA))*$/,
    {
      message: 'JWT_ALGORITHMS must be a comma-separated list such as RS256,ES256',
    },
  )
  JWT_ALGORITHMS?: string;

  /** With external servers, a secret generated into DATA_DIR replaces real JWT settings only when this says so. */
  @BooleanVariable('JWT_EMBEDDED_SECRET', false)
  JWT_EMBEDDED_SECRET = false;

  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? 'eventshop')
  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'eventshop';

  @Transform(({ value }: { value: unknown }) => emptyToUndefined({ value }) ?? 'eventshop-api')
  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'eventshop-api';

  /** Longest token lifetime accepted (exp - iat, seconds) and minted by the CLI. */
  @Transform(({ value }: { value: unknown }) =>
    value === undefined || value === '' ? 86_400 : Number(value),
  )
  @IsInt({ message: 'JWT_MAX_LIFETIME_SECONDS must be an integer between 60 and 31536000' })
  @Min(60, { message: 'JWT_MAX_LIFETIME_SECONDS must be an integer between 60 and 31536000' })
  @Max(31_536_000, { message: 'JWT_MAX_LIFETIME_SECONDS must be an integer between 60 and 31536000' })
  JWT_MAX_LIFETIME_SECONDS = 86_400;

  /** Bearer token required by GET /metrics; unset: only loopback callers (if METRICS_ALLOW_LOOPBACK). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  @BooleanVariable('METRICS_ALLOW_LOOPBACK', true)
  METRICS_ALLOW_LOOPBACK = true;

  /**
   * Redis for rate limits shared by every API process and for fanning live updates out to all of them
   * (redis:// or rediss://); unset: both per process.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^rediss?:\/\/[^\s]*$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Rate-limit window and the requests allowed in it, per user (JWT sub) and per client IP. */
  @NumberVariable('RATE_LIMIT_WINDOW_MS', 1_000, 3_600_000, 60_000)
  RATE_LIMIT_WINDOW_MS = 60_000;

  @NumberVariable('RATE_LIMIT_PER_USER', 1, 1_000_000, 600)
  RATE_LIMIT_PER_USER = 600;

  @NumberVariable('RATE_LIMIT_PER_IP', 1, 1_000_000, 1_200)
  RATE_LIMIT_PER_IP = 1_200;

  // --- Live updates (libs/live: SSE and subscriptions) ---

  /** Open live connections (SSE streams, WebSockets) one user may hold per API process. */
  @NumberVariable('LIVE_MAX_CONNECTIONS_PER_USER', 1, 10_000, 8)
  LIVE_MAX_CONNECTIONS_PER_USER = 8;

  /** Undelivered updates a live subscriber may have waiting; one more drops it as a slow consumer. */
  @NumberVariable('LIVE_QUEUE_LIMIT', 1, 100_000, 256)
  LIVE_QUEUE_LIMIT = 256;

  /** Keep-alive interval of live streams (SSE comment lines, WebSocket pings). */
  @NumberVariable('LIVE_HEARTBEAT_MS', 100, 300_000, 15_000)
  LIVE_HEARTBEAT_MS = 15_000;

  /** GraphiQL at /graphiql and schema introspection: off unless enabled (turn on for development). */
  @BooleanVariable('GRAPHQL_IDE', false)
  GRAPHQL_IDE = false;

  /** The deepest selection nesting a GraphQL operation may have. */
  @NumberVariable('GRAPHQL_MAX_DEPTH', 2, 50, 10)
  GRAPHQL_MAX_DEPTH = 10;

  /** The highest cost (estimated objects read) a GraphQL operation may have; see the README. */
  @NumberVariable('GRAPHQL_MAX_COST', 10, 1_000_000, 1_000)
  GRAPHQL_MAX_COST = 1_000;

  /** Subscriptions one GraphQL WebSocket may hold open at once (one more is refused, TOO_MANY_SUBSCRIPTIONS). */
  @NumberVariable('GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION', 1, 10_000, 20)
  GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;

  /** Largest accepted request body. */
  @NumberVariable('BODY_LIMIT_BYTES', 1_024, 50 * 1_048_576, 102_400)
  BODY_LIMIT_BYTES = 102_400;

  /** A handler slower than this answers 503 (the client may retry with its Idempotency-Key). */
  @NumberVariable('REQUEST_TIMEOUT_MS', 100, 600_000, 30_000)
  REQUEST_TIMEOUT_MS = 30_000;

  /** Which peers may set X-Forwarded-For/-Proto/-Host (see parseTrustProxy); unset: none. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @ValidateBy({
    name: 'trustProxy',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseTrustProxy(value) !== undefined,
      defaultMessage: () =>
        'TRUST_PROXY must be true, false, a hop count, or a comma-separated list of addresses, CIDRs, loopback, linklocal or uniquelocal',
    },
  })
  TRUST_PROXY?: string;

  /** Origins allowed by CORS (comma-separated, or *); unset: no cross-origin access. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^(\*|https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*)$/, {
    message: 'CORS_ORIGINS must be * or a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS?: string;

  /** How long startup keeps retrying EventStoreDB and MongoDB before giving up. */
  @NumberVariable('STARTUP_TIMEOUT_MS', 0, 3_600_000, 60_000)
  STARTUP_TIMEOUT_MS = 60_000;

  // --- Tracing: the OpenTelemetry SDK reads the standard OTEL_* variables itself; listed to validate them ---

  /** OTLP/HTTP collector, e.g. http://otel-collector:4318; unset (and no OTEL_TRACES_EXPORTER): tracing off. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['otlp', 'console', 'none'], { message: 'OTEL_TRACES_EXPORTER must be otlp, console or none' })
  OTEL_TRACES_EXPORTER?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  OTEL_SERVICE_NAME?: string;
}

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/** Validates raw environment variables; throws InvalidEnvironmentError naming every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new InvalidEnvironmentError(
      errors.map((e) => ({
        variable: e.property,
        message: [...new Set(Object.values(e.constraints ?? {}))].join('; ') || 'is invalid',
      })),
    );
  }
  return env;
}

/** Names of every variable the schema knows, read from its validation metadata. */
export function environmentVariableNames(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(Environment, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))].sort();
}

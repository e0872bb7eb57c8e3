import { environmentVariableNames, InvalidEnvironmentError, validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('applies defaults when nothing is set (embedded mode)', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: './data',
      LOG_LEVEL: 'info',
      MONGO_DB: 'shop',
    });
    expect(env.EVENTSTORE_URL).toBeUndefined();
    expect(env.MONGO_URL).toBeUndefined();
  });

  it('parses EMBEDDED_SECURE as a boolean, off by default', () => {
    expect(validateEnvironment({}).EMBEDDED_SECURE).toBe(false);
    expect(validateEnvironment({ EMBEDDED_SECURE: 'true' }).EMBEDDED_SECURE).toBe(true);
  });

  it('parses EMBEDDED_SYSTEM_PROJECTIONS as a boolean, unset when not given (each app has its default)', () => {
    expect(validateEnvironment({}).EMBEDDED_SYSTEM_PROJECTIONS).toBeUndefined();
    expect(validateEnvironment({ EMBEDDED_SYSTEM_PROJECTIONS: 'on' }).EMBEDDED_SYSTEM_PROJECTIONS).toBe(true);
    expect(validateEnvironment({ EMBEDDED_SYSTEM_PROJECTIONS: 'false' }).EMBEDDED_SYSTEM_PROJECTIONS).toBe(
      false,
    );
    expect(() => validateEnvironment({ EMBEDDED_SYSTEM_PROJECTIONS: 'maybe' })).toThrow(
      /EMBEDDED_SYSTEM_PROJECTIONS must be true or false/,
    );
  });

  it('parses RUN_WORKERS as a boolean', () => {
    expect(validateEnvironment({}).RUN_WORKERS).toBe(true);
    expect(validateEnvironment({ RUN_WORKERS: 'false' }).RUN_WORKERS).toBe(false);
    expect(validateEnvironment({ RUN_WORKERS: '1' }).RUN_WORKERS).toBe(true);
  });

  it('treats empty URLs as unset', () => {
    const env = validateEnvironment({ EVENTSTORE_URL: '', MONGO_URL: ' ' });
    expect(env.EVENTSTORE_URL).toBeUndefined();
    expect(env.MONGO_URL).toBeUndefined();
  });

  it('accepts production URLs and parses the port', () => {
    const env = validateEnvironment({
      EVENTSTORE_URL: 'esdb://eventstore:2113?tls=false',
      MONGO_URL: 'mongodb://mongo:27017/?replicaSet=rs0',
      PORT: '8080',
      LOG_LEVEL: 'debug',
    });
    expect(env).toMatchObject({
      PORT: 8080,
      LOG_LEVEL: 'debug',
      EVENTSTORE_URL: 'esdb://eventstore:2113?tls=false',
    });
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['EVENTSTORE_URL', { EVENTSTORE_URL: 'http://localhost:2113' }],
    ['MONGO_URL', { MONGO_URL: 'postgres://x' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['MONGO_DB', { MONGO_DB: 'a b' }],
    ['RUN_WORKERS', { RUN_WORKERS: 'maybe' }],
    ['SHOP_CURRENCY', { SHOP_CURRENCY: 'euro' }],
  ])('rejects a malformed %s and names it', (variable, raw) => {
    expect(() => validateEnvironment(raw)).toThrow(InvalidEnvironmentError);
    try {
      validateEnvironment(raw);
    } catch (e) {
      expect((e as InvalidEnvironmentError).problems.map((p) => p.variable)).toEqual([variable]);
      expect((e as Error).message).toContain(variable);
    }
  });
});

describe('environmentVariableNames', () => {
  it('lists every variable of the schema', () => {
    expect(environmentVariableNames()).toEqual(
      expect.arrayContaining([
        'DATA_DIR',
        'EVENTSTORE_URL',
        'HOST',
        'LOG_LEVEL',
        'MONGO_DB',
        'MONGO_URL',
        'PORT',
        'RUN_WORKERS',
      ]),
    );
  });
});

describe('security and observability variables', () => {
  it('defaults to embedded auth, loopback-only metrics, bounded bodies and timeouts', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({
      JWT_ISSUER: 'eventshop',
      JWT_AUDIENCE: 'eventshop-api',
      METRICS_ALLOW_LOOPBACK: true,
      RATE_LIMIT_WINDOW_MS: 60_000,
      RATE_LIMIT_PER_USER: 600,
      RATE_LIMIT_PER_IP: 1_200,
      BODY_LIMIT_BYTES: 102_400,
      REQUEST_TIMEOUT_MS: 30_000,
      STARTUP_TIMEOUT_MS: 60_000,
    });
    expect(env.JWT_SECRET).toBeUndefined();
    expect(env.METRICS_TOKEN).toBeUndefined();
    expect(env.CORS_ORIGINS).toBeUndefined();
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });

  it('accepts production settings', () => {
    const env = validateEnvironment({
      JWT_JWKS_URL: 'https://issuer.example/.well-known/jwks.json',
      JWT_ALGORITHMS: 'RS256,ES256',
      CORS_ORIGINS: 'https://shop.example,https://admin.example',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      METRICS_TOKEN: 'a-long-metrics-token',
    });
    expect(env.JWT_ALGORITHMS).toBe('RS256,ES256');
  });

  it.each([
    ['JWT_SECRET', { JWT_SECRET: 'short' }],
    ['JWT_PUBLIC_KEY', { JWT_PUBLIC_KEY: 'not a pem' }],
    ['JWT_ALGORITHMS', { JWT_ALGORITHMS: 'none' }],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'x' }],
    ['RATE_LIMIT_PER_USER', { RATE_LIMIT_PER_USER: '0' }],
    ['BODY_LIMIT_BYTES', { BODY_LIMIT_BYTES: 'big' }],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'shop.example' }],
    ['OTEL_TRACES_EXPORTER', { OTEL_TRACES_EXPORTER: 'zipkin' }],
  ])('rejects a malformed %s', (variable, raw) => {
    try {
      validateEnvironment(raw);
      throw new Error('expected a validation error');
    } catch (e) {
      expect((e as InvalidEnvironmentError).problems.map((p) => p.variable)).toEqual([variable]);
    }
  });
});

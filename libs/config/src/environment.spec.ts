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

import { Test } from '@nestjs/testing';
import type { AppConfig } from './app-config';

describe('AppConfig', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    jest.resetModules();
  });

  const load = async (env: Record<string, string>): Promise<AppConfig> => {
    Object.assign(process.env, env);
    // The module reads the environment when it is first loaded, as in a process that starts.
    const { AppConfigModule } = await import('./app-config.module');
    const { AppConfig: Config } = await import('./app-config');
    const moduleRef = await Test.createTestingModule({ imports: [AppConfigModule] }).compile();
    return moduleRef.get(Config);
  };

  it('treats a variable set to the empty string as unset (compose passes `${X:-}` that way)', async () => {
    const config = await load({ MONGO_URL: '', EVENTSTORE_URL: '', PORT: '', WORKER_PORT: '' });
    expect(config.mongoUrl).toBeUndefined();
    expect(config.eventStoreUrl).toBeUndefined();
    expect(config.port).toBe(3000);
    expect(config.workerPort).toBe(3001);
  });

  it('reads set values as validated', async () => {
    const config = await load({ MONGO_URL: 'mongodb://db:27017/?replicaSet=rs0', WORKER_PORT: '9464' });
    expect(config.mongoUrl).toBe('mongodb://db:27017/?replicaSet=rs0');
    expect(config.workerPort).toBe(9464);
  });
});

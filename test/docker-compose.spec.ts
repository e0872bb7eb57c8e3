import { environmentVariableNames, validateEnvironment } from '@shop/config';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/**
 * There is no Docker engine on the build machines, so docker-compose.yml and the Dockerfile are checked
 * against the application itself: a drift here fails the build instead of the first production deploy.
 */
interface ComposeService {
  image?: string;
  profiles?: string[];
  command?: string[];
  build?: { context: string; target: string };
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const root = path.resolve(__dirname, '..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const stringEnv = (service: ComposeService | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(service?.environment ?? {}).map(([k, v]) => [k, String(v)]));
const appServices = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes('app'));

describe('docker-compose.yml', () => {
  it('runs EventStoreDB insecure single-node on 2113 with a volume and a healthcheck', () => {
    const esdb = compose.services.eventstore;
    expect(esdb?.image).toMatch(
      /^(eventstore\/eventstore|kurrentplatform\/kurrentdb|docker\.kurrent\.io\/.+):/,
    );
    expect(esdb?.environment).toMatchObject({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_CLUSTER_SIZE: 1 });
    expect(esdb?.ports).toContain('2113:2113');
    expect(esdb?.healthcheck?.test.join(' ')).toContain('/health/live');
  });

  it('runs MongoDB 7 as a replica set initiated by its healthcheck', () => {
    const mongo = compose.services.mongo;
    expect(mongo?.image).toMatch(/^mongo:7/);
    expect(mongo?.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(mongo?.healthcheck?.test.join(' ')).toContain('rs.initiate');
    expect(mongo?.ports).toContain('27017:27017');
  });

  it('puts the app services under the app profile', () => {
    expect(appServices.map(([name]) => name)).toEqual(expect.arrayContaining(['api', 'worker']));
  });

  it('runs the workers in exactly one kind of service', () => {
    const api = validateEnvironment(stringEnv(compose.services.api));
    const worker = validateEnvironment(stringEnv(compose.services.worker));
    expect(api.RUN_WORKERS).toBe(false);
    expect(worker.RUN_WORKERS).toBe(true);
  });

  it.each(appServices)(
    '%s builds from the Dockerfile and runs a compiled app entry point',
    (_name, service) => {
      expect(dockerfile).toMatch(new RegExp(`^FROM .+ AS ${service.build?.target ?? '<none>'}$`, 'm'));
      const entry = service.command?.find((arg) => arg.startsWith('dist/'));
      expect(entry).toBeDefined();
      const source = entry!.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(fs.existsSync(path.join(root, source))).toBe(true);
    },
  );

  it.each(appServices)(
    '%s is configured only with variables the app knows, and they validate',
    (_name, service) => {
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]),
      );
      const known = environmentVariableNames();
      expect(Object.keys(env).filter((name) => !known.includes(name))).toEqual([]);
      const parsed = validateEnvironment(env);

      // It points at the compose infrastructure, not at the embedded servers.
      expect(parsed.EVENTSTORE_URL).toBe(`esdb://eventstore:2113?tls=false`);
      expect(parsed.MONGO_URL).toMatch(/^mongodb:\/\/mongo:27017\/\?replicaSet=rs0$/);
      // HTTP services listen on all interfaces at the port they publish.
      if (service.ports) {
        expect(parsed.HOST).toBe('0.0.0.0');
        expect(service.ports).toContain(`${parsed.PORT}:${parsed.PORT}`);
      }
      expect(service.depends_on).toMatchObject({
        eventstore: { condition: 'service_healthy' },
        mongo: { condition: 'service_healthy' },
      });
    },
  );
});

describe('Dockerfile', () => {
  it('is multi-stage and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('npm ci');
    expect(dockerfile).toContain('npm prune --omit=dev');
  });
});

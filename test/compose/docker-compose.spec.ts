import {
  assertExplicitProductionSettings,
  environmentVariableNames,
  type InvalidEnvironmentError,
  validateEnvironment,
} from '@shop/config';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runInNewContext } from 'node:vm';
import { parse } from 'yaml';
import { interpolateDocument } from './interpolate';

/**
 * There is no Docker engine on the build machines, so docker-compose.yml and the Dockerfile are checked
 * against the application itself: a drift here fails the build instead of the first production deploy.
 */
interface ComposeService {
  image?: string;
  restart?: string;
  pull_policy?: string;
  profiles?: string[];
  command?: string[];
  build?: { context: string; target: string };
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
type Compose = { services: Record<string, ComposeService> };

const root = path.resolve(__dirname, '../..');
const raw = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
/** What `docker compose up -d` sees with nothing set: it interpolates every profile before applying any. */
const compose = interpolateDocument(raw, {});
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const stringEnv = (service: ComposeService | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(service?.environment ?? {}).map(([k, v]) => [k, String(v)]));
const appServices = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes('app'));
const infraServices = Object.entries(compose.services).filter(([, s]) => !s.profiles);

describe('docker-compose.yml', () => {
  it('interpolates with an empty environment (docker compose up -d needs no variables)', () => {
    expect(() => interpolateDocument(raw, {})).not.toThrow();
  });

  it('runs EventStoreDB insecure single-node on 2113 with a volume and a healthcheck', () => {
    const esdb = compose.services.eventstore;
    expect(esdb?.image).toMatch(
      /^(eventstore\/eventstore|kurrentplatform\/kurrentdb|docker\.kurrent\.io\/.+):/,
    );
    expect(esdb?.environment).toMatchObject({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_CLUSTER_SIZE: 1 });
    expect(esdb?.healthcheck?.test.join(' ')).toContain('/health/live');
  });

  it('runs MongoDB 7 as a replica set', () => {
    const mongo = compose.services.mongo;
    expect(mongo?.image).toMatch(/^mongo:7/);
    expect(mongo?.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
  });

  it.each(infraServices)('%s (no authentication) is published on 127.0.0.1 only', (_name, service) => {
    expect(service.ports?.length).toBeGreaterThan(0);
    for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it.each(Object.entries(compose.services))('%s restarts after a crash or a reboot', (_name, service) => {
    expect(['always', 'unless-stopped', 'on-failure']).toContain(service.restart);
  });

  describe('the MongoDB healthcheck (its mongosh script, run against a stand-in shell)', () => {
    const script = compose.services.mongo?.healthcheck?.test.at(-1) ?? '';
    const run = (node: { initiated: boolean; primary: boolean }) => {
      const initiated: unknown[] = [];
      let exit = 0;
      const rs = {
        status: () => {
          if (!node.initiated) throw new Error('no replset config has been received');
          return { ok: 1 };
        },
        initiate: (config: unknown) => {
          initiated.push(config);
          return { ok: 1 };
        },
      };
      const db = { hello: () => ({ isWritablePrimary: node.primary }) };
      const quit = (code = 0) => {
        exit = code;
        throw new Error('quit');
      };
      try {
        runInNewContext(script, { rs, db, quit });
      } catch (error) {
        if ((error as Error).message !== 'quit') exit = 1; // an uncaught error exits mongosh with 1
      }
      return { exit, initiated };
    };

    it('initiates the replica set with the member the containers resolve, and is not yet healthy', () => {
      const { exit, initiated } = run({ initiated: false, primary: false });
      expect(initiated).toEqual([{ _id: 'rs0', members: [{ _id: 0, host: 'mongo:27017' }] }]);
      expect(exit).not.toBe(0);
    });

    it('fails while the node is not PRIMARY, passes once it is', () => {
      expect(run({ initiated: true, primary: false })).toEqual({ exit: 1, initiated: [] });
      expect(run({ initiated: true, primary: true })).toEqual({ exit: 0, initiated: [] });
    });
  });

  it('puts the app services under the app profile', () => {
    expect(appServices.map(([name]) => name)).toEqual(expect.arrayContaining(['api', 'worker']));
  });

  it('builds the app image once; every app service runs that image', () => {
    const built = appServices.filter(([, s]) => s.build);
    expect(built.map(([name]) => name)).toEqual(['api']);
    const image = built[0]?.[1].image;
    expect(image).toBeDefined();
    for (const [, service] of appServices) {
      expect(service.image).toBe(image);
      if (!service.build) expect(service.pull_policy).toBe('never');
    }
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
      const target = appServices.find(([, s]) => s.build)?.[1].build?.target ?? '<none>';
      expect(dockerfile).toMatch(new RegExp(`^FROM .+ AS ${target}$`, 'm'));
      const entry = service.command?.find((arg) => arg.startsWith('dist/'));
      expect(entry).toBeDefined();
      const source = entry!.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(fs.existsSync(path.join(root, source))).toBe(true);
    },
  );

  it.each(appServices)(
    '%s is configured only with variables the app knows, and they validate',
    (_name, service) => {
      const env = stringEnv(service);
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

  it('with nothing set, the app services refuse to start naming what is missing (not compose)', () => {
    const problems = (name: string, needs: { tokens: boolean; payments: boolean }) => {
      try {
        assertExplicitProductionSettings(validateEnvironment(stringEnv(compose.services[name])), needs);
        return [];
      } catch (error) {
        return (error as InvalidEnvironmentError).problems.map((p) => p.variable);
      }
    };
    expect(problems('api', { tokens: true, payments: false })).toEqual(['JWT_SECRET']);
    expect(problems('worker', { tokens: false, payments: true })).toEqual(['PAYMENT_PROVIDER_URL']);
  });

  it('passes real settings from the environment through to the app services', () => {
    const configured = interpolateDocument(raw, {
      JWT_SECRET: 's'.repeat(40),
      PAYMENT_PROVIDER_URL: 'https://psp.example',
      TRUST_PROXY: '10.0.0.0/8',
    });
    const api = validateEnvironment(stringEnv(configured.services.api));
    const worker = validateEnvironment(stringEnv(configured.services.worker));
    expect(() => assertExplicitProductionSettings(api, { tokens: true, payments: false })).not.toThrow();
    expect(() => assertExplicitProductionSettings(worker, { tokens: false, payments: true })).not.toThrow();
    expect(api.TRUST_PROXY).toBe('10.0.0.0/8');
  });
});

describe("README's host workflow against the compose infrastructure", () => {
  const line = readme.split('\n').find((l) => /^EVENTSTORE_URL=.*npm start$/.test(l));
  const hostEnv: Record<string, string> = Object.fromEntries(
    [...(line ?? '').matchAll(/([A-Z_]+)=('[^']*'|\S+)/g)].map((m) => [
      m[1] ?? '',
      (m[2] ?? '').replace(/^'|'$/g, ''),
    ]),
  );
  const published = (service: string) =>
    (compose.services[service]?.ports ?? []).map((p) => p.split(':').slice(0, 2).join(':'));

  it('is documented as one command line', () => {
    expect(line).toBeDefined();
  });

  it('connects to MongoDB directly: the replica set member name resolves only inside compose', () => {
    const url = new URL(hostEnv.MONGO_URL ?? '');
    expect(url.searchParams.get('directConnection')).toBe('true');
    expect(published('mongo')).toContain(`${url.hostname}:${url.port}`);
  });

  it('reaches EventStoreDB on its published address', () => {
    const url = new URL((hostEnv.EVENTSTORE_URL ?? '').replace(/^esdb:/, 'http:'));
    expect(published('eventstore')).toContain(`${url.hostname}:${url.port}`);
  });

  it('validates and opts in to the stand-ins explicitly', () => {
    const env = validateEnvironment(hostEnv);
    expect(() => assertExplicitProductionSettings(env, { tokens: true, payments: true })).not.toThrow();
  });
});

describe('Dockerfile', () => {
  it('is multi-stage and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('npm ci');
    expect(dockerfile).toContain('npm prune --omit=dev');
  });
});

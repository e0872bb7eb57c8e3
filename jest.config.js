// Jest runs TypeScript through SWC: type-stripping only (tsc does the type checking), with legacy
// decorators and decorator metadata so Nest dependency injection works exactly as in the build.
const fs = require('node:fs');
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.json');
const { probeServices } = require('./test/services');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// Path aliases come from tsconfig.json so a new lib is registered in exactly one place.
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

// mercurius loads quick-lru (ES module only) with import(), which Jest's CommonJS runtime cannot run: both compiled.
const esmOnlyPackages = ['content-disposition', 'mercurius', 'quick-lru'];

const project = (displayName, testMatch, extra = {}) => ({
  displayName,
  testMatch,
  rootDir: __dirname,
  roots: ['apps', 'libs', 'test']
    .filter((dir) => fs.existsSync(path.join(__dirname, dir)))
    .map((dir) => `<rootDir>/${dir}`),
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  // Jest's CommonJS runtime cannot require ES-module-only packages, which Node itself can: those few
  // are compiled to CommonJS by SWC like our own code. Everything else in node_modules is left alone.
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['<rootDir>/test/jest-env.js'],
  ...extra,
});

// Tests against the real RabbitMQ and Redis (*.services-spec.ts): their own project, run when both answer.
const servicesProject = () => {
  const { missing } = probeServices();
  if (missing.length === 0)
    return [project('services', ['**/*.services-spec.ts'], { slowTestThreshold: 30 })];
  const names = missing.map((s) => `${s.name} at ${s.host}:${s.port} (${s.env})`).join(' and ');
  if (process.env.SHOP_REQUIRE_SERVICES === 'true') {
    throw new Error(`The services tests need ${names}, which did not answer.`);
  }
  process.stderr.write(`services tests skipped: ${names} unreachable\n`);
  return [project('services', [])];
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('unit', ['**/*.spec.ts']),
    project('int', ['**/*.int-spec.ts'], { slowTestThreshold: 30 }),
    project('e2e', ['**/*.e2e-spec.ts'], { slowTestThreshold: 30 }),
    project('reliability', ['**/*.reliability-spec.ts'], { slowTestThreshold: 120 }),
    ...servicesProject(),
  ],
  testTimeout: 60_000,
};

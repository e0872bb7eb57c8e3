// Jest runs TypeScript through SWC: type-stripping only (tsc does the type checking), with legacy
// decorators and decorator metadata so Nest dependency injection works exactly as in the build.
const { compilerOptions } = require('./tsconfig.json');

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

const project = (displayName, testMatch, extra = {}) => ({
  displayName,
  testMatch,
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json'],
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('unit', ['**/*.spec.ts']),
    project('int', ['**/*.int-spec.ts'], { slowTestThreshold: 30 }),
    project('e2e', ['**/*.e2e-spec.ts'], { slowTestThreshold: 30 }),
  ],
  testTimeout: 60_000,
};

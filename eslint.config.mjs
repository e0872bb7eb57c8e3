// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Packages the framework-free kernel and the domain libs must never import. */
const frameworkImports = {
  patterns: [
    {
      group: ['@nestjs/*', 'nestjs-*', 'nest-commander'],
      message: 'Kernel and domain libs are framework-free.',
    },
    { group: ['mongodb', 'mongodb/*', 'bson'], message: 'Kernel and domain libs never talk to MongoDB.' },
    { group: ['@eventstore/*', '@grpc/*'], message: 'Kernel and domain libs never talk to EventStoreDB.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'bench/results/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@shop/*/src/*', '../../libs/*'],
              message: 'Import a lib through its alias, never by deep path.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'libs/event-sourcing/**/*.ts',
      'libs/inventory/**/*.ts',
      'libs/ordering/**/*.ts',
      'libs/payments/**/*.ts',
      'libs/reporting/**/*.ts',
      'libs/checkout/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', frameworkImports] },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/*.services-spec.ts',
      '**/testing/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The spec-test runner interprets untyped JSON test files: `any` is the honest type there.
    files: ['libs/embedded-mongo/src/testing/spec/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);

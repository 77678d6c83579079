import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.data/**',
      '**/__generated__/**',
      // graphql-codegen output (`pnpm codegen`); `pnpm codegen:check` guards it instead.
      'subgraphs/*/src/generated/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      'max-params': ['error', 4],
      // Only env.ts files (and tests choosing targets) read the environment.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration in env.ts via @shop/config.',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@shop/*/src/*', '**/subgraphs/*/src/*'],
              message: 'Import packages by name, not their files.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      '**/env.ts',
      '**/*.test.ts',
      '**/*.e2e.ts',
      '**/e2e/**',
      '**/test/**',
      'bench/**',
      '**/scripts/**',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Production code logs through @shop/log, which redacts secrets (SQL parameters, password
    // hashes, tokens, emails) at the logger. Command-line tools print to their terminal.
    files: ['gateway/src/**/*.ts', 'subgraphs/*/src/**/*.ts', 'infra/*/src/**/*.ts'],
    ignores: ['infra/scaffold/**', '**/*cli.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);

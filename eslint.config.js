import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SUBGRAPHS = readdirSync(`${import.meta.dirname}/subgraphs`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** A subgraph package by name (`@shop/<name>-subgraph`), or a path into a subgraph's folder. */
const subgraphImports = (message, except) => {
  const others = SUBGRAPHS.filter((name) => name !== except).join('|');
  return [
    { regex: `^@shop/(${others})-subgraph(/|$)`, message },
    { regex: `(^|/)subgraphs/(${others})(/|$)`, message },
    // From inside subgraphs/<except>/: `../../<other>/…` and deeper.
    ...(except ? [{ regex: `^(\\.\\./)+(${others})/`, message }] : []),
  ];
};

/** `no-restricted-imports` with the repo-wide pattern and the boundary patterns of a folder. */
const restrictImports = (...patterns) => [
  'error',
  {
    patterns: [
      {
        group: ['@shop/*/src/*', '**/subgraphs/*/src/*'],
        message: 'Import packages by name, not their files.',
      },
      ...patterns,
    ],
  },
];

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
      // `pnpm deploy:aws:synth` output (CloudFormation and bundled custom-resource code).
      '**/cdk.out/**',
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
      'no-restricted-imports': restrictImports(),
    },
  },
  // Boundaries: no subgraph imports another, infra imports no subgraph (nor the gateway), the
  // gateway imports no subgraph. Only apps/ (the all-in-one runner and the suites that start the
  // whole graph) and tools/ put subgraphs together.
  ...SUBGRAPHS.map((name) => ({
    files: [`subgraphs/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': restrictImports(
        ...subgraphImports(
          `A subgraph imports no other subgraph (call it through the graph).`,
          name,
        ),
      ),
    },
  })),
  {
    files: ['infra/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        ...subgraphImports('infra imports no subgraph.'),
        { regex: '^@shop/gateway(/|$)', message: 'infra does not import the gateway.' },
        { regex: '(^|/)gateway/', message: 'infra does not import the gateway.' },
      ),
    },
  },
  {
    files: ['gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        ...subgraphImports('The gateway imports no subgraph.'),
      ),
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
    ignores: ['tools/scaffold/**', '**/*cli.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);

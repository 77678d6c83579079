import { defineConfig } from 'vitest/config';

// Projects are chosen by file suffix: `*.test.ts` are unit/integration tests next to the code,
// `*.e2e.ts` start the whole graph and talk to the gateway over HTTP.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{infra,subgraphs,gateway,schema}/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['gateway/e2e/**/*.e2e.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

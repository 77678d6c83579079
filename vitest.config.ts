import { defineConfig } from 'vitest/config';

// Projects are chosen by file suffix: `*.test.ts` are unit/integration tests next to the code,
// `*.e2e.ts` start the whole graph and talk to the gateway over HTTP, `*.rel.ts` are the
// reliability suite (attacks, faults, load) against the whole graph.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,infra,tools,subgraphs,gateway,schema}/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['apps/embedded/e2e/**/*.e2e.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // SECURITY.md §6 (A, B, C, E): attacks, faults, auth and load with an error budget,
          // each bounded in time and sending traffic to 127.0.0.1 only. `pnpm reliability`.
          name: 'reliability',
          include: ['apps/embedded/reliability/**/*.rel.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

// Projects are chosen by file suffix: `*.test.ts` are unit/integration tests next to the code,
// `*.e2e.ts` start the whole graph and talk to the gateway over HTTP, `*.rel.ts` are the
// reliability suite (attacks, faults, load) against the whole graph, `*.cluster.ts` the cluster
// suite (`pnpm test:cluster` only).
const clusterRequested = process.argv.some(
  (arg, i) =>
    arg === '--project=cluster' || (arg === 'cluster' && process.argv[i - 1] === '--project'),
);

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,infra,tools,subgraphs,gateway,schema,deploy}/**/*.test.ts'],
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
          // docs/SECURITY.md §6 (A, B, C, E): attacks, faults, auth and load with an error budget,
          // each bounded in time and sending traffic to 127.0.0.1 only. `pnpm reliability`.
          name: 'reliability',
          include: ['apps/embedded/reliability/**/*.rel.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      // The cluster suite (issue 17) starts every service as several OS processes: it is not
      // part of `pnpm test`; it runs only when asked for by name (`pnpm test:cluster`, which is
      // `vitest run --project cluster`, also run by `.ci/run` after the tests).
      ...(clusterRequested
        ? [
            {
              test: {
                name: 'cluster',
                include: ['apps/cluster/cluster/**/*.cluster.ts'],
                exclude: ['**/node_modules/**'],
                testTimeout: 240_000,
                hookTimeout: 240_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});

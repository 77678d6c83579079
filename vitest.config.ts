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
          // Files share their worker's module cache (`isolate: false`): importing the graph's
          // modules once per worker instead of once per file saves about a third of the wall time.
          // A test must therefore leave no global state behind; one that replaces a module with
          // `vi.mock` is named `*.mocked.test.ts` and runs isolated (the next project).
          name: 'unit',
          include: ['{apps,infra,tools,subgraphs,gateway,schema,deploy}/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.mocked.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          isolate: false,
        },
      },
      {
        test: {
          name: 'unit-mocked',
          include: ['{apps,infra,tools,subgraphs,gateway,schema,deploy}/**/*.mocked.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // One file at a time (each starts the whole graph), sharing the worker's loaded modules
          // (as does the reliability project).
          name: 'e2e',
          include: ['apps/embedded/e2e/**/*.e2e.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          isolate: false,
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
          isolate: false,
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

/**
 * The environment the fault tests read (eslint allows `process.env` only in `env.ts` files).
 * `DATABASE_URL`: the shared Postgres the subgraph-fault tests make a scratch database on; when
 * unset they start a private Postgres cluster instead.
 */
export const SHARED_DATABASE_URL: string | undefined = process.env.DATABASE_URL || undefined;

/** The environment of a child process: this process's environment plus `overrides`. */
export function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
  // The child must not inherit vitest's worker settings or a NODE_ENV that changes defaults.
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  delete env.NODE_OPTIONS;
  return env;
}

/** `REDIS_URL`: Redis for child processes that use it (the embedded graph's caches and limits). */
export const SHARED_REDIS_URL: string | undefined = process.env.REDIS_URL || undefined;

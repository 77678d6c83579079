import { loadEnv, optionalString, z } from '@shop/config';

/** What the cluster harness reads from its own environment. */
export const ClusterEnv = z.object({
  /** Postgres server the per-run scratch database is created on. */
  DATABASE_URL: optionalString(),
  /** Redis the gateways' rate limits and the cart cache use. */
  REDIS_URL: optionalString(),
  /** Passed on to the service processes (finding `node`'s tools). */
  PATH: optionalString(),
  HOME: optionalString(),
});

export const clusterEnv = () => loadEnv(ClusterEnv);

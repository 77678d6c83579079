import { loadEnv, nodeEnv, optionalString, optionalUrl, z } from '@shop/config';
import { kafkaBrokers, listenHost, pgliteDir, registryPort, subgraphUrl } from '@shop/subgraph';

/** Configuration for running the payment subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  NODE_ENV: nodeEnv(),
  PORT: registryPort('payment'),
  HOST: listenHost(),
  /** Postgres URL; when unset an embedded PGlite database is kept in `PGLITE_DIR`. */
  DATABASE_URL: optionalString(),
  PGLITE_DIR: pgliteDir('payment'),
  /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
  GATEWAY_JWKS_URL: optionalUrl(),
  /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
  KAFKA_BROKERS: kafkaBrokers(),
  /** Private JWK (JSON) signing service tokens to order; generated when unset. */
  INTERNAL_PRIVATE_JWK: optionalString(),
  SUBGRAPH_ORDER_URL: subgraphUrl('order'),
});

export const env = loadEnv(envSchema);

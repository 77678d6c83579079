import { flag, loadEnv, nodeEnv, optionalString, optionalUrl, z } from '@shop/config';
import { kafkaBrokers, listenHost, pgliteDir, registryPort } from '@shop/subgraph';

/** Configuration of the product subgraph when it runs alone (`src/main.ts`, `src/reindex.ts`). */
export const envSchema = z.object({
  NODE_ENV: nodeEnv(),
  PORT: registryPort('product'),
  HOST: listenHost(),
  /** Postgres URL; when unset an embedded PGlite database is kept in `PGLITE_DIR`. */
  DATABASE_URL: optionalString(),
  PGLITE_DIR: pgliteDir('product'),
  /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
  GATEWAY_JWKS_URL: optionalUrl(),
  /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
  KAFKA_BROKERS: kafkaBrokers(),
  /** OpenSearch cluster for `searchProducts`; unset = Postgres full-text search. */
  OPENSEARCH_URL: optionalUrl(),
  /** Insert the demo catalog into an empty database. */
  SEED: flag(true),
});

export const env = loadEnv(envSchema);

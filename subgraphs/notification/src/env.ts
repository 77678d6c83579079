import { loadEnv, nodeEnv, optionalString, optionalUrl, z } from '@shop/config';
import { kafkaBrokers, listenHost, pgliteDir, registryPort } from '@shop/subgraph';

/** Configuration for running the notification subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  NODE_ENV: nodeEnv(),
  PORT: registryPort('notification'),
  HOST: listenHost(),
  /** Postgres URL; when unset an embedded PGlite database is kept in `PGLITE_DIR`. */
  DATABASE_URL: optionalString(),
  PGLITE_DIR: pgliteDir('notification'),
  /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
  GATEWAY_JWKS_URL: optionalUrl(),
  /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
  KAFKA_BROKERS: kafkaBrokers(),
  /** The cart subgraph's guest-token HMAC secret; when unset guest carts cannot subscribe. */
  CART_TOKEN_SECRET: optionalString().pipe(z.string().min(16).optional()),
});

export const env = loadEnv(envSchema);

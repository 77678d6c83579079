import { loadEnv, nodeEnv, optionalString, optionalUrl, positiveInt, z } from '@shop/config';
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
  /**
   * How live subscriptions hear of new events: `postgres` (LISTEN/NOTIFY; the default with
   * DATABASE_URL, needed with more than one replica) or `process` (in-process; the default on
   * PGlite; correct only when ONE process serves every subscription).
   */
  NOTIFICATION_LIVE_WAKEUPS: optionalString().pipe(z.enum(['postgres', 'process']).optional()),
  /** Hours the state streams' journal keeps a version for resuming (the latest always stays). */
  NOTIFICATION_STREAM_RETENTION_HOURS: positiveInt(24),
});

export const env = loadEnv(envSchema);

import { loadEnv, nodeEnv, optionalString, optionalUrl, port, z } from '@shop/config';

/** Configuration for running the notification subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  NODE_ENV: nodeEnv(),
  PORT: port(4006),
  HOST: optionalString().transform((value) => value ?? '127.0.0.1'),
  /** Postgres URL; when unset an embedded PGlite database in `.data/notification` is used. */
  DATABASE_URL: optionalString(),
  /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
  GATEWAY_JWKS_URL: optionalUrl(),
  /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
  KAFKA_BROKERS: optionalString().transform((value) =>
    (value ?? '')
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0),
  ),
  /** The cart subgraph's guest-token HMAC secret; when unset guest carts cannot subscribe. */
  CART_TOKEN_SECRET: optionalString().pipe(z.string().min(16).optional()),
});

export const env = loadEnv(envSchema);

import { loadEnv, nodeEnv, optionalString, optionalUrl, port, z } from '@shop/config';

/** Configuration for running the analytics subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  NODE_ENV: nodeEnv(),
  PORT: port(4007),
  HOST: optionalString().transform((value) => value ?? '127.0.0.1'),
  /** Postgres URL; when unset an embedded PGlite database in `.data/analytics` is used. */
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
});

export const env = loadEnv(envSchema);

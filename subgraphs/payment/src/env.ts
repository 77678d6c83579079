import { loadEnv, optionalString, optionalUrl, port, z } from '@shop/config';

/** Configuration for running the payment subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  PORT: port(4005),
  HOST: optionalString().transform((value) => value ?? '127.0.0.1'),
  /** Postgres URL; when unset an embedded PGlite database in `.data/payment` is used. */
  DATABASE_URL: optionalString(),
  /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
  GATEWAY_JWKS_URL: optionalUrl(),
  /** Private JWK (JSON) of the internal key that signs service calls to order. */
  INTERNAL_PRIVATE_JWK: optionalString(),
  /** The order subgraph (for `orderForPayment`). */
  SUBGRAPH_ORDER_URL: optionalUrl().transform((value) => value ?? 'http://127.0.0.1:4004/graphql'),
  /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
  KAFKA_BROKERS: optionalString().transform((value) =>
    (value ?? '')
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
  ),
});

export const env = loadEnv(envSchema);

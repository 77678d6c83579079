import { loadEnv, optionalString, optionalUrl, port, positiveInt, z } from '@shop/config';

/** Configuration for running the order subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  PORT: port(4004),
  HOST: optionalString().transform((value) => value ?? '127.0.0.1'),
  /** Postgres URL; when unset an embedded PGlite database in `.data/order` is used. */
  DATABASE_URL: optionalString(),
  /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
  GATEWAY_JWKS_URL: optionalUrl(),
  /** Private JWK (JSON) of the internal key that signs service tokens to cart and product. */
  INTERNAL_PRIVATE_JWK: optionalString(),
  SUBGRAPH_CART_URL: optionalUrl().transform((value) => value ?? 'http://127.0.0.1:4003/graphql'),
  SUBGRAPH_PRODUCT_URL: optionalUrl().transform(
    (value) => value ?? 'http://127.0.0.1:4002/graphql',
  ),
  /** Seconds an order waits for payment before it expires. */
  PAYMENT_TTL_SECONDS: positiveInt(900),
  /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
  KAFKA_BROKERS: optionalString().transform((value) =>
    (value ?? '')
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0),
  ),
});

export const env = loadEnv(envSchema);

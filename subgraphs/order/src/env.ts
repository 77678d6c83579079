import { loadEnv, nodeEnv, optionalString, optionalUrl, positiveInt, z } from '@shop/config';
import { kafkaBrokers, listenHost, pgliteDir, registryPort, subgraphUrl } from '@shop/subgraph';

/** Configuration for running the order subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  NODE_ENV: nodeEnv(),
  PORT: registryPort('order'),
  HOST: listenHost(),
  /** Postgres URL; when unset an embedded PGlite database is kept in `PGLITE_DIR`. */
  DATABASE_URL: optionalString(),
  PGLITE_DIR: pgliteDir('order'),
  /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
  GATEWAY_JWKS_URL: optionalUrl(),
  /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
  KAFKA_BROKERS: kafkaBrokers(),
  /** Private JWK (JSON) signing service tokens to cart, product; generated when unset. */
  INTERNAL_PRIVATE_JWK: optionalString(),
  SUBGRAPH_CART_URL: subgraphUrl('cart'),
  SUBGRAPH_PRODUCT_URL: subgraphUrl('product'),
  /** Seconds an order waits for payment before it expires. */
  PAYMENT_TTL_SECONDS: positiveInt(900),
});

export const env = loadEnv(envSchema);

import { loadEnv, nodeEnv, optionalString, optionalUrl, z } from '@shop/config';
import { kafkaBrokers, listenHost, pgliteDir, registryPort, subgraphUrl } from '@shop/subgraph';

/** Configuration for running the cart subgraph alone (`src/main.ts`). */
export const envSchema = z
  .object({
    NODE_ENV: nodeEnv(),
    PORT: registryPort('cart'),
    HOST: listenHost(),
    /** Postgres URL; when unset an embedded PGlite database is kept in `PGLITE_DIR`. */
    DATABASE_URL: optionalString(),
    PGLITE_DIR: pgliteDir('cart'),
    /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
    GATEWAY_JWKS_URL: optionalUrl(),
    /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
    KAFKA_BROKERS: kafkaBrokers(),
    /** Private JWK (JSON) signing service tokens to product; generated when unset. */
    INTERNAL_PRIVATE_JWK: optionalString(),
    SUBGRAPH_PRODUCT_URL: subgraphUrl('product'),
    /**
     * HMAC secret of guest cart tokens (at least 16 characters); required in production, and the
     * same on every replica (a token issued by one must verify on all).
     */
    CART_TOKEN_SECRET: optionalString().pipe(z.string().min(16).optional()),
    /** Redis URL of the read-through cart cache; no cache when unset. */
    REDIS_URL: optionalString(),
    /** Prepended to the cart cache's Redis keys (several deployments on one Redis). */
    REDIS_KEY_PREFIX: optionalString(),
  })
  .refine((value) => value.NODE_ENV !== 'production' || value.CART_TOKEN_SECRET, {
    message: 'CART_TOKEN_SECRET is required in production',
    path: ['CART_TOKEN_SECRET'],
  });

export const env = loadEnv(envSchema);

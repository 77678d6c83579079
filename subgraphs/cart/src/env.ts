import { loadEnv, nodeEnv, optionalString, optionalUrl, port, z } from '@shop/config';

/** Configuration for running the cart subgraph alone (`src/main.ts`). */
export const envSchema = z
  .object({
    NODE_ENV: nodeEnv(),
    PORT: port(4003),
    HOST: optionalString().transform((value) => value ?? '127.0.0.1'),
    /** Postgres URL; when unset an embedded PGlite database in `.data/cart` is used. */
    DATABASE_URL: optionalString(),
    /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
    GATEWAY_JWKS_URL: optionalUrl(),
    /** Private JWK (JSON) signing service tokens for calls to product; generated when unset. */
    INTERNAL_PRIVATE_JWK: optionalString(),
    /** GraphQL URL of the product subgraph. */
    SUBGRAPH_PRODUCT_URL: optionalUrl().transform(
      (value) => value ?? 'http://127.0.0.1:4002/graphql',
    ),
    /** HMAC secret of guest cart tokens (at least 16 characters); required in production. */
    CART_TOKEN_SECRET: optionalString().pipe(z.string().min(16).optional()),
    /** Redis URL of the read-through cart cache; no cache when unset. */
    REDIS_URL: optionalString(),
    /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
    KAFKA_BROKERS: optionalString().transform((value) =>
      (value ?? '')
        .split(',')
        .map((broker) => broker.trim())
        .filter((broker) => broker.length > 0),
    ),
  })
  .refine((value) => value.NODE_ENV !== 'production' || value.CART_TOKEN_SECRET, {
    message: 'CART_TOKEN_SECRET is required in production',
    path: ['CART_TOKEN_SECRET'],
  });

export const env = loadEnv(envSchema);

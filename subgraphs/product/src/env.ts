import { loadEnv, optionalString, optionalUrl, port, z } from '@shop/config';

/** Configuration of the product subgraph when it runs alone (`src/main.ts`). */
export const envSchema = z.object({
  PORT: port(4002),
  HOST: z.string().default('127.0.0.1'),
  /** Postgres URL; when unset an embedded PGlite database is kept in `PGLITE_DIR`. */
  DATABASE_URL: optionalString(),
  PGLITE_DIR: z.string().default('.data/product'),
  /** Where the gateway publishes its signing keys; unset = an ephemeral dev key. */
  GATEWAY_JWKS_URL: optionalUrl(),
  /** OpenSearch cluster for `searchProducts`; unset = Postgres full-text search. */
  OPENSEARCH_URL: optionalUrl(),
  /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
  KAFKA_BROKERS: optionalString().transform((value) =>
    (value ?? '')
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0),
  ),
  /** Insert the demo catalog into an empty database. */
  SEED: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((value) => value === 'true' || value === '1'),
});

export const env = loadEnv(envSchema);

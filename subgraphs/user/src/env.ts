import { flag, loadEnv, nodeEnv, optionalString, optionalUrl, z } from '@shop/config';
import { kafkaBrokers, listenHost, pgliteDir, registryPort } from '@shop/subgraph';

/** Configuration for running the user subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  NODE_ENV: nodeEnv(),
  PORT: registryPort('user'),
  HOST: listenHost(),
  /** Postgres URL; when unset an embedded PGlite database is kept in `PGLITE_DIR`. */
  DATABASE_URL: optionalString(),
  PGLITE_DIR: pgliteDir('user'),
  /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
  GATEWAY_JWKS_URL: optionalUrl(),
  /** Private JWK (JSON) that signs access tokens; generated (ephemeral) when unset. */
  AUTH_PRIVATE_JWK: optionalString(),
  /** Insert the demo accounts when they are missing. */
  SEED: flag(true),
  /** Sign-in providers (OpenID Connect, GitHub) as a JSON array; none when unset. */
  OIDC_PROVIDERS: optionalString(),
  /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
  KAFKA_BROKERS: kafkaBrokers(),
  /** Storefront base URL; account emails link to its /reset-password and /verify-email pages. */
  STOREFRONT_URL: optionalUrl().transform((value) => value ?? 'http://localhost:3000'),
});

export const env = loadEnv(envSchema);

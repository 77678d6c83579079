import { loadEnv, optionalString, optionalUrl, port, z } from '@shop/config';

/** Configuration for running the user subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  PORT: port(4001),
  HOST: optionalString().transform((value) => value ?? '127.0.0.1'),
  /** Postgres URL; when unset an embedded PGlite database in `.data/user` is used. */
  DATABASE_URL: optionalString(),
  /** Private JWK (JSON) that signs access tokens; generated (ephemeral) when unset. */
  AUTH_PRIVATE_JWK: optionalString(),
  /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
  GATEWAY_JWKS_URL: optionalUrl(),
});

export const env = loadEnv(envSchema);

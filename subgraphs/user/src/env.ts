import { flag, loadEnv, optionalString, z } from '@shop/config';
import { standaloneEnv } from '@shop/subgraph';

/** Configuration for running the user subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  ...standaloneEnv('user'),
  /** Private JWK (JSON) that signs access tokens; generated (ephemeral) when unset. */
  AUTH_PRIVATE_JWK: optionalString(),
  /** Insert the demo accounts when they are missing. */
  SEED: flag(true),
});

export const env = loadEnv(envSchema);

import { loadEnv, z } from '@shop/config';
import { eventBusEnv, standaloneEnv } from '@shop/subgraph';

/** Configuration for running the analytics subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  ...standaloneEnv('analytics'),
  ...eventBusEnv(),
});

export const env = loadEnv(envSchema);

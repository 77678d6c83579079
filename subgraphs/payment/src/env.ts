import { loadEnv, z } from '@shop/config';
import { eventBusEnv, serviceCallEnv, standaloneEnv } from '@shop/subgraph';

/** Configuration for running the payment subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  ...standaloneEnv('payment'),
  ...eventBusEnv(),
  ...serviceCallEnv(['order']),
});

export const env = loadEnv(envSchema);

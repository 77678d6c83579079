import { loadEnv, positiveInt, z } from '@shop/config';
import { eventBusEnv, serviceCallEnv, standaloneEnv } from '@shop/subgraph';

/** Configuration for running the order subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  ...standaloneEnv('order'),
  ...eventBusEnv(),
  ...serviceCallEnv(['cart', 'product']),
  /** Seconds an order waits for payment before it expires. */
  PAYMENT_TTL_SECONDS: positiveInt(900),
});

export const env = loadEnv(envSchema);

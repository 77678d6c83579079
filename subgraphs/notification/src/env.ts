import { loadEnv, optionalString, z } from '@shop/config';
import { eventBusEnv, standaloneEnv } from '@shop/subgraph';

/** Configuration for running the notification subgraph alone (`src/main.ts`). */
export const envSchema = z.object({
  ...standaloneEnv('notification'),
  ...eventBusEnv(),
  /** The cart subgraph's guest-token HMAC secret; when unset guest carts cannot subscribe. */
  CART_TOKEN_SECRET: optionalString().pipe(z.string().min(16).optional()),
});

export const env = loadEnv(envSchema);

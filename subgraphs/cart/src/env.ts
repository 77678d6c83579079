import { loadEnv, optionalString, z } from '@shop/config';
import { eventBusEnv, serviceCallEnv, standaloneEnv } from '@shop/subgraph';

/** Configuration for running the cart subgraph alone (`src/main.ts`). */
export const envSchema = z
  .object({
    ...standaloneEnv('cart'),
    ...eventBusEnv(),
    ...serviceCallEnv(['product']),
    /** HMAC secret of guest cart tokens (at least 16 characters); required in production. */
    CART_TOKEN_SECRET: optionalString().pipe(z.string().min(16).optional()),
    /** Redis URL of the read-through cart cache; no cache when unset. */
    REDIS_URL: optionalString(),
  })
  .refine((value) => value.NODE_ENV !== 'production' || value.CART_TOKEN_SECRET, {
    message: 'CART_TOKEN_SECRET is required in production',
    path: ['CART_TOKEN_SECRET'],
  });

export const env = loadEnv(envSchema);

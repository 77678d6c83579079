import { flag, loadEnv, optionalUrl, z } from '@shop/config';
import { eventBusEnv, standaloneEnv } from '@shop/subgraph';

/** Configuration of the product subgraph when it runs alone (`src/main.ts`, `src/reindex.ts`). */
export const envSchema = z.object({
  ...standaloneEnv('product'),
  ...eventBusEnv(),
  /** OpenSearch cluster for `searchProducts`; unset = Postgres full-text search. */
  OPENSEARCH_URL: optionalUrl(),
  /** Insert the demo catalog into an empty database. */
  SEED: flag(true),
});

export const env = loadEnv(envSchema);

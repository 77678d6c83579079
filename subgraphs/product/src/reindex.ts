/**
 * Rebuilds the whole search index from the catalog: `pnpm --filter @shop/product-subgraph reindex`.
 * Postgres adapter: truncate + insert in one transaction (readers see the old or the new index).
 * OpenSearch (`OPENSEARCH_URL`): a new versioned index, bulk-loaded, then an atomic alias swap.
 */
import { createDatabase } from '@shop/db';
import { createSearchIndex } from '@shop/search';
import { env } from './env';
import { prepareProductDatabase, reindexSearch } from './index';
import { log } from '@shop/log';

const database = await createDatabase({ url: env.DATABASE_URL, dataDir: env.PGLITE_DIR });
const search = createSearchIndex({ database, opensearchUrl: env.OPENSEARCH_URL });
try {
  await prepareProductDatabase(database, { seed: false, search });
  await search.init();
  const started = performance.now();
  const written = await reindexSearch(database, search);
  log.info(
    `[product] reindexed ${written} products into ${search.kind} in ${Math.round(performance.now() - started)} ms`,
  );
} finally {
  await search.close();
  await database.close();
}

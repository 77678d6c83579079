/**
 * `@shop/search`: the product search port and its two adapters — Postgres full-text (default)
 * and OpenSearch (when `OPENSEARCH_URL` is set).
 *
 * @packageDocumentation
 */
export * from './types';
export { createPostgresSearchIndex, tsqueryText } from './postgres';
export { SEARCH_MIGRATIONS, SEARCH_SCHEMA } from './postgres-migrations';
export { createOpenSearchIndex, type OpenSearchIndexOptions } from './opensearch';
export {
  buildAliasSwap,
  buildBulkBody,
  buildIndexBody,
  buildSearchBody,
} from './opensearch-bodies';
export { editDistance, fuzziness, markedToHtml, tokenize } from './text';
import type { Database } from '@shop/db';
import { createOpenSearchIndex } from './opensearch';
import { createPostgresSearchIndex } from './postgres';
import type { SearchIndex } from './types';

/** OpenSearch when `opensearchUrl` is given, else the Postgres adapter on `database`. */
export function createSearchIndex(options: {
  database: Database;
  opensearchUrl?: string | undefined;
}): SearchIndex {
  return options.opensearchUrl
    ? createOpenSearchIndex({ node: options.opensearchUrl })
    : createPostgresSearchIndex(options.database);
}

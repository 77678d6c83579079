import { Client } from '@opensearch-project/opensearch';
import {
  buildAliasSwap,
  buildBulkBody,
  buildIndexBody,
  buildSearchBody,
} from './opensearch-bodies';
import { effectiveSort, splitAttributeKey } from './text';
import {
  PRICE_BUCKETS,
  SearchUnavailableError,
  type SearchFacets,
  type SearchHighlight,
  type SearchIndex,
  type SearchResult,
} from './types';

export interface OpenSearchIndexOptions {
  /** Cluster URL, e.g. http://127.0.0.1:9200 (`OPENSEARCH_URL`). */
  node: string;
  /** Alias the application reads and writes; versioned indexes are `<alias>_v<time>`. */
  alias?: string;
  /** Per-request timeout; default 800 ms (no retries), so a dead cluster fails within 1 s. */
  requestTimeoutMs?: number;
  /** Refresh after every write (tests); default false (the cluster's refresh interval). */
  refresh?: boolean;
  /** Documents per bulk request in `replaceAll`; default 1,000. */
  bulkSize?: number;
}

interface Bucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
  from?: number;
}

interface SearchResponse {
  hits: {
    total: { value: number };
    hits: Array<{
      _id: string;
      _score: number | null;
      sort: Array<string | number>;
      highlight?: Record<string, string[]>;
    }>;
  };
  aggregations: Record<string, { buckets: Bucket[] }>;
}

/** Calls OpenSearch; any transport failure or 5xx becomes {@link SearchUnavailableError}. */
async function call<T>(
  client: Client,
  params: {
    method: string;
    path: string;
    body?: unknown;
    bulkBody?: unknown[];
    querystring?: Record<string, unknown>;
  },
  ignore: number[] = [],
): Promise<{ statusCode: number; body: T }> {
  try {
    const response = await client.transport.request(
      params as Parameters<Client['transport']['request']>[0],
      { ignore },
    );
    return { statusCode: response.statusCode ?? 200, body: response.body as T };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SearchUnavailableError(`OpenSearch request failed: ${reason}`, { cause: error });
  }
}

/**
 * The OpenSearch adapter (used when `OPENSEARCH_URL` is set): documents live in a versioned index
 * behind an alias; `replaceAll` bulk-loads a new index and swaps the alias atomically.
 */
export function createOpenSearchIndex(options: OpenSearchIndexOptions): SearchIndex {
  const alias = options.alias ?? 'shop-products';
  const refresh = options.refresh ?? false;
  const bulkSize = options.bulkSize ?? 1_000;
  const client = new Client({
    node: options.node,
    requestTimeout: options.requestTimeoutMs ?? 800,
    maxRetries: 0,
  });

  const aliasedIndexes = async (): Promise<string[]> => {
    const { statusCode, body } = await call<Record<string, unknown>>(
      client,
      { method: 'GET', path: `/_alias/${encodeURIComponent(alias)}` },
      [404],
    );
    return statusCode === 404 ? [] : Object.keys(body);
  };

  const createVersionedIndex = async (): Promise<string> => {
    const index = `${alias}_v${Date.now()}`;
    await call(client, { method: 'PUT', path: `/${index}`, body: buildIndexBody() });
    return index;
  };

  const bulk = async (lines: Array<Record<string, unknown>>, forceRefresh = refresh) => {
    if (lines.length === 0) return;
    const { body } = await call<{
      errors: boolean;
      items: Array<Record<string, { status: number; error?: unknown }>>;
    }>(client, {
      method: 'POST',
      path: '/_bulk',
      bulkBody: lines,
      querystring: forceRefresh ? { refresh: 'true' } : {},
    });
    const failed = body.items.find((item) => {
      const result = Object.values(item)[0];
      return result && result.status >= 300 && result.status !== 404;
    });
    if (body.errors && failed) {
      throw new SearchUnavailableError(`OpenSearch bulk item failed: ${JSON.stringify(failed)}`);
    }
  };

  return {
    kind: 'opensearch',

    async init() {
      if ((await aliasedIndexes()).length > 0) return;
      const index = await createVersionedIndex();
      await call(client, {
        method: 'POST',
        path: '/_aliases',
        body: buildAliasSwap(alias, [], index),
      });
    },

    async upsert(documents) {
      await bulk(buildBulkBody(alias, documents));
    },

    async remove(productIds) {
      await bulk(buildBulkBody(alias, [], productIds));
    },

    async search(query): Promise<SearchResult> {
      const body = buildSearchBody(query);
      const first = body.size - 1;
      const sort = effectiveSort(query);
      const { body: response } = await call<SearchResponse>(client, {
        method: 'POST',
        path: `/${alias}/_search`,
        body,
      });
      const hits = response.hits.hits;
      return {
        hits: hits.slice(0, first).map((hit) => ({
          productId: hit._id,
          score: hit._score ?? 0,
          highlights: highlightsOf(hit.highlight),
          cursor: [sort, Number(hit.sort[0]), String(hit.sort[1])],
        })),
        hasNextPage: hits.length > first,
        totalCount: response.hits.total.value,
        facets: facetsOf(response.aggregations),
      };
    },

    async replaceAll(source) {
      const previous = await aliasedIndexes();
      const index = await createVersionedIndex();
      let written = 0;
      try {
        let pending: Array<Record<string, unknown>> = [];
        for await (const batch of source(undefined)) {
          pending.push(...buildBulkBody(index, batch));
          written += batch.length;
          if (pending.length >= bulkSize * 2) {
            await bulk(pending, false);
            pending = [];
          }
        }
        await bulk(pending, false);
        await call(client, { method: 'POST', path: `/${index}/_refresh` });
        await call(client, {
          method: 'POST',
          path: '/_aliases',
          body: buildAliasSwap(alias, previous, index),
        });
      } catch (error) {
        await call(client, { method: 'DELETE', path: `/${index}` }, [404]).catch(() => undefined);
        throw error;
      }
      for (const old of previous) {
        await call(client, { method: 'DELETE', path: `/${old}` }, [404]);
      }
      return written;
    },

    async count() {
      const { body } = await call<{ count: number }>(client, {
        method: 'GET',
        path: `/${alias}/_count`,
      });
      return body.count;
    },

    async close() {
      await client.close();
    },
  };
}

function highlightsOf(highlight: Record<string, string[]> | undefined): SearchHighlight[] {
  const highlights: SearchHighlight[] = [];
  for (const field of ['name', 'description'] as const) {
    const fragments = highlight?.[field];
    if (fragments && fragments.length > 0)
      highlights.push({ field, snippet: fragments.join(' … ') });
  }
  return highlights;
}

function facetsOf(aggregations: SearchResponse['aggregations']): SearchFacets {
  const buckets = (name: string) => aggregations[name]?.buckets ?? [];
  const attributes = new Map<string, Array<{ value: string; count: number }>>();
  for (const bucket of buckets('attributes')) {
    const { name, value } = splitAttributeKey(String(bucket.key));
    const values = attributes.get(name) ?? [];
    values.push({ value, count: bucket.doc_count });
    attributes.set(name, values);
  }
  return {
    categories: buckets('categories').map((b) => ({
      categoryId: String(b.key),
      count: b.doc_count,
    })),
    priceRanges: buckets('priceRanges')
      .map((b, index) => ({ ...PRICE_BUCKETS[index]!, count: b.doc_count }))
      .filter((b) => b.count > 0),
    inStock: buckets('inStock').map((b) => ({
      value: b.key === 1 || b.key === 'true' || b.key_as_string === 'true',
      count: b.doc_count,
    })),
    attributes: [...attributes.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, values]) => ({ name, values })),
  };
}

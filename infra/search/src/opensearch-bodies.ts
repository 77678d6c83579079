/**
 * Pure builders of OpenSearch request bodies (unit-tested without a cluster): index settings and
 * mappings, the search request (query, filters, sort, search_after, aggregations, highlight), the
 * bulk lines and the alias swap.
 */
import { attributeKey, checkCursor, effectiveSort, tokenize } from './text';
import {
  MAX_SEARCH_PAGE,
  PRICE_BUCKETS,
  type SearchDocument,
  type SearchQuery,
  type SearchSort,
} from './types';

/** The indexed JSON of one document. */
function toOpenSearchSource(document: SearchDocument) {
  return {
    productId: document.productId,
    slug: document.slug,
    name: document.name,
    description: document.description,
    categoryId: document.categoryId,
    categoryPath: document.categoryPath,
    categoryNames: document.categoryNames,
    skus: document.skus,
    attributes: document.attributes,
    attributeKeys: [...new Set(document.attributes.map((a) => attributeKey(a.name, a.value)))],
    attributeText: document.attributes.map((a) => `${a.name} ${a.value}`).join(' '),
    priceMin: document.priceMin,
    priceMax: document.priceMax,
    currency: document.currency,
    inStock: document.inStock,
    createdAt: document.createdAt.toISOString(),
  };
}

/**
 * Settings and mappings of a product index: `folding` (standard tokenizer, lowercase,
 * asciifolding) for full words; `autocomplete` (the same plus edge n-grams 2–20) on
 * `name.prefix` for prefixes, searched with `folding`.
 */
export function buildIndexBody() {
  return {
    settings: {
      number_of_shards: 1,
      number_of_replicas: 0,
      max_ngram_diff: 20,
      analysis: {
        filter: {
          autocomplete_edge: { type: 'edge_ngram', min_gram: 2, max_gram: 20 },
        },
        analyzer: {
          folding: {
            type: 'custom',
            tokenizer: 'standard',
            filter: ['lowercase', 'asciifolding'],
          },
          autocomplete: {
            type: 'custom',
            tokenizer: 'standard',
            filter: ['lowercase', 'asciifolding', 'autocomplete_edge'],
          },
        },
      },
    },
    mappings: {
      dynamic: 'strict',
      properties: {
        productId: { type: 'keyword' },
        slug: { type: 'keyword' },
        name: {
          type: 'text',
          analyzer: 'folding',
          fields: {
            prefix: { type: 'text', analyzer: 'autocomplete', search_analyzer: 'folding' },
          },
        },
        description: { type: 'text', analyzer: 'folding' },
        categoryId: { type: 'keyword' },
        categoryPath: { type: 'keyword' },
        categoryNames: { type: 'text', analyzer: 'folding' },
        skus: { type: 'keyword', fields: { text: { type: 'text', analyzer: 'folding' } } },
        attributes: {
          type: 'object',
          properties: { name: { type: 'keyword' }, value: { type: 'keyword' } },
        },
        attributeKeys: { type: 'keyword' },
        attributeText: { type: 'text', analyzer: 'folding' },
        priceMin: { type: 'long' },
        priceMax: { type: 'long' },
        currency: { type: 'keyword' },
        inStock: { type: 'boolean' },
        createdAt: { type: 'date' },
      },
    },
  };
}

const SORT: Record<SearchSort, Array<Record<string, 'asc' | 'desc'>>> = {
  RELEVANCE: [{ _score: 'desc' }, { productId: 'asc' }],
  PRICE_ASC: [{ priceMin: 'asc' }, { productId: 'asc' }],
  PRICE_DESC: [{ priceMin: 'desc' }, { productId: 'asc' }],
  NEWEST: [{ createdAt: 'desc' }, { productId: 'asc' }],
};

/**
 * The `_search` body of a query. Text: all words must match (`operator: and`) in name (×4),
 * category names (×2), description, attributes or SKUs with `fuzziness: AUTO`, or as prefixes of
 * name words (`name.prefix`, ×2). Facets are aggregations over the same filtered set.
 */
export function buildSearchBody(query: SearchQuery) {
  const first = Math.min(Math.max(1, Math.trunc(query.first)), MAX_SEARCH_PAGE);
  const sort = effectiveSort(query);
  const after = query.after ? checkCursor(query.after, sort) : undefined;
  const text = tokenize(query.text).join(' ');
  const filter: Array<Record<string, unknown>> = [];
  const f = query.filter ?? {};
  if (f.categoryIds) filter.push({ terms: { categoryPath: f.categoryIds } });
  if (f.priceMin != null || f.priceMax != null) {
    filter.push({
      range: {
        priceMin: {
          ...(f.priceMin != null ? { gte: f.priceMin } : {}),
          ...(f.priceMax != null ? { lte: f.priceMax } : {}),
        },
      },
    });
  }
  if (f.inStock != null) filter.push({ term: { inStock: f.inStock } });
  for (const attribute of f.attributes ?? []) {
    if (attribute.values.length === 0) continue;
    filter.push({
      terms: { attributeKeys: attribute.values.map((v) => attributeKey(attribute.name, v)) },
    });
  }
  const must = text
    ? [
        {
          bool: {
            should: [
              {
                multi_match: {
                  query: text,
                  fields: [
                    'name^4',
                    'categoryNames^2',
                    'description',
                    'attributeText',
                    'skus.text',
                  ],
                  type: 'cross_fields',
                  operator: 'and',
                },
              },
              {
                multi_match: {
                  query: text,
                  fields: ['name^4', 'categoryNames^2', 'description', 'attributeText'],
                  type: 'best_fields',
                  operator: 'and',
                  fuzziness: 'AUTO',
                  boost: 0.5,
                },
              },
              { match: { 'name.prefix': { query: text, operator: 'and', boost: 2 } } },
            ],
            minimum_should_match: 1,
          },
        },
      ]
    : [{ match_all: {} }];
  return {
    size: first + 1,
    track_total_hits: true,
    query: { bool: { must, filter } },
    sort: SORT[sort],
    ...(after ? { search_after: [after.value, after.productId] } : {}),
    _source: false,
    aggs: {
      categories: { terms: { field: 'categoryId', size: 200 } },
      priceRanges: {
        range: {
          field: 'priceMin',
          ranges: PRICE_BUCKETS.map((b) =>
            b.max === null ? { from: b.min } : { from: b.min, to: b.max },
          ),
        },
      },
      inStock: { terms: { field: 'inStock', size: 2 } },
      attributes: { terms: { field: 'attributeKeys', size: 500 } },
    },
    ...(text
      ? {
          highlight: {
            encoder: 'html',
            pre_tags: ['<em>'],
            post_tags: ['</em>'],
            fields: {
              name: { number_of_fragments: 0 },
              description: { fragment_size: 150, number_of_fragments: 2 },
            },
          },
        }
      : {}),
  };
}

/** NDJSON lines of a bulk request indexing `documents` and deleting `deleteIds` in `index`. */
export function buildBulkBody(
  index: string,
  documents: SearchDocument[],
  deleteIds: string[] = [],
): Array<Record<string, unknown>> {
  return [
    ...documents.flatMap((document) => [
      { index: { _index: index, _id: document.productId } },
      toOpenSearchSource(document),
    ]),
    ...deleteIds.map((id) => ({ delete: { _index: index, _id: id } })),
  ];
}

/** One atomic alias update pointing `alias` at `next` only. */
export function buildAliasSwap(alias: string, previous: string[], next: string) {
  return {
    actions: [
      ...previous.map((index) => ({ remove: { index, alias } })),
      { add: { index: next, alias, is_write_index: true } },
    ],
  };
}

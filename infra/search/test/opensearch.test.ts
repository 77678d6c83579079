import { afterAll, describe, expect, it } from 'vitest';
import {
  buildAliasSwap,
  buildBulkBody,
  buildIndexBody,
  buildSearchBody,
  createOpenSearchIndex,
  SearchUnavailableError,
} from '../src/index';
import { CATALOG, CATEGORY, PRODUCT } from './catalog';
import { searchContract } from './contract';

const OPENSEARCH_URL = process.env.OPENSEARCH_URL;

describe('OpenSearch request builders', () => {
  it('should build the index settings and mapping with folding and edge n-gram analyzers', () => {
    const body = buildIndexBody();
    expect(body.settings.analysis).toEqual({
      filter: { autocomplete_edge: { type: 'edge_ngram', min_gram: 2, max_gram: 20 } },
      analyzer: {
        folding: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] },
        autocomplete: {
          type: 'custom',
          tokenizer: 'standard',
          filter: ['lowercase', 'asciifolding', 'autocomplete_edge'],
        },
      },
    });
    expect(body.mappings.properties.name).toEqual({
      type: 'text',
      analyzer: 'folding',
      fields: { prefix: { type: 'text', analyzer: 'autocomplete', search_analyzer: 'folding' } },
    });
    expect(body.mappings.properties.categoryPath).toEqual({ type: 'keyword' });
    expect(body.mappings.properties.attributeKeys).toEqual({ type: 'keyword' });
    expect(body.mappings.properties.priceMin).toEqual({ type: 'long' });
    expect(body.mappings.dynamic).toBe('strict');
  });

  it('should build a text query with filters, facets, highlight and search_after', () => {
    const body = buildSearchBody({
      text: 'iPhnoe  Pro!',
      first: 2,
      sort: 'RELEVANCE',
      after: ['RELEVANCE', 3.5, PRODUCT.iphone],
      filter: {
        categoryIds: [CATEGORY.phones],
        priceMin: 100,
        priceMax: 90_000,
        inStock: true,
        attributes: [
          { name: 'color', values: ['Black', 'White'] },
          { name: 'size', values: [] },
        ],
      },
    });
    expect(body).toEqual({
      size: 3,
      track_total_hits: true,
      query: {
        bool: {
          must: [
            {
              bool: {
                should: [
                  {
                    multi_match: {
                      query: 'iphnoe pro',
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
                      query: 'iphnoe pro',
                      fields: ['name^4', 'categoryNames^2', 'description', 'attributeText'],
                      type: 'best_fields',
                      operator: 'and',
                      fuzziness: 'AUTO',
                      boost: 0.5,
                    },
                  },
                  { match: { 'name.prefix': { query: 'iphnoe pro', operator: 'and', boost: 2 } } },
                ],
                minimum_should_match: 1,
              },
            },
          ],
          filter: [
            { terms: { categoryPath: [CATEGORY.phones] } },
            { range: { priceMin: { gte: 100, lte: 90_000 } } },
            { term: { inStock: true } },
            { terms: { attributeKeys: ['color\u001fBlack', 'color\u001fWhite'] } },
          ],
        },
      },
      sort: [{ _score: 'desc' }, { productId: 'asc' }],
      search_after: [3.5, PRODUCT.iphone],
      _source: false,
      aggs: {
        categories: { terms: { field: 'categoryId', size: 200 } },
        priceRanges: {
          range: {
            field: 'priceMin',
            ranges: [
              { from: 0, to: 1_000 },
              { from: 1_000, to: 2_500 },
              { from: 2_500, to: 5_000 },
              { from: 5_000, to: 10_000 },
              { from: 10_000, to: 25_000 },
              { from: 25_000, to: 50_000 },
              { from: 50_000, to: 100_000 },
              { from: 100_000 },
            ],
          },
        },
        inStock: { terms: { field: 'inStock', size: 2 } },
        attributes: { terms: { field: 'attributeKeys', size: 500 } },
      },
      highlight: {
        encoder: 'html',
        pre_tags: ['<em>'],
        post_tags: ['</em>'],
        fields: {
          name: { number_of_fragments: 0 },
          description: { fragment_size: 150, number_of_fragments: 2 },
        },
      },
    });
  });

  it('should match everything without text and sort by newest or price', () => {
    const newest = buildSearchBody({ first: 5 });
    expect(newest.query).toEqual({ bool: { must: [{ match_all: {} }], filter: [] } });
    expect(newest.sort).toEqual([{ createdAt: 'desc' }, { productId: 'asc' }]);
    expect('highlight' in newest).toBe(false);
    expect(buildSearchBody({ first: 5, sort: 'PRICE_ASC' }).sort).toEqual([
      { priceMin: 'asc' },
      { productId: 'asc' },
    ]);
    expect(
      buildSearchBody({ first: 5, sort: 'PRICE_DESC', filter: { priceMax: 10 } }),
    ).toMatchObject({
      sort: [{ priceMin: 'desc' }, { productId: 'asc' }],
      query: { bool: { filter: [{ range: { priceMin: { lte: 10 } } }] } },
    });
    expect(() => buildSearchBody({ first: 5, after: ['PRICE_ASC', 1, PRODUCT.pan] })).toThrow(
      'Invalid search cursor',
    );
  });

  it('should build bulk lines and an atomic alias swap', () => {
    const knife = CATALOG.find((d) => d.productId === PRODUCT.knife)!;
    expect(buildBulkBody('shop-products', [knife], [PRODUCT.pan])).toEqual([
      { index: { _index: 'shop-products', _id: PRODUCT.knife } },
      {
        productId: PRODUCT.knife,
        slug: 'chef-knife',
        name: 'Chef Knife',
        description: knife.description,
        categoryId: CATEGORY.kitchen,
        categoryPath: [CATEGORY.home, CATEGORY.kitchen],
        categoryNames: ['Home', 'Kitchen'],
        skus: ['SKU-600'],
        attributes: [{ name: 'finish', value: 'Steel' }],
        attributeKeys: ['finish\u001fSteel'],
        attributeText: 'finish Steel',
        priceMin: 4_900,
        priceMax: 14_900,
        currency: 'USD',
        inStock: true,
        createdAt: '2026-01-01T00:06:00.000Z',
      },
      { delete: { _index: 'shop-products', _id: PRODUCT.pan } },
    ]);
    expect(buildAliasSwap('shop-products', ['shop-products_v1'], 'shop-products_v2')).toEqual({
      actions: [
        { remove: { index: 'shop-products_v1', alias: 'shop-products' } },
        { add: { index: 'shop-products_v2', alias: 'shop-products', is_write_index: true } },
      ],
    });
  });
});

describe('OpenSearch adapter when the cluster is down (closed port)', () => {
  const index = createOpenSearchIndex({ node: 'http://127.0.0.1:1' });
  afterAll(() => index.close());

  it('should fail search and writes with SearchUnavailableError within 1 s', async () => {
    for (const attempt of [
      () => index.search({ text: 'iphone', first: 5 }),
      () => index.upsert(CATALOG.slice(0, 1)),
      () => index.count(),
    ]) {
      const started = performance.now();
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SearchUnavailableError);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });
});

describe.runIf(OPENSEARCH_URL)(
  'OpenSearch adapter LIVE contract (runs only when OPENSEARCH_URL is set; skipped ≠ passed)',
  () => {
    const alias = `shop-products-test-${Date.now().toString(36)}`;
    searchContract(async () => {
      const index = createOpenSearchIndex({ node: OPENSEARCH_URL!, alias, refresh: true });
      await index.init();
      return {
        index,
        async cleanup() {
          await fetch(`${OPENSEARCH_URL}/${alias}_v*`, { method: 'DELETE' });
          await index.close();
        },
      };
    });
  },
);

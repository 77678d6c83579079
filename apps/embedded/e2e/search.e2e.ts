import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphTargets, startTestGraph, type TestGraph } from './harness';

const SEARCH = `query Search($q: String, $filter: SearchFilter, $sort: SearchSort) {
  searchProducts(query: $q, filter: $filter, sort: $sort, first: 5) {
    totalCount
    edges { node { id name category { name } } highlights { field snippet } }
    facets { categories { category { id name } count } inStock { value count } priceRanges { min max count } }
  }
  categories { name }
}`;

describe.each(graphTargets())('product search through the gateway on %s', (target) => {
  let t: TestGraph;
  beforeAll(async () => {
    t = await startTestGraph(target);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should find the seeded catalog by words, typos and prefixes with facets and highlights', async () => {
    const exact = await t.gql(SEARCH, { q: 'iphone 15' });
    expect(exact.body.errors).toBeUndefined();
    const result = exact.body.data?.searchProducts;
    expect(result.totalCount).toBeGreaterThanOrEqual(1);
    expect(result.edges[0].node.name).toMatch(/iPhone 15/);
    expect(JSON.stringify(result.edges[0].highlights)).toContain('<em>');
    const categoryTotal = (result.facets.categories as Array<{ count: number }>).reduce(
      (sum, f) => sum + f.count,
      0,
    );
    expect(categoryTotal).toBe(result.totalCount);
    const stockTotal = (result.facets.inStock as Array<{ count: number }>).reduce(
      (sum, f) => sum + f.count,
      0,
    );
    expect(stockTotal).toBe(result.totalCount);

    const typo = await t.gql(SEARCH, { q: 'iphnoe' });
    expect(typo.body.data?.searchProducts.edges[0].node.name).toMatch(/iPhone/);
    const prefix = await t.gql(SEARCH, { q: 'ipho' });
    expect(prefix.body.data?.searchProducts.edges[0].node.name).toMatch(/iPhone/);

    const narrowed = await t.gql(SEARCH, {
      q: 'iphone',
      filter: { categoryIds: [result.facets.categories[0].category.id] },
    });
    expect(narrowed.body.data?.searchProducts.totalCount).toBe(result.facets.categories[0].count);
  });
});

describe('product search with OpenSearch unreachable', () => {
  let t: TestGraph;
  beforeAll(async () => {
    t = await startTestGraph('pglite', { opensearchUrl: 'http://127.0.0.1:1' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should answer the search field with SEARCH_UNAVAILABLE within 1 s and keep the rest of the response', async () => {
    const started = Date.now();
    const result = await t.gql(SEARCH, { q: 'iphone' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result.status).toBe(200);
    expect(result.body.data?.searchProducts).toBeNull();
    expect(result.body.errors?.[0]?.extensions?.code).toBe('SEARCH_UNAVAILABLE');
    expect(result.body.errors?.[0]?.path).toEqual(['searchProducts']);
    expect(result.body.data?.categories.length).toBeGreaterThanOrEqual(4);
  });
});

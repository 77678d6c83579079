import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, type Identity } from '@shop/auth';
import type { Database } from '@shop/db';
import { createLogBus, type EventBus } from '@shop/events';
import { createOpenSearchIndex, createPostgresSearchIndex } from '@shop/search';
import { callSubgraph, testDatabaseTargets, type GraphQLHttpResult } from '@shop/testing';
import {
  buildSeedCatalog,
  PRODUCT_SUBGRAPH,
  prepareProductDatabase,
  reindexSearch,
  startProductSubgraph,
} from '../src/index';
import { ADMIN, errorCode, startHarness, type Harness } from './harness';

const SEARCH = `query($query: String, $filter: SearchFilter, $sort: SearchSort, $first: Int, $after: String) {
  searchProducts(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor score node { id name status } highlights { field snippet } }
    facets {
      categories { category { id slug name } count }
      priceRanges { min max count }
      inStock { value count }
      attributes { name values { value count } }
    }
  }
}`;

interface Connection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{
    cursor: string;
    score: number;
    node: { id: string; name: string; status: string };
    highlights: Array<{ field: string; snippet: string }>;
  }>;
  facets: {
    categories: Array<{ category: { id: string; slug: string; name: string }; count: number }>;
    priceRanges: Array<{ min: number; max: number | null; count: number }>;
    inStock: Array<{ value: boolean; count: number }>;
    attributes: Array<{ name: string; values: Array<{ value: string; count: number }> }>;
  };
}

const sum = (items: Array<{ count: number }>) => items.reduce((total, i) => total + i.count, 0);
const seed = buildSeedCatalog();
const published = seed.products.filter((p) => p.status === 'PUBLISHED');

describe.each(testDatabaseTargets())('searchProducts on $name', (target) => {
  let h: Harness;
  const search = async (variables: Record<string, unknown>) => {
    const { body } = await h.anonymous(SEARCH, variables);
    expect(body.errors).toBeUndefined();
    return body.data!.searchProducts as Connection;
  };

  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => h?.close());

  it('should search the seeded catalog right after prepareProductDatabase', async () => {
    const result = await search({ query: 'iphone' });
    const iphones = published.filter((p) => p.name.includes('iPhone')).map((p) => p.name);
    expect(iphones.length).toBeGreaterThanOrEqual(3);
    expect(
      result.edges
        .map((e) => e.node.name)
        .slice(0, iphones.length)
        .sort(),
    ).toEqual(iphones.sort());
    expect(result.edges.every((e) => e.node.status === 'PUBLISHED')).toBe(true);
    expect(result.edges[0]!.highlights[0]!.snippet).toMatch(/<em>iPhone<\/em>/);
    expect(result.edges[0]!.highlights[0]!.field).toBe('NAME');
    expect(result.facets.categories[0]!.category.slug).toBe('phones');
    expect(sum(result.facets.categories)).toBe(result.totalCount);
    expect(sum(result.facets.inStock)).toBe(result.totalCount);
    expect(sum(result.facets.priceRanges)).toBe(result.totalCount);
  });

  it('should tolerate typos and prefixes', async () => {
    for (const query of ['iphnoe', 'ipho']) {
      const names = (await search({ query })).edges.map((e) => e.node.name);
      expect(names.filter((n) => n.includes('iPhone')).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('should filter by a root category (with descendants) and page through every result once', async () => {
    const [root] = await h.database.query<{ id: string }>(
      `select id from product.categories where slug = 'electronics'`,
    );
    const [expected] = await h.database.query<{ n: number }>(
      `select count(*)::int as n from product.products p join product.categories c on c.id = p.category_id
        where p.status = 'PUBLISHED' and c.parent_id = $1`,
      [root!.id],
    );
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const page: Connection = await search({
        filter: { categoryIds: [root!.id] },
        sort: 'PRICE_ASC',
        first: 7,
        after,
      });
      total = page.totalCount;
      seen.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBe(expected!.n);
    expect(seen).toHaveLength(expected!.n);
    expect(new Set(seen).size).toBe(expected!.n);
  });

  it('should reject a malformed cursor and a bad page size', async () => {
    const bad = await h.anonymous(SEARCH, { query: 'iphone', after: 'nope' });
    expect(errorCode(bad.body)).toBe('BAD_USER_INPUT');
    const page = await search({ query: 'iphone', first: 1, sort: 'PRICE_ASC' });
    const wrongSort = await h.anonymous(SEARCH, {
      query: 'iphone',
      sort: 'NEWEST',
      after: page.pageInfo.endCursor,
    });
    expect(errorCode(wrongSort.body)).toBe('BAD_USER_INPUT');
    const tooMany = await h.anonymous(SEARCH, { first: 500 });
    expect(errorCode(tooMany.body)).toBe('BAD_USER_INPUT');
  });

  it('should rebuild the whole index with reindex', async () => {
    await h.database.exec('delete from search.product_documents');
    expect((await search({ query: 'iphone' })).totalCount).toBe(0);
    const written = await reindexSearch(h.database, createPostgresSearchIndex(h.database));
    expect(written).toBe(published.length);
    expect((await search({})).totalCount).toBe(published.length);
  });
});

describe.each(testDatabaseTargets())('event-driven search indexing on $name', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let bus: EventBus;
  let subgraph: Awaited<ReturnType<typeof startProductSubgraph>>;
  let call: (
    identity: Identity | null,
    query: string,
    variables?: Record<string, unknown>,
  ) => Promise<GraphQLHttpResult<Record<string, any>>>;

  /** Waits until the relay published everything and 'product-search' handled every event. */
  async function settled() {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [row] = await database.query<{ pending: number; events: number; done: number }>(
        `select (select count(*)::int from product.outbox where published_at is null) as pending,
                (select count(*)::int from product.outbox
                  where topic in ('catalog.events.v1', 'inventory.events.v1')) as events,
                (select count(*)::int from product.processed_events
                  where consumer = 'product-search') as done`,
      );
      if (row!.pending === 0 && row!.done === row!.events) return row!.events;
      if (Date.now() > deadline)
        throw new Error(`search indexing did not settle: ${JSON.stringify(row)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const search = async (variables: Record<string, unknown>) => {
    const { body } = await call(null, SEARCH, variables);
    expect(body.errors).toBeUndefined();
    return body.data!.searchProducts as Connection;
  };

  beforeAll(async () => {
    ({ database, cleanup } = await target.open());
    await prepareProductDatabase(database, { seed: true });
    bus = await createLogBus({ database });
    const gatewayKey = await loadSigningKey();
    subgraph = await startProductSubgraph({ database, gatewayKeys: [gatewayKey], port: 0, bus });
    call = (identity, query, variables) =>
      callSubgraph(
        { url: subgraph.url, subgraph: PRODUCT_SUBGRAPH, gatewayKey, identity },
        { query, ...(variables ? { variables } : {}) },
      );
  });
  afterAll(async () => {
    await subgraph?.stop();
    await bus?.close();
    await cleanup?.();
  });

  it('should index on publish, follow stock reservations and prices, and drop on unpublish', async () => {
    const [kitchen] = await database.query<{ id: string }>(
      `select id from product.categories where slug = 'kitchen'`,
    );
    const created = await call(
      ADMIN,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code } } }`,
      {
        input: {
          name: 'Zephyrion Kettle',
          description: 'Boils water quietly.',
          categoryId: kitchen!.id,
          variants: [
            {
              sku: 'ZEPH-1',
              name: 'Steel',
              price: { amount: 4_500, currencyCode: 'USD' },
              stockOnHand: 1,
              attributes: [{ name: 'finish', value: 'Steel' }],
            },
          ],
        },
      },
    );
    const productId = created.body.data!.createProduct.product.id as string;
    await settled();
    // A draft is never searchable, not even for admins.
    expect((await search({ query: 'zephyrion' })).totalCount).toBe(0);
    const asAdmin = await call(ADMIN, SEARCH, { query: 'zephyrion' });
    expect(asAdmin.body.data!.searchProducts.totalCount).toBe(0);

    await call(ADMIN, `mutation($id: ID!) { publishProduct(id: $id) { userErrors { code } } }`, {
      id: productId,
    });
    await settled();
    const found = await search({ query: 'zephyrion' });
    expect(found.edges.map((e) => e.node.id)).toEqual([productId]);
    expect(found.facets.inStock).toEqual([{ value: true, count: 1 }]);
    expect(found.facets.attributes).toEqual([
      { name: 'finish', values: [{ value: 'Steel', count: 1 }] },
    ]);

    // Reserving the last unit (checkout) makes it out of stock in the index.
    const [variant] = await database.query<{ id: string }>(
      `select id from product.variants where sku = 'ZEPH-1'`,
    );
    const orderId = randomUUID();
    const reserved = await call(
      { userId: 'service:order', roles: ['SERVICE'] },
      `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { ok } }`,
      { input: { orderId, lines: [{ variantId: variant!.id, quantity: 1 }] } },
    );
    expect(reserved.body.data!.reserveStock.ok).toBe(true);
    await settled();
    expect((await search({ query: 'zephyrion' })).facets.inStock).toEqual([
      { value: false, count: 1 },
    ]);
    expect((await search({ query: 'zephyrion', filter: { inStock: true } })).totalCount).toBe(0);

    await call(
      { userId: 'service:order', roles: ['SERVICE'] },
      `mutation($orderId: ID!) { releaseStock(orderId: $orderId) }`,
      { orderId },
    );
    await call(
      ADMIN,
      `mutation($id: ID!, $input: UpdateVariantInput!) { updateVariant(id: $id, input: $input) { userErrors { code } } }`,
      { id: variant!.id, input: { price: { amount: 12_000, currencyCode: 'USD' } } },
    );
    await settled();
    const repriced = await search({ query: 'zephyrion', filter: { priceMin: 10_000 } });
    expect(repriced.totalCount).toBe(1);
    expect(repriced.facets.inStock).toEqual([{ value: true, count: 1 }]);
    expect(repriced.facets.priceRanges).toEqual([{ min: 10_000, max: 25_000, count: 1 }]);

    await call(ADMIN, `mutation($id: ID!) { unpublishProduct(id: $id) { userErrors { code } } }`, {
      id: productId,
    });
    await settled();
    expect((await search({ query: 'zephyrion' })).totalCount).toBe(0);

    const types = await database.query<{ type: string }>(
      `select type from product.outbox where key in ($1, $2) order by position`,
      [productId, variant!.id],
    );
    expect(types.map((t) => t.type)).toEqual([
      'product.created',
      'product.published',
      'stock.reserved',
      'stock.reservation_released',
      'variant.updated',
      'price.changed',
      'product.unpublished',
    ]);
  });

  it('should write no event when a catalog change is rolled back', async () => {
    const before = await settled();
    const taken = await call(
      ADMIN,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { userErrors { code } } }`,
      {
        input: {
          name: 'Duplicate Sku Thing',
          variants: [
            { sku: 'ZEPH-1', name: 'x', price: { amount: 1, currencyCode: 'USD' }, stockOnHand: 1 },
          ],
        },
      },
    );
    expect(taken.body.data!.createProduct.userErrors[0].code).toBe('SKU_TAKEN');
    expect(await settled()).toBe(before);
  });
});

describe('searchProducts when OpenSearch is down (OPENSEARCH_URL at a closed port)', () => {
  let h: Awaited<ReturnType<typeof startDown>>;
  async function startDown() {
    const { database, cleanup } = await testDatabaseTargets()[0]!.open();
    await prepareProductDatabase(database, { seed: true });
    const gatewayKey = await loadSigningKey();
    const search = createOpenSearchIndex({ node: 'http://127.0.0.1:1' });
    const subgraph = await startProductSubgraph({
      database,
      gatewayKeys: [gatewayKey],
      port: 0,
      search,
    });
    return {
      call: (query: string) =>
        callSubgraph(
          { url: subgraph.url, subgraph: PRODUCT_SUBGRAPH, gatewayKey, identity: null },
          { query },
        ),
      async close() {
        await subgraph.stop();
        await search.close();
        await cleanup();
      },
    };
  }
  beforeAll(async () => {
    h = await startDown();
  });
  afterAll(async () => h?.close());

  it('should answer SEARCH_UNAVAILABLE within 1 s and keep the other fields', async () => {
    const started = performance.now();
    const { body } = await h.call(
      `{ searchProducts(query: "iphone") { totalCount } categories { slug } }`,
    );
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions!.code).toBe('SEARCH_UNAVAILABLE');
    expect(body.errors![0]!.path).toEqual(['searchProducts']);
    expect(body.data!.searchProducts).toBeNull();
    expect(body.data!.categories.map((c: { slug: string }) => c.slug)).toHaveLength(5);
  });
});

import { postGraphQL, testDatabaseTargets } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareProductDatabase } from '../src/index';
import { errorCode, startHarness, type Harness } from './harness';

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $filter: ProductFilter) {
    products(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        cursor
        node {
          id
          name
          status
          category {
            slug
            path {
              slug
            }
          }
        }
      }
    }
  }
`;

interface PageResult {
  products: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      cursor: string;
      node: {
        id: string;
        name: string;
        status: string;
        category: { slug: string; path: Array<{ slug: string }> } | null;
      };
    }>;
  };
}

describe.each(testDatabaseTargets())('product catalog reads on $name', (target) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('should seed at least 60 published products in a tree of at least 4 root categories', async () => {
    const { body } = await h.customer(`{
      categories { slug children { slug parent { slug } } }
      products(first: 1) { totalCount }
    }`);
    expect(body.errors).toBeUndefined();
    const roots = body.data!.categories as Array<{
      slug: string;
      children: Array<{ slug: string; parent: { slug: string } }>;
    }>;
    expect(roots.map((root) => root.slug)).toEqual([
      'electronics',
      'home',
      'apparel',
      'books',
      'sports',
    ]);
    for (const root of roots) {
      expect(root.children.length).toBeGreaterThan(0);
      for (const child of root.children) expect(child.parent.slug).toBe(root.slug);
    }
    expect(body.data!.products.totalCount).toBe(66);

    const [stats] = await h.database.query<{
      published: number;
      min_variants: number;
      max_variants: number;
      sold_out: number;
    }>(`select
          (select count(*)::int from product.products where status = 'PUBLISHED') as published,
          (select min(n)::int from (select count(*) n from product.variants group by product_id) v) as min_variants,
          (select max(n)::int from (select count(*) n from product.variants group by product_id) v) as max_variants,
          (select count(*)::int from product.variants where stock_on_hand = 0) as sold_out`);
    expect(stats).toMatchObject({ published: 66, min_variants: 1, max_variants: 3 });
    expect(stats!.sold_out).toBeGreaterThan(0);
  });

  it('should not seed twice when the database is prepared again', async () => {
    const before = await h.counts();
    await prepareProductDatabase(h.database, { seed: true });
    expect(await h.counts()).toEqual(before);
  });

  it('should walk every product exactly once with cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let totalCount = 0;
    for (let pageNumber = 0; pageNumber < 20; pageNumber += 1) {
      const { body } = await h.customer(PAGE, { first: 7, after });
      expect(body.errors).toBeUndefined();
      const page = (body.data as PageResult).products;
      totalCount = page.totalCount;
      seen.push(...page.edges.map((edge) => edge.node.id));
      expect(page.edges.at(-1)?.cursor ?? null).toBe(page.pageInfo.endCursor);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(totalCount).toBe(66);
    expect(seen).toHaveLength(66);
    expect(new Set(seen).size).toBe(66);
  });

  it('should default to 20 products per page', async () => {
    const { body } = await h.customer(PAGE);
    expect((body.data as PageResult).products.edges).toHaveLength(20);
    expect((body.data as PageResult).products.pageInfo.hasNextPage).toBe(true);
  });

  it.each([
    ['first = 0', { first: 0 }],
    ['first = 101', { first: 101 }],
    ['a garbage cursor', { after: 'not-a-cursor' }],
    [
      'a well-formed cursor of the wrong shape',
      { after: Buffer.from('[1,2]').toString('base64url') },
    ],
  ])('should answer BAD_USER_INPUT for %s', async (_label, variables) => {
    const { body } = await h.customer(PAGE, variables);
    expect(errorCode(body)).toBe('BAD_USER_INPUT');
    expect(body.data).toEqual({ products: null });
  });

  it('should match names case-insensitively and treat % and _ literally', async () => {
    const { body } = await h.customer(PAGE, { filter: { nameContains: 'IPHONE 15' } });
    const names = (body.data as PageResult).products.edges.map((edge) => edge.node.name);
    expect(names.sort()).toEqual(['iPhone 15', 'iPhone 15 Plus', 'iPhone 15 Pro']);
    expect((body.data as PageResult).products.totalCount).toBe(3);

    for (const term of ['%', '1_', 'iPhone%Pro']) {
      const { body: literal } = await h.customer(PAGE, { filter: { nameContains: term } });
      expect(literal.errors).toBeUndefined();
      expect((literal.data as PageResult).products.totalCount).toBe(0);
    }
  });

  it('should include descendant categories when filtering by category', async () => {
    const { body: tree } = await h.customer(`{
      electronics: category(slug: "electronics") { id }
      phones: category(slug: "phones") { id }
    }`);
    const { electronics, phones } = tree.data as Record<string, { id: string }>;

    const { body: all } = await h.customer(PAGE, {
      first: 100,
      filter: { categoryId: electronics!.id },
    });
    const page = (all.data as PageResult).products;
    expect(page.totalCount).toBe(24);
    expect(page.edges).toHaveLength(24);
    for (const { node } of page.edges) {
      expect(node.category!.path[0]!.slug).toBe('electronics');
      expect(['phones', 'laptops', 'audio']).toContain(node.category!.slug);
    }

    const { body: phoneBody } = await h.customer(PAGE, {
      first: 100,
      filter: { categoryId: phones!.id, nameContains: 'pixel' },
    });
    expect((phoneBody.data as PageResult).products.totalCount).toBe(3);

    const { body: unknown } = await h.customer(PAGE, {
      filter: { categoryId: '00000000-0000-4000-8000-000000000000' },
    });
    expect((unknown.data as PageResult).products.totalCount).toBe(0);
  });

  it('should resolve a category with its path and products', async () => {
    const { body } = await h.customer(`{
      category(slug: "laptops") {
        name
        parent { name }
        children { slug }
        path { name }
        products(first: 2) { totalCount edges { node { name } } pageInfo { hasNextPage } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data!.category).toEqual({
      name: 'Laptops',
      parent: { name: 'Electronics' },
      children: [],
      path: [{ name: 'Electronics' }, { name: 'Laptops' }],
      products: {
        totalCount: 9,
        edges: [{ node: { name: 'MacBook Air 13' } }, { node: { name: 'MacBook Air 15' } }],
        pageInfo: { hasNextPage: true },
      },
    });

    const { body: both } = await h.customer(`{ category(id: "x", slug: "y") { id } }`);
    expect(errorCode(both)).toBe('BAD_USER_INPUT');
  });

  it('should resolve a product by slug with variants, prices and stock', async () => {
    const { body } = await h.customer(`{
      product(slug: "iphone-15-pro") {
        name status description
        category { slug }
        priceRange { min { amount currencyCode } max { amount currencyCode } }
        variants { sku name price { amount currencyCode } stockOnHand inStock attributes { name value } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const product = body.data!.product;
    expect(product).toMatchObject({
      name: 'iPhone 15 Pro',
      status: 'PUBLISHED',
      category: { slug: 'phones' },
      priceRange: {
        min: { amount: 99_900, currencyCode: 'USD' },
        max: { amount: 119_900, currencyCode: 'USD' },
      },
    });
    expect(product.description).toContain('iPhone 15 Pro');
    expect(product.variants.map((v: { sku: string }) => v.sku)).toEqual([
      'IPHONE-15-PRO-128-GB',
      'IPHONE-15-PRO-256-GB',
      'IPHONE-15-PRO-512-GB',
    ]);
    for (const variant of product.variants) {
      expect(variant.inStock).toBe(variant.stockOnHand > 0);
      expect(variant.attributes).toEqual([{ name: 'storage', value: variant.name }]);
    }
  });

  it('should answer null for unknown or malformed ids', async () => {
    const { body } = await h.customer(`{
      a: product(id: "not-a-uuid") { id }
      b: product(id: "00000000-0000-4000-8000-000000000000") { id }
      c: variant(id: "nope") { id }
      d: category(id: "nope") { id }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ a: null, b: null, c: null, d: null });
  });

  it('should resolve Product and Variant entity references', async () => {
    const { body: lookup } = await h.customer(`{
      product(slug: "pixel-8") { id variants { id sku } }
    }`);
    const product = lookup.data!.product as {
      id: string;
      variants: Array<{ id: string; sku: string }>;
    };
    const variant = product.variants[0]!;

    const { body } = await h.anonymous(
      `query Entities($representations: [_Any!]!) {
        _entities(representations: $representations) {
          __typename
          ... on Product { id name variants { sku } }
          ... on Variant { id sku price { amount currencyCode } product { id name } }
        }
      }`,
      {
        representations: [
          { __typename: 'Product', id: product.id },
          { __typename: 'Variant', id: variant.id },
          { __typename: 'Product', id: '00000000-0000-4000-8000-000000000000' },
        ],
      },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities).toEqual([
      {
        __typename: 'Product',
        id: product.id,
        name: 'Pixel 8',
        variants: product.variants.map((v) => ({ sku: v.sku })),
      },
      {
        __typename: 'Variant',
        id: variant.id,
        sku: variant.sku,
        price: { amount: 69_900, currencyCode: 'USD' },
        product: { id: product.id, name: 'Pixel 8' },
      },
      null,
    ]);
  });

  it('should answer 401 to a direct call without a gateway token', async () => {
    const result = await postGraphQL(h.subgraph.url, { query: '{ categories { id } }' });
    expect(result.status).toBe(401);
    expect(errorCode(result.body)).toBe('UNAUTHENTICATED');

    const forged = await postGraphQL(h.subgraph.url, {
      query: '{ categories { id } }',
      headers: { 'x-user-id': 'admin-1', authorization: 'Bearer forged.token.value' },
    });
    expect(forged.status).toBe(401);
  });

  it('should report ready while the database answers', async () => {
    const response = await fetch(h.subgraph.url.replace('/graphql', '/readyz'));
    expect(response.status).toBe(200);
  });
});

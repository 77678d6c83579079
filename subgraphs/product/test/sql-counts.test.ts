import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelQueriesByServer, testDatabaseTargets } from '@shop/testing';
import { startHarness, type Harness } from './harness';

// SQL per operation must not grow with the number of entities (docs/CONVENTIONS.md).
const VARIANT_ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Variant { id name price { amount } product { id name category { name path { name } } } }
  }
}`;
const PRODUCT_ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Product {
      id name priceRange { min { amount } }
      variants { id }
      category { name parent { name } path { name } }
    }
  }
}`;

describe.each(testDatabaseTargets())('product SQL per operation on $name', (target) => {
  let h: Harness;
  let products: Array<{ id: string; variants: Array<{ id: string }> }>;

  beforeAll(async () => {
    h = await startHarness(target);
    labelQueriesByServer({ product: h.subgraph });
    const listed = await h.admin(
      `query { products(first: 60) { edges { node { id variants { id } } } } }`,
    );
    products = (listed.body.data?.products.edges as Array<{ node: (typeof products)[number] }>).map(
      (edge) => edge.node,
    );
    expect(products.length).toBe(60);
  });
  afterAll(async () => {
    await h?.close();
  });

  const sqlOf = async <T>(fn: () => Promise<T>) => {
    const { result, byLabel } = await h.database.countQueries(fn);
    return { result, queries: byLabel.product ?? 0 };
  };
  const refs = (typename: string, ids: string[]) => ids.map((id) => ({ __typename: typename, id }));

  it('should resolve 50 variants with product and category path in as many queries as 1', async () => {
    const ids = products
      .flatMap((product) => product.variants.map((variant) => variant.id))
      .slice(0, 50);
    expect(ids).toHaveLength(50);
    const one = await sqlOf(() =>
      h.admin(VARIANT_ENTITIES, { representations: refs('Variant', ids.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() =>
      h.admin(VARIANT_ENTITIES, { representations: refs('Variant', ids) }),
    );
    console.log(`[sql] product _entities(Variant): 1 → ${one.queries}, 50 → ${fifty.queries}`);

    expect(fifty.result.body.errors).toBeUndefined();
    const variants = fifty.result.body.data?._entities as Array<{
      id: string;
      product: { id: string; category: { name: string; path: Array<{ name: string }> } };
    }>;
    expect(variants.map((variant) => variant.id)).toEqual(ids);
    for (const variant of variants) {
      expect(
        products.find((p) => p.id === variant.product.id)?.variants.map((v) => v.id),
      ).toContain(variant.id);
      expect(variant.product.category.path.at(-1)?.name).toBe(variant.product.category.name);
      expect(variant.product.category.path).toHaveLength(2);
    }
    expect(fifty.queries).toBe(one.queries);
    expect(fifty.queries).toBeLessThanOrEqual(4); // variants, products, categories, paths
  });

  it('should resolve 50 products with variants, price range and category in as many queries as 1', async () => {
    const ids = products.slice(0, 50).map((product) => product.id);
    const one = await sqlOf(() =>
      h.admin(PRODUCT_ENTITIES, { representations: refs('Product', ids.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() =>
      h.admin(PRODUCT_ENTITIES, { representations: refs('Product', ids) }),
    );
    console.log(`[sql] product _entities(Product): 1 → ${one.queries}, 50 → ${fifty.queries}`);

    expect(fifty.result.body.errors).toBeUndefined();
    const found = fifty.result.body.data?._entities as Array<{
      id: string;
      variants: Array<{ id: string }>;
      category: { parent: { name: string } | null };
    }>;
    expect(found.map((product) => [product.id, product.variants])).toEqual(
      products.slice(0, 50).map((product) => [product.id, product.variants]),
    );
    expect(found.every((product) => product.category.parent !== null)).toBe(true);
    expect(fifty.queries).toBe(one.queries);
    expect(fifty.queries).toBeLessThanOrEqual(5); // products, variants, categories ×2 levels, paths
  });
});

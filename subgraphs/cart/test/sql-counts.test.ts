import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@shop/auth';
import { labelQueriesByServer, testDatabaseTargets } from '@shop/testing';
import { ADD, customer, startHarness, type Harness } from './harness';

// SQL per operation must not grow with the number of entities (docs/CONVENTIONS.md).
const CART_ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Cart { id status totalQuantity lines { variantId quantity } }
  }
}`;
const SERVICE: Identity = { userId: 'service:notification', roles: ['SERVICE'] };

describe.each(testDatabaseTargets())('cart SQL per operation on $name', (target) => {
  let h: Harness;
  const owners: Identity[] = [];
  const cartIds: string[] = [];

  beforeAll(async () => {
    h = await startHarness(target);
    labelQueriesByServer({ cart: h.subgraph });
    const variant = h.product.add({ sku: 'SQL-COUNT' });
    for (let i = 0; i < 50; i += 1) {
      const owner = customer();
      const added = await h.mutate(owner, ADD, {
        lines: [{ variantId: variant.id, quantity: (i % 3) + 1 }],
      });
      expect(added.userErrors).toEqual([]);
      owners.push(owner);
      cartIds.push(added.cart!.id);
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  const sqlOf = async <T>(fn: () => Promise<T>) => {
    const { result, byLabel } = await h.database.countQueries(fn);
    return { result, queries: byLabel.cart ?? 0 };
  };
  const refs = (ids: string[]) => ids.map((id) => ({ __typename: 'Cart', id }));

  it('should resolve 50 carts with their lines in as many queries as 1', async () => {
    const one = await sqlOf(() =>
      h.call(SERVICE, CART_ENTITIES, { representations: refs(cartIds.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() =>
      h.call(SERVICE, CART_ENTITIES, { representations: refs(cartIds) }),
    );
    console.log(`[sql] cart _entities(Cart): 1 → ${one.queries}, 50 → ${fifty.queries}`);

    expect(fifty.result.errors).toBeUndefined();
    const carts = fifty.result.data._entities as Array<{
      id: string;
      totalQuantity: number;
      lines: Array<{ quantity: number }>;
    }>;
    expect(carts.map((cart) => cart.id)).toEqual(cartIds);
    expect(carts.map((cart) => cart.totalQuantity)).toEqual(cartIds.map((_, i) => (i % 3) + 1));
    expect(fifty.queries).toBe(one.queries);
    expect(fifty.queries).toBeLessThanOrEqual(3); // heads, carts, lines
  });

  it('should read a guest cart once for any number of aliased cart(cartToken) roots', async () => {
    const variant = h.product.add({ sku: 'SQL-COUNT-GUEST' });
    const added = await h.mutate(null, ADD, { lines: [{ variantId: variant.id, quantity: 1 }] });
    const cartToken = added.cartToken!;
    const roots = (n: number) =>
      `query ($t: String) { ${Array.from({ length: n }, (_, i) => `c${i}: cart(cartToken: $t) { id totalQuantity }`).join(' ')} }`;
    const one = await sqlOf(() => h.call(null, roots(1), { t: cartToken }));
    const twenty = await sqlOf(() => h.call(null, roots(20), { t: cartToken }));
    console.log(`[sql] cart(cartToken) roots: 1 → ${one.queries}, 20 → ${twenty.queries}`);
    expect(twenty.result.errors).toBeUndefined();
    expect(Object.values(twenty.result.data).map((cart: any) => cart.id)).toEqual(
      Array.from({ length: 20 }, () => added.cart!.id),
    );
    expect(twenty.queries).toBe(one.queries);
  });

  it('should still show a customer only their own cart, one by one, within one batch', async () => {
    const one = await sqlOf(() =>
      h.call(owners[0]!, CART_ENTITIES, { representations: refs(cartIds.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() =>
      h.call(owners[0]!, CART_ENTITIES, { representations: refs(cartIds) }),
    );
    const seen = fifty.result.data._entities as Array<{ id: string } | null>;
    expect(seen.map((cart) => cart?.id ?? null)).toEqual(
      cartIds.map((id, i) => (i === 0 ? id : null)),
    );
    expect(fifty.queries).toBe(one.queries);
  });
});

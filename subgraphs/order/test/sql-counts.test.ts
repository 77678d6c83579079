import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelQueriesByServer, testDatabaseTargets } from '@shop/testing';
import { ADMIN, customer, ORDER_FIELDS, startHarness, type Harness } from './harness';

// SQL per operation must not grow with the number of entities (docs/CONVENTIONS.md).
const ORDER_ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Order { ${ORDER_FIELDS} } }
}`;

const USER_ORDERS = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { id orders(first: 3) { edges { node { id number lines { quantity } } } } }
  }
}`;

const orderRefs = (ids: string[]) => ids.map((id) => ({ __typename: 'Order', id }));

describe.each(testDatabaseTargets())('order SQL per operation on $name', (target) => {
  let h: Harness;
  const alice = customer();
  const bob = customer();
  const aliceOrders: string[] = [];
  const bobOrders: string[] = [];

  beforeAll(async () => {
    h = await startHarness(target);
    labelQueriesByServer({ order: h.subgraph });
    for (let i = 0; i < 25; i += 1) {
      aliceOrders.push((await h.placeOrder(alice)).order.id as string);
      bobOrders.push((await h.placeOrder(bob)).order.id as string);
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The order subgraph's SQL statements while `fn` runs (background pollers excluded). */
  const sqlOf = async <T>(fn: () => Promise<T>) => {
    const { result, byLabel } = await h.database.countQueries(fn);
    return { result, queries: byLabel.order ?? 0 };
  };

  it('should resolve 50 orders with lines and history in as many queries as 1', async () => {
    const all = [...aliceOrders, ...bobOrders];
    const one = await sqlOf(() =>
      h.call(ADMIN, ORDER_ENTITIES, { representations: orderRefs(all.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() =>
      h.call(ADMIN, ORDER_ENTITIES, { representations: orderRefs(all) }),
    );
    console.log(`[sql] order _entities(Order): 1 → ${one.queries}, 50 → ${fifty.queries} queries`);

    expect(one.result.errors).toBeUndefined();
    expect(fifty.result.errors).toBeUndefined();
    const orders = fifty.result.data._entities as Array<{
      id: string;
      lines: Array<{ quantity: number }>;
      history: Array<{ to: string }>;
    }>;
    expect(orders.map((order) => order.id)).toEqual(all);
    for (const order of orders) {
      expect(order.lines.map((line) => line.quantity)).toEqual([2]);
      expect(order.history.map((change) => change.to)).toEqual(['PENDING_PAYMENT']);
    }
    // orders, lines, history: one query each, whatever the number of orders
    expect(fifty.queries).toBe(one.queries);
    expect(fifty.queries).toBeLessThanOrEqual(3);
  });

  it('should still hide other customers’ orders, one by one, within one batch', async () => {
    const mixed = aliceOrders.flatMap((id, i) => [id, bobOrders[i]!]);
    const one = await sqlOf(() =>
      h.call(alice, ORDER_ENTITIES, { representations: orderRefs(mixed.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() =>
      h.call(alice, ORDER_ENTITIES, { representations: orderRefs(mixed) }),
    );

    expect(fifty.result.errors).toBeUndefined();
    const seen = fifty.result.data._entities as Array<{ id: string } | null>;
    expect(seen.map((order) => order?.id ?? null)).toEqual(
      mixed.map((id, i) => (i % 2 === 0 ? id : null)),
    );
    expect(fifty.queries).toBe(one.queries);
  });

  it('should read the orders of many users in as many queries as of one', async () => {
    const users = [alice, bob, customer()].map((u) => ({ __typename: 'User', id: u.userId }));
    const one = await sqlOf(() =>
      h.call(ADMIN, USER_ORDERS, { representations: users.slice(0, 1) }),
    );
    const three = await sqlOf(() => h.call(ADMIN, USER_ORDERS, { representations: users }));
    console.log(`[sql] order _entities(User.orders): 1 → ${one.queries}, 3 → ${three.queries}`);

    expect(three.result.errors).toBeUndefined();
    const pages = three.result.data._entities as Array<{
      orders: { edges: Array<{ node: { id: string; lines: unknown[] } }> };
    }>;
    expect(pages.map((user) => user.orders.edges.map((edge) => edge.node.id))).toEqual([
      aliceOrders.slice(-3).reverse(),
      bobOrders.slice(-3).reverse(),
      [],
    ]);
    expect(three.queries).toBe(one.queries);
    expect(three.queries).toBeLessThanOrEqual(2); // the pages, their lines

    // a customer asking for several users' orders only gets their own
    const asAlice = await h.call(alice, USER_ORDERS, { representations: users });
    const own = asAlice.data._entities as Array<{ orders: { edges: unknown[] } }>;
    expect(own.map((user) => user.orders.edges.length)).toEqual([3, 0, 0]);
  });
});

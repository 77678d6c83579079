import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelQueriesByServer, testDatabaseTargets } from '@shop/testing';
import { admin, customer, newOrder, orderCreated, startHarness, type Harness } from './harness';

// SQL per operation must not grow with the number of entities (docs/CONVENTIONS.md).
const USER_NOTIFICATIONS = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { id notifications(first: 2) { edges { node { orderId } } } }
  }
}`;

describe.each(testDatabaseTargets())('notification SQL per operation on $name', (target) => {
  let h: Harness;
  const users = Array.from({ length: 10 }, () => customer());
  const ordersOf = new Map<string, string[]>();

  beforeAll(async () => {
    h = await startHarness(target);
    labelQueriesByServer({ notification: h.subgraph });
    let seq = 0;
    for (const user of users) {
      const orders = [
        newOrder(user.userId, (seq += 1)),
        newOrder(user.userId, (seq += 1)),
        newOrder(user.userId, (seq += 1)),
      ];
      ordersOf.set(
        user.userId,
        orders.map((order) => order.orderId),
      );
      await h.publish(...orders.map(orderCreated));
    }
    await h.settle();
  });
  afterAll(async () => {
    await h?.close();
  });

  const sqlOf = async <T>(fn: () => Promise<T>) => {
    const { result, byLabel } = await h.database.countQueries(fn);
    return { result, queries: byLabel.notification ?? 0 };
  };
  const refs = (ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));

  it('should read a page of notifications of 10 users in as many queries as of 1', async () => {
    const ids = users.map((user) => user.userId);
    const caller = admin();
    const one = await sqlOf(() =>
      h.call(caller, USER_NOTIFICATIONS, { representations: refs(ids.slice(0, 1)) }),
    );
    const ten = await sqlOf(() =>
      h.call(caller, USER_NOTIFICATIONS, { representations: refs(ids) }),
    );
    console.log(
      `[sql] notification _entities(User.notifications): 1 → ${one.queries}, 10 → ${ten.queries}`,
    );

    expect(ten.result.errors).toBeUndefined();
    const pages = ten.result.data._entities as Array<{
      notifications: { edges: Array<{ node: { orderId: string } }> };
    }>;
    // newest two of each user
    expect(pages.map((user) => user.notifications.edges.map((edge) => edge.node.orderId))).toEqual(
      ids.map((id) => ordersOf.get(id)!.slice(1).reverse()),
    );
    expect(ten.queries).toBe(one.queries);
    expect(ten.queries).toBeLessThanOrEqual(1);
  });

  it('should give a customer only their own notifications, user by user, within one batch', async () => {
    const ids = users.map((user) => user.userId);
    const result = await h.call(users[2]!, USER_NOTIFICATIONS, { representations: refs(ids) });
    const pages = result.data._entities as Array<{ notifications: { edges: unknown[] } }>;
    expect(pages.map((user) => user.notifications.edges.length)).toEqual(
      ids.map((_, i) => (i === 2 ? 2 : 0)),
    );
  });
});

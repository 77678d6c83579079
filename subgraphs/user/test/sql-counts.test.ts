import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@shop/auth';
import { countQueries, labelQueriesByServer, testDatabaseTargets } from '@shop/testing';
import { startHarness, type Harness } from './harness';

// SQL per operation must not grow with the number of entities (docs/CONVENTIONS.md).
const USER_ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { id name email addresses { city } }
  }
}`;
const ADD_ADDRESS = `mutation ($input: AddressInput!) {
  addAddress(input: $input) { address { id } userErrors { code message } }
}`;
const ADMIN: Identity = { userId: '00000000-0000-4000-8000-000000000001', roles: ['ADMIN'] };

describe.each(testDatabaseTargets())('user SQL per operation on $name', (target) => {
  let h: Harness;
  const users: Array<{ id: string; email: string; identity: Identity }> = [];

  beforeAll(async () => {
    h = await startHarness(target);
    labelQueriesByServer({ user: h.subgraph });
    for (let i = 0; i < 50; i += 10) {
      const registered = await Promise.all(Array.from({ length: 10 }, () => h.register()));
      for (const result of registered) {
        users.push({
          id: result.user.id,
          email: result.user.email!,
          identity: await h.identityOf(result.accessToken),
        });
      }
    }
    for (const [i, user] of users.entries()) {
      const added = await h.call(user.identity, ADD_ADDRESS, {
        input: {
          fullName: `User ${i}`,
          line1: `${i} Main Street`,
          city: `City ${i}`,
          postalCode: '10115',
          countryCode: 'DE',
        },
      });
      expect(added.data.addAddress.userErrors).toEqual([]);
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  const sqlOf = async <T>(fn: () => Promise<T>) => {
    const { result, byLabel } = await countQueries(h.database, fn);
    return { result, queries: byLabel.user ?? 0 };
  };
  const refs = (ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));

  it('should resolve 50 users with their addresses in as many queries as 1', async () => {
    const ids = users.map((user) => user.id);
    const one = await sqlOf(() =>
      h.call(ADMIN, USER_ENTITIES, { representations: refs(ids.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() => h.call(ADMIN, USER_ENTITIES, { representations: refs(ids) }));
    console.log(`[sql] user _entities(User): 1 → ${one.queries}, 50 → ${fifty.queries}`);

    expect(fifty.result.errors).toBeUndefined();
    const found = fifty.result.data._entities as Array<{
      id: string;
      email: string | null;
      addresses: Array<{ city: string }>;
    }>;
    expect(found.map((user) => [user.id, user.email])).toEqual(users.map((u) => [u.id, u.email]));
    expect(found.map((user) => user.addresses)).toEqual(
      users.map((_, i) => [{ city: `City ${i}` }]),
    );
    expect(fifty.queries).toBe(one.queries);
    expect(fifty.queries).toBeLessThanOrEqual(2); // users, addresses
  });

  it('should show private fields of the caller only, one by one, within one batch', async () => {
    const ids = users.map((user) => user.id);
    const me = users[3]!;
    const one = await sqlOf(() =>
      h.call(me.identity, USER_ENTITIES, { representations: refs(ids.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() =>
      h.call(me.identity, USER_ENTITIES, { representations: refs(ids) }),
    );
    const found = fifty.result.data._entities as Array<{
      id: string;
      email: string | null;
      addresses: unknown[];
    }>;
    expect(found.map((user) => user.email)).toEqual(
      ids.map((id) => (id === me.id ? me.email : null)),
    );
    expect(found.map((user) => user.addresses.length)).toEqual(
      ids.map((id) => (id === me.id ? 1 : 0)),
    );
    expect(fifty.queries).toBeLessThanOrEqual(one.queries + 1); // + the caller's addresses
  });

  it('should resolve 50 users with their sessions and verification flag in as many queries as 1', async () => {
    const SESSIONS = `query ($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on User { id emailVerified sessions { id } } } }`;
    const ids = users.map((user) => user.id);
    const one = await sqlOf(() =>
      h.call(ADMIN, SESSIONS, { representations: refs(ids.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() => h.call(ADMIN, SESSIONS, { representations: refs(ids) }));
    console.log(`[sql] user _entities(User) sessions: 1 → ${one.queries}, 50 → ${fifty.queries}`);
    expect(fifty.result.errors).toBeUndefined();
    const found = fifty.result.data._entities as Array<{
      emailVerified: boolean | null;
      sessions: unknown[];
    }>;
    // Each was registered once: one session, not verified yet.
    expect(found.map((user) => [user.emailVerified, user.sessions.length])).toEqual(
      ids.map(() => [false, 1]),
    );
    expect(fifty.queries).toBe(one.queries);
    expect(fifty.queries).toBeLessThanOrEqual(2); // users, sessions
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  createVerifier,
  loadSigningKey,
  mintInternalToken,
  type Identity,
} from '@shop/auth';
import { postGraphQL, testDatabaseTargets } from '@shop/testing';
import { DEMO_ACCOUNTS, USER_SUBGRAPH } from '../src/index';
import { startHarness, type Harness } from './harness';

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { id email name roles addresses { city } }
  }
}`;
const USERS = `query ($first: Int, $after: String) {
  users(first: $first, after: $after) {
    edges { cursor node { id email } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe.each(testDatabaseTargets())('user subgraph access control on $name', (target) => {
  let h: Harness;
  let customer: Identity;
  let admin: Identity;
  let other: Identity;

  beforeAll(async () => {
    h = await startHarness(target);
    customer = await h.identityOf((await h.login(DEMO_ACCOUNTS.customer)).accessToken);
    admin = await h.identityOf((await h.login(DEMO_ACCOUNTS.admin)).accessToken);
    other = await h.identityOf((await h.register()).accessToken);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('should resolve User references and hide private fields from other users', async () => {
    const representations = [
      { __typename: 'User', id: customer.userId },
      { __typename: 'User', id: '00000000-0000-4000-8000-000000000000' },
      { __typename: 'User', id: 'not-a-uuid' },
    ];
    const asOther = await h.call(other, ENTITIES, { representations });
    expect(asOther.errors).toBeUndefined();
    expect(asOther.data._entities).toEqual([
      { id: customer.userId, email: null, name: 'Casey Customer', roles: [], addresses: [] },
      null,
      null,
    ]);
    const asAnonymous = await h.call(null, ENTITIES, { representations });
    expect(asAnonymous.data._entities[0]).toMatchObject({ email: null, roles: [] });

    const self = {
      id: customer.userId,
      email: DEMO_ACCOUNTS.customer.email,
      name: 'Casey Customer',
    };
    const asSelf = await h.call(customer, ENTITIES, { representations });
    expect(asSelf.data._entities[0]).toEqual({
      ...self,
      roles: ['CUSTOMER'],
      addresses: [{ city: 'Berlin' }],
    });
    const asAdmin = await h.call(admin, ENTITIES, { representations });
    expect(asAdmin.data._entities[0]).toEqual(asSelf.data._entities[0]);
  });

  it('should page through users for admins only', async () => {
    const forbidden = await h.call(customer, USERS, { first: 1 });
    expect(forbidden.data).toEqual({ users: null });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const first = await h.call(admin, USERS, { first: 2 });
    expect(first.errors).toBeUndefined();
    const page1 = first.data.users;
    expect(page1.edges.map((edge: any) => edge.node.email)).toEqual([
      DEMO_ACCOUNTS.admin.email,
      DEMO_ACCOUNTS.customer.email,
    ]);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const second = await h.call(admin, USERS, { first: 2, after: page1.pageInfo.endCursor });
    expect(second.data.users.edges.map((edge: any) => edge.node.id)).toEqual([other.userId]);
    expect(second.data.users.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const bad = await h.call(admin, USERS, { after: 'garbage' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('should answer 401 to requests without a valid gateway token', async () => {
    const query = { query: '{ me { id email } }' };
    const noToken = await postGraphQL(h.subgraph.url, query);
    expect(noToken.status).toBe(401);
    expect(noToken.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(noToken.body.data ?? null).toBeNull();

    const forged = await postGraphQL(h.subgraph.url, {
      ...query,
      headers: { 'x-user-id': customer.userId, 'x-user-roles': 'ADMIN' },
    });
    expect(forged.status).toBe(401);

    const foreignKey = await loadSigningKey();
    const foreign = await postGraphQL(h.subgraph.url, {
      ...query,
      token: await mintInternalToken(foreignKey, USER_SUBGRAPH, customer),
    });
    expect(foreign.status).toBe(401);

    const wrongAudience = await postGraphQL(h.subgraph.url, {
      ...query,
      token: await mintInternalToken(h.gatewayKey, 'order', customer),
    });
    expect(wrongAudience.status).toBe(401);

    // a client access token is not a gateway token either
    const userToken = (await h.login(DEMO_ACCOUNTS.customer)).accessToken!;
    const asClient = await postGraphQL(h.subgraph.url, { ...query, token: userToken });
    expect(asClient.status).toBe(401);
  });

  it('should serve the access-token public key as JWKS without the private part', async () => {
    const response = await fetch(new URL('/.well-known/jwks.json', h.subgraph.url));
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid: h.accessTokenKey.kid, alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');

    const verify = createVerifier({
      keys: jwks as any,
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      type: ACCESS_TOKEN_TYPE,
      requireSubject: true,
    });
    const token = (await h.login(DEMO_ACCOUNTS.admin)).accessToken!;
    const verified = await verify(token);
    expect(verified.ok && verified.payload.sub).toBe(admin.userId);
  });

  it('should report ready while the database answers', async () => {
    const response = await fetch(new URL('/readyz', h.subgraph.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });
});

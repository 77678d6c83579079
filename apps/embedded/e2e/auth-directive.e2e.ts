import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSubgraph } from '@shop/testing';
import {
  startTestGraph,
  subgraphRequests as countSubgraphRequests,
  type TestGraph,
} from './harness';

const ORDERS = `query { products(first: 1) { totalCount } orders(first: 1) { edges { node { id } } } }`;
const CREATE_CATEGORY = `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id name } userErrors { code } } }`;
const UPDATE_PROFILE = `mutation { updateProfile(input: { name: "Grace Hopper" }) { user { id name } userErrors { code } } }`;

// `@auth(requires: …)` through the real graph: the gateway refuses before any subgraph is called
// (401 anonymous, 403 without the role), and each subgraph refuses again on its own.
describe('@auth through the gateway and in the subgraphs', () => {
  let t: TestGraph;
  let subgraphRequests: () => Promise<number>;
  beforeAll(async () => {
    t = await startTestGraph('pglite');
    subgraphRequests = () => countSubgraphRequests(t);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should answer an anonymous caller of a guarded field 401 without calling any subgraph', async () => {
    // The counter moves when a subgraph is called (so "unchanged" below means something).
    const start = await subgraphRequests();
    expect((await t.gql(`query { products(first: 1) { totalCount } }`)).status).toBe(200);
    const before = await subgraphRequests();
    expect(before).toBeGreaterThan(start);

    const result = await t.gql(ORDERS);
    expect(result.status).toBe(401);
    expect(result.body.data ?? null).toBeNull();
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors?.[0]?.message).toBe('Authentication required to access Query.orders');
    expect(result.body.errors?.[0]?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      fields: ['Query.orders'],
    });

    const profile = await t.gql(UPDATE_PROFILE);
    expect(profile.status).toBe(401);
    expect(profile.body.errors?.[0]?.extensions?.fields).toEqual(['Mutation.updateProfile']);
    expect(await subgraphRequests()).toBe(before);

    // `me` is deliberately not guarded: anonymous callers get null, not an error.
    const me = await t.gql(`query { me { id } }`);
    expect(me.status).toBe(200);
    expect(me.body.errors).toBeUndefined();
    expect(me.body.data).toEqual({ me: null });
  });

  it('should answer a customer calling an admin mutation 403 without calling any subgraph', async () => {
    const customer = await t.newCustomer();
    const before = await subgraphRequests();
    const result = await t.gql(
      CREATE_CATEGORY,
      { input: { name: `Refused ${Date.now()}` } },
      customer.token,
    );
    expect(result.status).toBe(403);
    expect(result.body.data ?? null).toBeNull();
    expect(result.body.errors?.[0]?.message).toBe(
      'Not allowed: Mutation.createCategory requires ADMIN',
    );
    expect(result.body.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      fields: ['Mutation.createCategory'],
    });
    const orders = await t.gql(ORDERS, {}, customer.token);
    expect(orders.status).toBe(403);
    expect(await subgraphRequests()).toBe(before);

    // A signed-in customer passes `@auth` (AUTHENTICATED) on its own profile.
    const profile = await t.gql(UPDATE_PROFILE, {}, customer.token);
    expect(profile.status).toBe(200);
    expect(profile.body.data?.updateProfile).toEqual({
      user: { id: customer.id, name: 'Grace Hopper' },
      userErrors: [],
    });
  });

  it('should let an admin through', async () => {
    const admin = await t.adminToken();
    const name = `Lighting ${Date.now()}`;
    const created = await t.gql(CREATE_CATEGORY, { input: { name } }, admin);
    expect(created.status).toBe(200);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data?.createCategory.userErrors).toEqual([]);
    expect(created.body.data?.createCategory.category.name).toBe(name);

    const orders = await t.gql(ORDERS, {}, admin);
    expect(orders.status).toBe(200);
    expect(orders.body.errors).toBeUndefined();
    expect(Array.isArray(orders.body.data?.orders.edges)).toBe(true);
  });

  it('should be refused by the subgraph itself when called directly without the role', async () => {
    const customer = await t.newCustomer();
    const identity = { userId: customer.id, roles: ['CUSTOMER' as const] };
    const product = (who: typeof identity | null) => ({
      url: t.graph.subgraphs.product!.url,
      subgraph: 'product',
      gatewayKey: t.graph.gatewayKey,
      identity: who,
    });

    // A valid internal token (as the gateway would mint) for a customer: the directive's own
    // error, raised before the resolver (whose requireRole would say "Requires role ADMIN").
    const direct = await callSubgraph(product(identity), {
      query: CREATE_CATEGORY,
      variables: { input: { name: `Direct ${Date.now()}` } },
    });
    expect(direct.status).toBe(200);
    expect(direct.body.data).toEqual({ createCategory: null });
    expect(direct.body.errors?.[0]?.message).toBe('Mutation.createCategory requires ADMIN');
    expect(direct.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // A service-only (@inaccessible) field, absent from the gateway's API: subgraph only.
    const reserve = await callSubgraph(product(identity), {
      query: `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { ok } }`,
      variables: { input: { orderId: '00000000-0000-4000-8000-000000000001', lines: [] } },
    });
    expect(reserve.body.errors?.[0]?.message).toBe('Mutation.reserveStock requires SERVICE');
    expect(reserve.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const anonymous = await callSubgraph(
      {
        url: t.graph.subgraphs.analytics!.url,
        subgraph: 'analytics',
        gatewayKey: t.graph.gatewayKey,
        identity: null,
      },
      {
        query: `query { salesSummary(range: { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" }) { orders } }`,
      },
    );
    expect(anonymous.body.errors?.[0]?.message).toBe(
      'Authentication required to access Query.salesSummary',
    );
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

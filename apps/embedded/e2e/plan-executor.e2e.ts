import { randomUUID } from 'node:crypto';
import { readCommittedSupergraph } from '@shop/schema';
import { postGraphQL } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '@shop/gateway';
import { placeOrder, startTestGraph, type TestGraph } from './harness';

// The plan executor (gateway/src/execution, our gateway's default) must answer exactly as
// @apollo/gateway's own executor does. Both gateways below run over the same subgraph
// processes and data; every query of the corpus goes to both and the responses must be equal —
// data, errors, their paths and codes. The rest of the e2e suite runs through the plan executor.

const ORDER_FIELDS = `id number status createdAt
  total { amount currencyCode }
  customer { id name email }
  lines { quantity productName unitPrice { amount currencyCode } variant { id sku name product { id name slug } } }
  paymentStatus
  payments { status amount { amount currencyCode } card { last4 } }`;

/** name → [query, variables, who sends it]. */
type Who = 'anonymous' | 'customer' | 'admin';
const CORPUS: Record<string, { query: string; variables?: Record<string, unknown>; who: Who }> = {
  listing: {
    query: `query Listing($first: Int!) { products(first: $first) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id slug name status category { id name parent { id name } }
      priceRange { min { amount currencyCode } max { amount currencyCode } }
      variants { id sku name inStock price { amount currencyCode } attributes { name value } } } } } }`,
    variables: { first: 8 },
    who: 'anonymous',
  },
  orderHistory: {
    query: `query History($first: Int!) { me { id orders(first: $first) { pageInfo { hasNextPage endCursor }
      edges { node { ${ORDER_FIELDS} } } } } }`,
    variables: { first: 50 },
    who: 'customer',
  },
  fragmentsAndAliases: {
    query: `query Frag { me { ...Who mine: orders(first: 2) { edges { node { ...O number alsoNumber: number } } }
        first: orders(first: 1) { edges { node { id } } } }
        __typename t: __typename }
      fragment Who on User { id name ... on User { email __typename } }
      fragment O on Order { id total { amount } lines { variant { ... on Variant { sku product { __typename name } } } } }`,
    who: 'customer',
  },
  skipInclude: {
    query: `query Cond($withLines: Boolean!, $skipTotal: Boolean = true) {
      me { orders(first: 3) { edges { node { id lines @include(if: $withLines) { quantity variant { sku } }
        total @skip(if: $skipTotal) { amount } ... @include(if: $withLines) { status } } } } } }`,
    variables: { withLines: true },
    who: 'customer',
  },
  skipIncludeOff: {
    query: `query Cond($withLines: Boolean!, $skipTotal: Boolean = true) {
      me { orders(first: 3) { edges { node { id lines @include(if: $withLines) { quantity variant { sku } }
        total @skip(if: $skipTotal) { amount } ... @include(if: $withLines) { status } } } } } }`,
    variables: { withLines: false, skipTotal: false },
    who: 'customer',
  },
  missingOrder: {
    query: `query Missing($id: ID!) { order(id: $id) { id number } }`,
    variables: { id: randomUUID() },
    who: 'customer',
  },
  badId: {
    query: `query Bad { order(id: "not-a-uuid") { id number customer { name } } me { id } }`,
    who: 'customer',
  },
  rootError: {
    query: `query { products(first: 2, after: "garbage") { totalCount } categories { id name } }`,
    who: 'anonymous',
  },
  entityError: {
    query: `query { me { id name orders(first: 0) { edges { node { id } } } } }`,
    who: 'customer',
  },
  entityErrorsInList: {
    query: `query { users(first: 3) { edges { node { id email orders(first: 0) { pageInfo { hasNextPage } } } } } }`,
    who: 'admin',
  },
  anonymousMe: { query: `query { me { id name } categories { id name } }`, who: 'anonymous' },
  adminUsers: {
    query: `query Users { users(first: 5) { edges { node { id email roles orders(first: 2) { edges { node { number payments { status } } } } } } } }`,
    who: 'admin',
  },
  variablesError: {
    query: `query V($first: Int!) { products(first: $first) { totalCount } }`,
    variables: { first: 'many' },
    who: 'anonymous',
  },
  introspection: {
    query: `query { __schema { queryType { name } } __type(name: "Money") { fields { name } } }`,
    who: 'anonymous',
  },
};

describe('plan executor ≡ @apollo/gateway executor', () => {
  let t: TestGraph;
  let apollo: RunningGateway;
  const tokens: Record<Who, string | undefined> = {
    anonymous: undefined,
    customer: undefined,
    admin: undefined,
  };

  beforeAll(async () => {
    t = await startTestGraph('pglite');
    const subgraphUrls = Object.fromEntries(
      Object.entries(t.graph.subgraphs).map(([name, subgraph]) => [name, subgraph.url]),
    );
    apollo = await startGateway({
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls,
      accessTokenKeys: new URL('/.well-known/jwks.json', subgraphUrls.user),
      signingKey: t.graph.gatewayKey,
      port: 0,
      host: '127.0.0.1',
      executor: 'apollo',
      limits: { requests: false },
      subscriptions: { enabled: false },
    });
    expect(apollo.planExecutor).toBeUndefined();

    // A customer with three paid orders of different products.
    const customer = await t.newCustomer();
    tokens.customer = customer.token;
    tokens.admin = await t.adminToken();
    const listed = await t.gql<{
      products: {
        edges: Array<{ node: { variants: Array<{ id: string; stockOnHand: number }> } }>;
      };
    }>(`query { products(first: 20) { edges { node { variants { id stockOnHand } } } } }`);
    const variants = listed.body
      .data!.products.edges.flatMap((edge) => edge.node.variants)
      .filter((variant) => variant.stockOnHand >= 5);
    for (let i = 0; i < 3; i += 1) {
      await placeOrder(
        t,
        customer.token,
        [
          { variantId: variants[i]!.id, quantity: 1 },
          { variantId: variants[i + 3]!.id, quantity: 2 },
        ],
        { pay: true },
      );
    }
  });
  afterAll(async () => {
    await apollo?.stop();
    await t?.stop();
  });

  it.each(Object.keys(CORPUS))('answers %s as @apollo/gateway does', async (name) => {
    const { query, variables, who } = CORPUS[name]!;
    const token = tokens[who];
    const before = { ...t.graph.gateway.planExecutor!.stats };
    const [ours, theirs] = await Promise.all([
      postGraphQL(t.url, { query, variables, token }),
      postGraphQL(apollo.url, { query, variables, token }),
    ]);
    expect(ours.status).toBe(theirs.status);
    expect(ours.body).toEqual(theirs.body);
    const stats = t.graph.gateway.planExecutor!.stats;
    if (name === 'introspection' || name === 'variablesError') {
      // Left to @apollo/gateway's executor.
      expect(stats.executed).toBe(before.executed);
    } else {
      expect(stats.executed).toBe(before.executed + 1);
    }
  });

  it('returns real data for the corpus (the comparison is not between two empty answers)', async () => {
    const history = await postGraphQL<{
      me: {
        orders: {
          edges: Array<{
            node: {
              lines: Array<{ variant: { product: { name: string } } }>;
              payments: Array<{ status: string }>;
              customer: { email: string };
            };
          }>;
        };
      };
    }>(t.url, {
      query: CORPUS.orderHistory!.query,
      variables: CORPUS.orderHistory!.variables,
      token: tokens.customer,
    });
    expect(history.body.errors).toBeUndefined();
    const orders = history.body.data!.me.orders.edges;
    expect(orders).toHaveLength(3);
    for (const { node } of orders) {
      expect(node.lines).toHaveLength(2);
      expect(node.lines[0]!.variant.product.name).toMatch(/\w/);
      expect(node.payments.map((p) => p.status)).toEqual(['AUTHORIZED']);
      expect(node.customer.email).toMatch(/@example\.com$/);
    }
    // A subgraph error on an entity fetch (`_entities`, 0, orders) is reported at its place in
    // the client's response.
    const failed = await postGraphQL(t.url, {
      query: CORPUS.entityError!.query,
      token: tokens.customer,
    });
    expect(failed.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['me', 'orders'], 'BAD_USER_INPUT'],
    ]);
    const root = await postGraphQL(t.url, { query: CORPUS.rootError!.query });
    expect(root.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['products'], 'BAD_USER_INPUT'],
    ]);
  });

  it('answers an order page with deferred payments and products (docs/defer.md) as without @defer', async () => {
    // The order subgraph's page, payments (payment subgraph) and products (product subgraph)
    // deferred: the parts, merged, must be the plan executor's non-deferred answer.
    const deferred = `query DeferredHistory { me { id orders(first: 3) { edges { node { id number
      ... @defer(label: "payments") { paymentStatus payments { status amount { amount currencyCode } } }
      lines { quantity ... @defer(label: "product") { variant { sku product { name } } } } } } } } }`;
    const response = await fetch(t.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;deferSpec=20220824, application/json',
        authorization: `Bearer ${tokens.customer}`,
      },
      body: JSON.stringify({ query: deferred }),
    });
    expect(response.headers.get('content-type')).toContain('multipart/mixed');
    const payloads = (await response.text())
      .split('\r\n---')
      .map((part) => part.slice(part.indexOf('\r\n\r\n') + 4).trim())
      .filter((json) => json.startsWith('{'))
      .map(
        (json) =>
          JSON.parse(json) as {
            data?: Record<string, unknown>;
            errors?: unknown[];
            incremental?: Array<{ path: Array<string | number>; data: Record<string, unknown> }>;
          },
      );
    const merged = structuredClone(payloads[0]!.data!);
    for (const { path, data } of payloads.slice(1).flatMap((p) => p.incremental ?? [])) {
      let target: unknown = merged;
      for (const key of path) target = (target as Record<string | number, unknown>)[key];
      Object.assign(target as Record<string, unknown>, data);
    }
    expect(payloads.flatMap((p) => p.errors ?? [])).toEqual([]);
    const whole = await postGraphQL(t.url, {
      query: deferred.replace(/@defer\([^)]*\)/g, ''),
      token: tokens.customer,
    });
    expect(whole.body.errors).toBeUndefined();
    expect(merged).toEqual(whole.body.data);
    // 3 orders: a payments part each, and a product part per line (2 each).
    expect(payloads.at(-1)!.incremental).toHaveLength(9);
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  eventually,
  gatewayMetric as readGatewayMetric,
  graphTargets,
  startTestGraph,
  subgraphRequests,
  type TestGraph,
} from './harness';
import { SET_STOCK } from './operations';

const LISTING = `query Listing($first: Int) {
  products(first: $first) { edges { node { id name variants { id sku stockOnHand inStock price { amount currencyCode } } } } }
}`;
const VARIANT = `query CachedVariant($id: ID!) {
  variant(id: $id) { id stockOnHand inStock price { amount currencyCode } }
}`;
const SET_PRICE = `mutation SetPrice($id: ID!, $input: UpdateVariantInput!) {
  updateVariant(id: $id, input: $input) { variant { id price { amount } } userErrors { code message } }
}`;

// The gateway's response cache through the real graph: anonymous catalog reads are answered
// from memory, signed-in reads and errors never are, and admin changes invalidate it over the bus.
describe.each(graphTargets())('gateway response cache on %s', (target) => {
  let t: TestGraph;
  let productRequests: () => Promise<number>;
  let gatewayMetric: (name: string) => Promise<number>;
  beforeAll(async () => {
    t = await startTestGraph(target, { responseCache: { ttlMs: 60_000 } });
    productRequests = () => subgraphRequests(t, 'product');
    gatewayMetric = (name) => readGatewayMetric(t, name);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should answer a repeated anonymous listing from the cache, without a product request', async () => {
    const record = vi.spyOn(t.graph.gateway.usage!, 'record');
    const hitsBefore = await gatewayMetric('shopgraph_response_cache_hits_total');
    const first = await t.gql(LISTING, { first: 7 });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data?.products.edges).toHaveLength(7);
    const before = await productRequests();
    const second = await t.gql(LISTING, { first: 7 });
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual(first.body.data);
    // The limits plugin still reports the cost of a cached answer.
    expect(second.body.extensions?.cost).toEqual(first.body.extensions?.cost);
    expect(await productRequests()).toBe(before);
    expect(await gatewayMetric('shopgraph_response_cache_hits_total')).toBe(hitsBefore + 1);
    expect(await gatewayMetric('shopgraph_response_cache_misses_total')).toBeGreaterThan(0);
    const listings = record.mock.calls
      .map(([data]) => data)
      .filter((d) => d.operationName === 'Listing');
    expect(listings.map((data) => data.cacheHit)).toEqual([false, true]);
    expect(listings[1]!.subgraphFetches).toEqual([]);
    record.mockRestore();

    // Other variables are another entry.
    await t.gql(LISTING, { first: 3 });
    expect(await productRequests()).toBeGreaterThan(before);
  });

  it('should never cache a signed-in query', async () => {
    const customer = await t.newCustomer();
    await t.gql(LISTING, { first: 4 }, customer.token);
    const before = await productRequests();
    const again = await t.gql(LISTING, { first: 4 }, customer.token);
    expect(again.body.errors).toBeUndefined();
    expect(await productRequests()).toBeGreaterThan(before);
  });

  it('should not cache responses with errors', async () => {
    const bad = `query Both { product(id: "00000000-0000-0000-0000-000000000000", slug: "x") { id name } }`;
    const first = await t.gql(bad);
    expect(first.body.errors?.length).toBeGreaterThan(0);
    const before = await productRequests();
    const second = await t.gql(bad);
    expect(second.body.errors?.length).toBeGreaterThan(0);
    expect(await productRequests()).toBeGreaterThan(before);
  });

  it('should show an admin stock or price change on the next anonymous read', async () => {
    const listing = await t.gql(LISTING, { first: 1 });
    const variantId: string = listing.body.data?.products.edges[0].node.variants[0].id;
    const read = async () => (await t.gql(VARIANT, { id: variantId })).body.data?.variant;
    const original = await read();
    const before = await productRequests();
    expect(await read()).toEqual(original); // cached
    expect(await productRequests()).toBe(before);

    const admin = await t.adminToken();
    const stock = await t.gql(SET_STOCK, { id: variantId, input: { stockOnHand: 0 } }, admin);
    expect(stock.body.data?.updateVariant.userErrors).toEqual([]);
    await eventually(async () => {
      const now = await read();
      return now?.stockOnHand === 0 && now.inStock === false;
    });

    const amount = Number(original.price.amount) + 123;
    const price = await t.gql(
      SET_PRICE,
      {
        id: variantId,
        input: { price: { amount, currencyCode: original.price.currencyCode } },
      },
      admin,
    );
    expect(price.body.errors).toBeUndefined();
    await eventually(async () => Number((await read())?.price.amount) === amount);
    expect(
      await gatewayMetric('shopgraph_response_cache_invalidations_total'),
    ).toBeGreaterThanOrEqual(2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  gatewayMetric as readGatewayMetric,
  graphTargets,
  placeOrder,
  startTestGraph,
  subgraphRequests,
  type TestGraph,
} from './harness';

const ORDER_HISTORY = `query OrderHistory {
  me { id orders(first: 10) { edges { node { id lines { quantity variant { id name price { amount currencyCode } product { name } } } } } } }
}`;
const SET_PRICE = `mutation SetPrice($id: ID!, $input: UpdateVariantInput!) {
  updateVariant(id: $id, input: $input) { variant { id price { amount } } userErrors { code message } }
}`;

interface HistoryLine {
  quantity: number;
  variant: { id: string; name: string; price: { amount: number; currencyCode: string } } | null;
}

// The gateway's entity cache through the real graph: a signed-in customer's order history gets
// its public Variant/Product data from memory the second time, and admin changes invalidate it.
describe.each(graphTargets())('gateway entity cache on %s', (target) => {
  let t: TestGraph;
  let customer: { token: string };
  let productRequests: () => Promise<number>;
  let gatewayMetric: (name: string) => Promise<number>;
  const history = async () => {
    const result = await t.gql(ORDER_HISTORY, {}, customer.token);
    expect(result.body.errors).toBeUndefined();
    return result.body.data?.me.orders.edges as Array<{ node: { lines: HistoryLine[] } }>;
  };

  beforeAll(async () => {
    t = await startTestGraph(target, { responseCache: { ttlMs: 60_000 } });
    productRequests = () => subgraphRequests(t, 'product');
    gatewayMetric = (name) => readGatewayMetric(t, name);

    // A customer with an order of three variants (one checkout: a second cart right after it
    // may still be the first one, closed when the checkout's event reaches the cart subgraph).
    const listing = await t.gql(
      `query { products(first: 40) { edges { node { variants { id stockOnHand } } } } }`,
    );
    const variants = (
      listing.body.data?.products.edges as Array<{
        node: { variants: Array<{ id: string; stockOnHand: number }> };
      }>
    )
      .flatMap((edge) => edge.node.variants)
      .filter((variant) => variant.stockOnHand >= 5)
      .map((variant) => variant.id)
      .slice(0, 3);
    expect(variants).toHaveLength(3);
    customer = await t.newCustomer();
    await placeOrder(
      t,
      customer.token,
      variants.map((variantId) => ({ variantId, quantity: 1 })),
    );
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should answer a repeated order history without a product request', async () => {
    const hitsBefore = await gatewayMetric('shopgraph_entity_cache_hits_total');
    // Checkout's stock events clear the cache when they arrive: wait for a quiet pair of reads.
    const [first, second] = await eventually(async () => {
      const a = await history();
      const before = await productRequests();
      const b = await history();
      return (await productRequests()) === before ? [a, b] : undefined;
    });
    expect(second).toEqual(first);
    const lines = first!.flatMap((edge) => edge.node.lines);
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => line.variant?.name && line.variant.price)).toBe(true);
    // One representation per line: 3 hits, at least.
    expect(await gatewayMetric('shopgraph_entity_cache_hits_total')).toBeGreaterThanOrEqual(
      hitsBefore + 3,
    );
    expect(await gatewayMetric('shopgraph_entity_cache_misses_total')).toBeGreaterThan(0);
    expect(t.graph.gateway.entityCache?.store.stats().entries).toBeGreaterThan(0);
  });

  it('should show an admin price change on the next order history read', async () => {
    const lines = (await history()).flatMap((edge) => edge.node.lines);
    const variant = lines[0]!.variant!;
    const admin = await t.adminToken();
    const amount = variant.price.amount + 321;
    const changed = await t.gql(
      SET_PRICE,
      { id: variant.id, input: { price: { amount, currencyCode: variant.price.currencyCode } } },
      admin,
    );
    expect(changed.body.errors).toBeUndefined();
    expect(changed.body.data?.updateVariant.userErrors).toEqual([]);
    await eventually(async () => {
      const now = (await history()).flatMap((edge) => edge.node.lines);
      return now
        .filter((line) => line.variant?.id === variant.id)
        .every((line) => line.variant?.price.amount === amount);
    });
  });
});

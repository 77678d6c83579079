import { randomUUID } from 'node:crypto';
import { labelQueriesByServer } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphTargets, placeOrder, startTestGraph, type TestGraph } from './harness';
import { PAY, TEST_CARD } from './operations';

// The SQL an operation costs in each subgraph must not depend on how many entities it returns
// (docs/CONVENTIONS.md): a customer's order history with items, product names, payments
// and the customer costs the same number of queries per subgraph for 2 orders as for 50.

const FEW = 2;
const MANY = 50;

const ORDER_HISTORY = `query OrderHistory {
  me {
    orders(first: 50) {
      edges {
        node {
          number
          lines { quantity variant { name product { name } } }
          payments { status }
          customer { name }
        }
      }
    }
  }
}`;

interface HistoryData {
  me: {
    orders: {
      edges: Array<{
        node: {
          number: string;
          lines: Array<{ quantity: number; variant: { name: string; product: { name: string } } }>;
          payments: Array<{ status: string }>;
          customer: { name: string };
        };
      }>;
    };
  };
}

const SUBGRAPHS = ['order', 'product', 'payment', 'user'] as const;

describe.each(graphTargets())('SQL per operation through the gateway on %s', (target) => {
  let t: TestGraph;
  let variants: Array<{ id: string; name: string; product: string }>;

  beforeAll(async () => {
    t = await startTestGraph(target);
    labelQueriesByServer(t.graph.subgraphs);
    const result = await t.gql<{
      products: {
        edges: Array<{
          node: {
            name: string;
            variants: Array<{ id: string; name: string; stockOnHand: number }>;
          };
        }>;
      };
    }>(
      `query { products(first: 40) { edges { node { name variants { id name stockOnHand } } } } }`,
    );
    variants = result.body
      .data!.products.edges.flatMap((edge) =>
        edge.node.variants.map((variant) => ({ ...variant, product: edge.node.name })),
      )
      .filter((variant) => variant.stockOnHand >= 20)
      .slice(0, 10);
    expect(variants.length).toBeGreaterThanOrEqual(5);
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** A customer with `count` real orders (cart → checkout → payment), each with one line. */
  async function customerWithOrders(count: number) {
    const customer = await t.newCustomer();
    const orderIds: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const variant = variants[i % variants.length]!;
      orderIds.push(await placeOrder(t, customer.token, [{ variantId: variant.id, quantity: 1 }]));
    }
    // Payments of different orders are independent: pay them a few at a time.
    for (let i = 0; i < orderIds.length; i += 10) {
      const paid = await Promise.all(
        orderIds
          .slice(i, i + 10)
          .map((orderId) =>
            t.gql(
              PAY,
              { input: { orderId, card: TEST_CARD, idempotencyKey: randomUUID() } },
              customer.token,
            ),
          ),
      );
      for (const result of paid) expect(result.body.data?.payOrder.userErrors).toEqual([]);
    }
    return customer;
  }

  /** Runs the order history query and counts the SQL statements of each subgraph. */
  async function history(token: string) {
    const { result, byLabel } = await t.graph.database.countQueries(() =>
      t.gql<HistoryData>(ORDER_HISTORY, {}, token),
    );
    expect(result.body.errors).toBeUndefined();
    const counts = Object.fromEntries(SUBGRAPHS.map((name) => [name, byLabel[name] ?? 0]));
    return { data: result.body.data!, counts, all: byLabel };
  }

  it(`should cost the same number of queries per subgraph for ${FEW} and ${MANY} orders`, async () => {
    const started = Date.now();
    const few = await customerWithOrders(FEW);
    const many = await customerWithOrders(MANY);
    const setupMs = Date.now() - started;

    const small = await history(few.token);
    const large = await history(many.token);
    console.log(
      `[sql] order history on ${target} (setup ${setupMs} ms): ${FEW} orders →`,
      small.all,
      `; ${MANY} orders →`,
      large.all,
    );

    // the answers are complete and right
    for (const [run, count] of [
      [small, FEW],
      [large, MANY],
    ] as const) {
      const edges = run.data.me.orders.edges;
      expect(edges).toHaveLength(count);
      for (const [i, { node }] of edges.entries()) {
        // newest first: edge i is the order placed (count - 1 - i)th
        const variant = variants[(count - 1 - i) % variants.length]!;
        expect(node.number).toMatch(/^SG-\d{6}$/);
        expect(node.lines).toEqual([
          { quantity: 1, variant: { name: variant.name, product: { name: variant.product } } },
        ]);
        expect(node.payments.map((payment) => payment.status)).toEqual(['AUTHORIZED']);
        expect(node.customer.name).toMatch(/^Customer \d+$/);
      }
    }

    // the same number of queries per subgraph, whatever the number of orders
    expect(large.counts).toEqual(small.counts);
    for (const name of SUBGRAPHS) {
      expect(large.counts[name], name).toBeGreaterThan(0);
      expect(large.counts[name], name).toBeLessThanOrEqual(3);
    }
  });
});

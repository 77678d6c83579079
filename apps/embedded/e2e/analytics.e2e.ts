import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { postGraphQL } from '@shop/testing';
import { eventually, graphTargets, startTestGraph, type TestGraph } from './harness';
import { ADD_LINES, ADDRESS, CHECKOUT, PAY, TEST_CARD } from './operations';

const USAGE = `query Usage($range: TimeRangeInput!, $groupBy: UsageGroupBy!) {
  apiUsage(range: $range, groupBy: $groupBy) { key samples requests errors errorRate p50Ms p95Ms p99Ms maxMs }
}`;
const SALES = `query Sales($range: TimeRangeInput!) {
  salesSummary(range: $range) { orders placedOrders revenue { amount currencyCode } cartsCreated cartsConverted conversionRate }
  topProducts(range: $range, limit: 3) { productName units revenue { amount currencyCode } product { name } }
}`;

const range = () => ({
  from: new Date(Date.now() - 60 * 60 * 1000).toISOString(),
  to: new Date(Date.now() + 60 * 1000).toISOString(),
});

describe.each(graphTargets())(
  'API usage and sales analytics through the gateway on %s',
  (target) => {
    let t: TestGraph;
    beforeAll(async () => {
      t = await startTestGraph(target);
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('should count a known mix of operations exactly and report consistent latencies', async () => {
      const client = (name: string, version: string) => ({
        'apollographql-client-name': name,
        'apollographql-client-version': version,
      });
      const durations: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        const started = performance.now();
        const result = await postGraphQL(t.url, {
          query: `query AnalyticsCatalog { products(first: 2) { totalCount } }`,
          headers: client('web', '1.0'),
        });
        durations.push(performance.now() - started);
        expect(result.body.errors).toBeUndefined();
      }
      for (let i = 0; i < 3; i += 1) {
        const result = await postGraphQL(t.url, {
          query: `query AnalyticsBroken { products(first: 1000) { totalCount } }`,
          headers: client('ios', '2.1'),
        });
        expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
      await t.graph.gateway.usage!.flush();
      const admin = await t.adminToken();

      const byOperation = await eventually(async () => {
        const result = await t.gql(USAGE, { range: range(), groupBy: 'OPERATION' }, admin);
        const rows = result.body.data?.apiUsage as Array<Record<string, any>> | undefined;
        const catalog = rows?.find((r) => r.key.includes('AnalyticsCatalog'));
        const broken = rows?.find((r) => r.key.includes('AnalyticsBroken'));
        return catalog?.requests === 12 && broken?.requests === 3 ? { catalog, broken } : undefined;
      });
      expect(byOperation.catalog).toMatchObject({ samples: 12, errors: 0, errorRate: 0 });
      expect(byOperation.broken).toMatchObject({ samples: 3, errors: 3, errorRate: 1 });
      // Percentiles come from histogram buckets: never below the fastest request seen by the
      // client... minus what the client adds, and never above the slowest one.
      const slowest = Math.max(...durations);
      expect(byOperation.catalog.p50Ms).toBeGreaterThan(0);
      expect(byOperation.catalog.p50Ms).toBeLessThanOrEqual(byOperation.catalog.p99Ms);
      expect(byOperation.catalog.p99Ms).toBeLessThanOrEqual(byOperation.catalog.maxMs);
      expect(byOperation.catalog.maxMs).toBeLessThanOrEqual(slowest);

      const byClient = await t.gql(USAGE, { range: range(), groupBy: 'CLIENT' }, admin);
      const clients = byClient.body.data?.apiUsage as Array<{ key: string; requests: number }>;
      expect(clients.find((r) => r.key === 'ios/2.1')?.requests).toBe(3);
      expect(clients.find((r) => r.key === 'web/1.0')?.requests).toBe(12);

      const bySubgraph = await t.gql(USAGE, { range: range(), groupBy: 'SUBGRAPH' }, admin);
      const product = (
        bySubgraph.body.data?.apiUsage as Array<{ key: string; requests: number }>
      ).find((r) => r.key === 'product');
      expect(product?.requests).toBeGreaterThanOrEqual(12);
    });

    it('should expose Prometheus metrics on the gateway and every subgraph', async () => {
      await t.gql(`query { products(first: 1) { totalCount } }`);
      for (const [name, url] of [
        ['gateway', t.url],
        ...Object.values(t.graph.subgraphs).map((s) => [s.name, s.url]),
      ] as Array<[string, string]>) {
        await fetch(new URL('/healthz', url));
        const response = await fetch(new URL('/metrics', url));
        expect(response.status, name).toBe(200);
        const text = await response.text();
        expect(text, name).toMatch(/http_requests_total\{[^}]*service="[^"]+"/);
        expect(text, name).toContain('http_request_duration_seconds_bucket');
      }
    });

    it('should refuse analytics to non-admins', async () => {
      const customer = await t.newCustomer();
      const result = await t.gql(USAGE, { range: range(), groupBy: 'OPERATION' }, customer.token);
      expect(result.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.body.data?.apiUsage ?? null).toBeNull();
    });

    it('should summarise sales from checkout and payment events', async () => {
      const customer = await t.newCustomer();
      const products = await t.gql(
        `query { products(first: 1) { edges { node { name variants { id } } } } }`,
      );
      const node = products.body.data?.products.edges[0].node;
      const added = await t.gql(
        ADD_LINES,
        { input: { lines: [{ variantId: node.variants[0].id, quantity: 2 }] } },
        customer.token,
      );
      const checkout = await t.gql(
        CHECKOUT,
        {
          input: {
            cartId: added.body.data?.addCartLines.cart.id,
            shippingAddress: ADDRESS,
            idempotencyKey: randomUUID(),
            expectedTotal: added.body.data?.addCartLines.cart.subtotal,
          },
        },
        customer.token,
      );
      const order = checkout.body.data?.checkout.order;
      await t.gql(
        PAY,
        { input: { orderId: order.id, card: TEST_CARD, idempotencyKey: randomUUID() } },
        customer.token,
      );
      const admin = await t.adminToken();
      const sales = await eventually(async () => {
        const result = await t.gql(SALES, { range: range() }, admin);
        const summary = result.body.data?.salesSummary;
        return summary?.placedOrders >= 1 && summary.cartsConverted >= 1
          ? result.body.data
          : undefined;
      });
      const usd = (
        sales.salesSummary.revenue as Array<{ amount: number; currencyCode: string }>
      ).find((m) => m.currencyCode === order.total.currencyCode);
      expect(usd!.amount).toBeGreaterThanOrEqual(order.total.amount);
      expect(sales.salesSummary.conversionRate).toBeGreaterThan(0);
      const top = (
        sales.topProducts as Array<{
          productName: string;
          units: number;
          product: { name: string };
        }>
      ).find((p) => p.productName === node.name);
      expect(top?.units).toBeGreaterThanOrEqual(2);
      expect(top?.product.name).toBe(node.name);
    });

    it('should stream apiUsageUpdated to an admin through the gateway', async () => {
      const admin = await t.adminToken();
      const client = createClient({
        url: t.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${admin}` },
        retryAttempts: 0,
      });
      const snapshots: Array<{ rows: unknown[] }> = [];
      const dispose = client.subscribe(
        {
          query: `subscription { apiUsageUpdated(intervalSeconds: 1) { at rows { key requests } } }`,
        },
        {
          next: (value) =>
            snapshots.push(
              (value.data as { apiUsageUpdated: { rows: unknown[] } }).apiUsageUpdated,
            ),
          error: () => undefined,
          complete: () => undefined,
        },
      );
      await eventually(async () => snapshots.length >= 2, 10_000);
      expect(Array.isArray(snapshots[0]!.rows)).toBe(true);
      dispose();
      await client.dispose();
    });
  },
);

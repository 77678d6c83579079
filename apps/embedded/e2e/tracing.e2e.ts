import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { postGraphQL } from '@shop/testing';
import { shutdownTelemetry, SpanKind, tracingEnabled } from '@shop/telemetry';
import {
  ancestorsOf,
  serviceOf,
  startMemoryTracing,
  type InMemorySpanExporter,
  type ReadableSpan,
} from '@shop/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, graphTargets, startTestGraph, type TestGraph } from './harness';
import { ADD_LINES, ADDRESS, CHECKOUT } from './operations';

// The whole graph runs in this process, so one in-memory exporter sees every service's spans.
// The disabled suite runs first: tracing is process-wide and is turned on only for the second.

/** As `token`, fills a cart with one in-stock variant and checks out, sending `headers` each time. */
async function checkoutFlow(t: TestGraph, token: string, headers: Record<string, string>) {
  const call = (query: string, variables?: Record<string, unknown>) =>
    postGraphQL(t.url, { query, variables, token, headers });
  const products = await call(
    `query { products(first: 40) { edges { node { variants { id stockOnHand } } } } }`,
  );
  const variantId = (
    products.body.data?.products.edges as Array<{
      node: { variants: Array<{ id: string; stockOnHand: number }> };
    }>
  )
    .flatMap((edge) => edge.node.variants)
    .find((variant) => variant.stockOnHand >= 5)?.id;
  expect(variantId).toBeDefined();
  const added = await call(ADD_LINES, { input: { lines: [{ variantId, quantity: 1 }] } });
  expect(added.body.data?.addCartLines.userErrors).toEqual([]);
  const checkout = await call(CHECKOUT, {
    input: {
      cartId: added.body.data?.addCartLines.cart.id,
      shippingAddress: ADDRESS,
      idempotencyKey: randomUUID(),
      expectedTotal: added.body.data?.addCartLines.cart.subtotal,
    },
  });
  expect(checkout.body.errors).toBeUndefined();
  expect(checkout.body.data?.checkout.userErrors).toEqual([]);
  return { orderId: checkout.body.data?.checkout.order.id as string };
}

/** Records the `traceparent` header of every GraphQL request any subgraph receives. */
function recordSubgraphHeaders(t: TestGraph): Array<string | undefined> {
  const seen: Array<string | undefined> = [];
  for (const subgraph of Object.values(t.graph.subgraphs)) {
    subgraph.server.on('request', (req: IncomingMessage) => {
      // Not the gateway's JWKS fetches (`/.well-known/jwks.json` on the user subgraph).
      if (!req.url?.startsWith('/graphql')) return;
      const value = req.headers.traceparent;
      seen.push(Array.isArray(value) ? value[0] : value);
    });
  }
  return seen;
}

async function orderCreatedEnvelope(t: TestGraph, orderId: string) {
  const [row] = await t.graph.database.query<{ envelope: { id: string; traceparent?: string } }>(
    `select envelope from events.log where envelope->>'type' = 'order.created' and key = $1`,
    [orderId],
  );
  return row?.envelope;
}

const target = graphTargets()[0]!;

describe(`tracing off on ${target}`, () => {
  let t: TestGraph;
  beforeAll(async () => {
    t = await startTestGraph(target);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('sends no traceparent to subgraphs and writes events without one', async () => {
    expect(tracingEnabled()).toBe(false);
    const customer = await t.newCustomer();
    const seen = recordSubgraphHeaders(t);
    // Even a client's traceparent is not forwarded when tracing is off.
    const clientTraceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const { orderId } = await checkoutFlow(t, customer.token, { traceparent: clientTraceparent });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.filter((value) => value !== undefined)).toEqual([]);
    const envelope = await eventually(() => orderCreatedEnvelope(t, orderId));
    expect(envelope).not.toHaveProperty('traceparent');
    const [outbox] = await t.graph.database.query<{ traced: number }>(
      `select count(*)::int as traced from "order".outbox where envelope ? 'traceparent'`,
    );
    expect(outbox?.traced).toBe(0);
  });
});

describe(`tracing on on ${target}`, () => {
  let t: TestGraph;
  let exporter: InMemorySpanExporter;
  beforeAll(async () => {
    exporter = startMemoryTracing('shopgraph-e2e');
    t = await startTestGraph(target);
  });
  afterAll(async () => {
    await t?.stop();
    await shutdownTelemetry();
  });

  it('follows a checkout from the client through gateway, subgraphs, the bus and its consumers', async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const customer = await t.newCustomer();
    const seen = recordSubgraphHeaders(t);
    const { orderId } = await checkoutFlow(t, customer.token, {
      traceparent: `00-${traceId}-${clientSpanId}-01`,
    });

    // Every subgraph request carried the client's trace.
    expect(seen.length).toBeGreaterThan(3);
    for (const value of seen) expect(value).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const inTrace = () =>
      exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const isConsumerOfOrderCreated = (span: ReadableSpan) =>
      span.kind === SpanKind.CONSUMER &&
      span.attributes['shop.event.type'] === 'order.created' &&
      ['notification', 'analytics'].includes(serviceOf(span) ?? '');
    await eventually(async () => inTrace().some(isConsumerOfOrderCreated));
    const spans = inTrace();
    const chain = (span: ReadableSpan) => ancestorsOf(span, spans);

    // Gateway: a SERVER span per request, children of the client's span.
    const gatewayCheckout = spans.find(
      (s) =>
        s.kind === SpanKind.SERVER &&
        serviceOf(s) === 'gateway' &&
        s.attributes['graphql.operation.name'] === 'Checkout',
    );
    expect(gatewayCheckout).toBeDefined();
    expect(gatewayCheckout!.name).toBe('mutation Checkout');
    expect(gatewayCheckout!.parentSpanContext?.spanId).toBe(clientSpanId);
    expect(gatewayCheckout!.attributes['graphql.operation.type']).toBe('mutation');
    expect(gatewayCheckout!.attributes['http.response.status_code']).toBe(200);

    // Order subgraph: SERVER span under the gateway's CLIENT fetch span of this request.
    const orderServer = spans.find(
      (s) =>
        s.kind === SpanKind.SERVER &&
        serviceOf(s) === 'order' &&
        chain(s).includes(gatewayCheckout!),
    );
    expect(orderServer).toBeDefined();
    const fetchOrder = chain(orderServer!)[0]!;
    expect(fetchOrder.kind).toBe(SpanKind.CLIENT);
    expect(serviceOf(fetchOrder)).toBe('gateway');
    expect(fetchOrder.attributes['shop.subgraph']).toBe('order');

    // The order subgraph's own calls to product and cart during checkout.
    for (const callee of ['product', 'cart']) {
      const server = spans.find(
        (s) =>
          s.kind === SpanKind.SERVER && serviceOf(s) === callee && chain(s).includes(orderServer!),
      );
      expect(server, `${callee} SERVER span under the order checkout`).toBeDefined();
      const client = chain(server!)[0]!;
      expect(client.kind).toBe(SpanKind.CLIENT);
      expect(serviceOf(client)).toBe('order');
      expect(client.attributes['shop.callee']).toBe(callee);
    }

    // The order.created publish, under the checkout that wrote it to the outbox.
    const envelope = await orderCreatedEnvelope(t, orderId);
    const producer = spans.find(
      (s) => s.kind === SpanKind.PRODUCER && s.attributes['messaging.message.id'] === envelope?.id,
    );
    expect(producer).toBeDefined();
    expect(serviceOf(producer!)).toBe('order');
    expect(chain(producer!)).toContain(orderServer);
    // The log bus stores the producer's context with the event.
    expect(envelope?.traceparent).toBe(`00-${traceId}-${producer!.spanContext().spanId}-01`);

    // Consumers of order.created: children of the publish.
    const consumers = spans.filter(
      (s) => isConsumerOfOrderCreated(s) && s.attributes['messaging.message.id'] === envelope?.id,
    );
    expect(consumers.length).toBeGreaterThan(0);
    for (const consumer of consumers) expect(chain(consumer)[0]).toBe(producer);
    // …and so on up to the client's request: one trace, one parent chain.
    expect(chain(consumers[0]!)).toEqual(
      expect.arrayContaining([producer, orderServer, fetchOrder, gatewayCheckout]),
    );
  });
});

import { createHash, randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadOperations, type RegisteredOperation } from '@shop/schema';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import {
  eventually,
  graphTargets,
  startTestGraph,
  subgraphRequests as countSubgraphRequests,
  type TestGraph,
} from './harness';

// docs/SECURITY.md §6 A8 through the whole graph in safelist mode: only operations registered in
// schema/operations run. Unknown text / unknown hash → 400 before any subgraph is called;
// a registered operation (by hash or by its exact text) → 200 with real data.
type Body = {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const byHash = (operation: RegisteredOperation) => ({
  persistedQuery: { version: 1, sha256Hash: operation.id },
});

describe.each(graphTargets())('persisted query safelist through the gateway on %s', (target) => {
  let t: TestGraph;
  let operations: Map<string, RegisteredOperation>;
  const op = (name: string) => {
    const operation = operations.get(name);
    if (!operation) throw new Error(`operation ${name} is not registered`);
    return operation;
  };
  let subgraphRequests: () => Promise<number>;

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const get = async (params: Record<string, unknown>) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params))
      search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    const response = await fetch(`${t.url}?${search}`, {
      headers: { 'apollo-require-preflight': 'true', accept: 'application/json' },
    });
    return { status: response.status, body: (await response.json()) as Body };
  };

  beforeAll(async () => {
    operations = new Map(loadOperations().map((operation) => [operation.name, operation]));
    t = await startTestGraph(target, { persistedQueries: { mode: 'safelist' } });
    subgraphRequests = () => countSubgraphRequests(t);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should answer a registered operation sent by hash only with 200 and data (A8 known hash)', async () => {
    const listing = await post({
      variables: { first: 3 },
      extensions: byHash(op('ProductListing')),
    });
    expect(listing.status).toBe(200);
    expect(listing.body.errors).toBeUndefined();
    const products = listing.body.data?.products;
    expect(products.totalCount).toBeGreaterThan(3);
    expect(products.edges).toHaveLength(3);
    const first = products.edges[0].node;
    expect(first).toMatchObject({ id: expect.any(String), slug: expect.any(String) });
    expect(first.variants.length).toBeGreaterThan(0);
    expect(first.variants[0].price).toMatchObject({
      amount: expect.any(Number),
      currencyCode: expect.stringMatching(/^[A-Z]{3}$/),
    });
    expect(listing.body.data?.categories.length).toBeGreaterThan(0);

    // The exact registered text works too (no hash), and names the same product.
    const page = await post({ query: op('ProductPage').body, variables: { slug: first.slug } });
    expect(page.status).toBe(200);
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data?.product).toMatchObject({ id: first.id, slug: first.slug });
  });

  it('should refuse unknown text and unknown hashes with 400 before any subgraph call (A8)', async () => {
    const before = await subgraphRequests();
    const unknownText = `query Sneaky { products(first: 1) { totalCount } }`;
    const text = await post({ query: unknownText });
    expect(text.status).toBe(400);
    expect(text.body.errors).toEqual([
      {
        message:
          'This operation is not in the safelist: only registered operations run on this gateway',
        extensions: { code: 'PERSISTED_QUERY_NOT_IN_SAFELIST' },
      },
    ]);
    expect(text.body.data).toBeUndefined();

    const hash = await post({
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(unknownText) } },
    });
    expect(hash.status).toBe(400);
    expect(hash.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');

    // APQ registration of a new text is refused, and leaves the hash unknown.
    const registration = await post({
      query: unknownText,
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(unknownText) } },
    });
    expect(registration.status).toBe(400);
    expect(registration.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');

    // A registered text with one field changed is a different operation.
    const edited = op('Me').body.replace('roles', 'roles createdAt');
    const tampered = await post({ query: edited });
    expect(tampered.status).toBe(400);
    expect(tampered.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');

    // A registered hash with another text is refused as a mismatch.
    const mismatch = await post({ query: unknownText, extensions: byHash(op('Me')) });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');

    // GET: same rules.
    const getText = await get({ query: unknownText });
    expect(getText.status).toBe(400);
    expect(getText.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');

    // A multipart subscription that is not registered never reaches the subscription engine.
    const multipart = await post(
      { query: 'subscription Spy { orderStatusChanged(orderId: "x") { status } }' },
      { accept: 'multipart/mixed;subscriptionSpec=1.0, application/json' },
    );
    expect(multipart.status).toBe(400);
    expect(multipart.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');

    expect(await subgraphRequests()).toBe(before);
  });

  it('should serve GET requests for a registered hash', async () => {
    const result = await get({ variables: { first: 2 }, extensions: byHash(op('ProductListing')) });
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.products.edges).toHaveLength(2);
  });

  it('should run the registered login and me operations by hash', async () => {
    const login = await post({
      variables: {
        input: { email: DEMO_ACCOUNTS.customer.email, password: DEMO_ACCOUNTS.customer.password },
      },
      extensions: byHash(op('Login')),
    });
    expect(login.status).toBe(200);
    expect(login.body.data?.login.userErrors).toEqual([]);
    const token = login.body.data?.login.accessToken as string;
    expect(token).toEqual(expect.any(String));
    expect(login.body.data?.login.user.email).toBe(DEMO_ACCOUNTS.customer.email);

    const me = await post({ extensions: byHash(op('Me')) }, { authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(me.body.errors).toBeUndefined();
    expect(me.body.data?.me).toMatchObject({
      email: DEMO_ACCOUNTS.customer.email,
      roles: ['CUSTOMER'],
    });
  });

  describe('over graphql-ws', () => {
    let client: Client;
    beforeAll(() => {
      client = createClient({
        url: t.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
      });
    });
    afterAll(async () => {
      await client?.dispose();
    });

    /** The first result (or the errors) of one subscribe message. */
    const first = (query: string, variables: Record<string, unknown> = {}) =>
      new Promise<Body>((resolve) => {
        const unsubscribe = client.subscribe(
          { query, variables },
          {
            next: (value) => {
              resolve(value as Body);
              unsubscribe();
            },
            error: (errors) => resolve({ errors: errors as Body['errors'] }),
            complete: () => resolve({}),
          },
        );
      });

    it('should refuse unregistered subscriptions and queries before any subgraph call', async () => {
      const before = await subgraphRequests();
      const subscription = await first(
        'subscription Spy($id: ID!) { orderStatusChanged(orderId: $id) { status } }',
        { id: '00000000-0000-4000-8000-000000000000' },
      );
      expect(subscription.errors).toEqual([
        {
          message:
            'This operation is not in the safelist: only registered operations run on this gateway',
          extensions: { code: 'PERSISTED_QUERY_NOT_IN_SAFELIST' },
        },
      ]);
      const query = await first('query Sneaky { products(first: 1) { totalCount } }');
      expect(query.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      expect(await subgraphRequests()).toBe(before);
    });

    it('should run a storefront flow of registered operations, ending in a subscription', async () => {
      const listing = await first(op('ProductListing').body, { first: 10 });
      expect(listing.errors).toBeUndefined();
      const variantId = (
        listing.data?.products.edges as Array<{
          node: { variants: Array<{ id: string; inStock: boolean }> };
        }>
      )
        .flatMap((edge) => edge.node.variants)
        .find((variant) => variant.inStock)?.id;
      expect(variantId).toEqual(expect.any(String));

      // Sign up, fill a cart and check out over HTTP, by hash only.
      const email = `safelist-${target}-${Date.now()}@example.com`;
      const registered = await post({
        variables: { input: { email, password: 'Sturdy-pass-42', name: 'Safe List' } },
        extensions: byHash(op('Register')),
      });
      expect(registered.body.data?.register.userErrors).toEqual([]);
      const token = registered.body.data?.register.accessToken as string;
      const auth = { authorization: `Bearer ${token}` };
      const added = await post(
        {
          variables: { input: { lines: [{ variantId, quantity: 1 }] } },
          extensions: byHash(op('AddToCart')),
        },
        auth,
      );
      expect(added.body.data?.addCartLines.userErrors).toEqual([]);
      const checkout = await post(
        {
          variables: {
            input: {
              cartId: added.body.data?.addCartLines.cart.id,
              idempotencyKey: randomUUID(),
              // The total the storefront showed (AddToCart's cart subtotal).
              expectedTotal: added.body.data?.addCartLines.cart.subtotal,
              shippingAddress: {
                fullName: 'Safe List',
                line1: '12 Analytical Row',
                city: 'London',
                postalCode: 'N1 9GU',
                countryCode: 'GB',
              },
            },
          },
          extensions: byHash(op('Checkout')),
        },
        auth,
      );
      expect(checkout.body.data?.checkout.userErrors).toEqual([]);
      const order = checkout.body.data?.checkout.order as { id: string; number: string };
      expect(order.id).toEqual(expect.any(String));

      // The registered subscription runs over the socket and streams the order.
      const customerClient = createClient({
        url: t.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
        lazy: true,
      });
      try {
        const event = await eventually(async () => {
          const result = await new Promise<Body>((resolve) => {
            const unsubscribe = customerClient.subscribe(
              { query: op('OrderStatusChanged').body, variables: { orderId: order.id } },
              {
                next: (value) => {
                  resolve(value as Body);
                  unsubscribe();
                },
                error: (errors) => resolve({ errors: errors as Body['errors'] }),
                complete: () => resolve({}),
              },
            );
          });
          expect(result.errors?.[0]?.extensions?.code).not.toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
          return result.data?.orderStatusChanged;
        });
        expect(event).toMatchObject({
          orderId: order.id,
          status: 'PENDING_PAYMENT',
          version: 1,
          snapshot: true,
          order: { id: order.id, number: order.number, status: 'PENDING_PAYMENT' },
        });
      } finally {
        await customerClient.dispose();
      }
    });
  });
});

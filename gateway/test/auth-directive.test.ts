import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Supergraph } from '@apollo/federation-internals';
import type * as GraphQL from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  loadSigningKey,
  signJwt,
  type Identity,
  type Role,
  type SigningKey,
} from '@shop/auth';
import { composeSupergraph, readCommittedSupergraph, SUBGRAPHS } from '@shop/schema';
import {
  authRejection,
  authRulesFromSupergraph,
  findAuthViolations,
  SupergraphAuthRules,
} from '../src/auth-directive';
import { startGateway, type RunningGateway } from '../src/gateway';
import { FederatedSubscriptionEngine } from '../src/subscriptions';

// The CommonJS graphql the API schema is built with (see src/subscriptions/graphql.ts).
const { parse, getOperationAST, validate } = createRequire(import.meta.url)(
  'graphql',
) as typeof GraphQL;

const customer: Identity = { userId: 'c-1', roles: ['CUSTOMER'] };
const admin: Identity = { userId: 'a-1', roles: ['CUSTOMER', 'ADMIN'] };
const service: Identity = { userId: 'service:order', roles: ['SERVICE'] };

function analyzer(supergraphSdl: string) {
  const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const rules = authRulesFromSupergraph(supergraphSdl);
  return (
    identity: Identity | null,
    query: string,
    variables?: Record<string, unknown>,
    operationName?: string,
  ) => {
    const document = parse(query);
    // Only valid operations reach the check (Apollo validates first).
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
    const operation = getOperationAST(document, operationName);
    if (!operation) throw new Error('no operation');
    return findAuthViolations({ schema, document, operation, variables, rules, identity });
  };
}

const coordinates = (violations: { coordinate: string }[]) =>
  violations.map((violation) => violation.coordinate).sort();

describe('@auth rules of the committed supergraph', () => {
  const sdl = readCommittedSupergraph();
  const check = analyzer(sdl);

  it('should guard exactly the fields whose resolvers require a user or a role', () => {
    const rules = authRulesFromSupergraph(sdl);
    const byRole = (role: string) =>
      [...rules.fields]
        .filter(([, list]) => list.some((rule) => rule.includes(role)))
        .map(([coordinate]) => coordinate)
        .sort();
    expect(rules.types.size).toBe(0);
    expect(byRole('ADMIN')).toEqual([
      'Mutation.addVariant',
      'Mutation.capturePayment',
      'Mutation.completeOrder',
      'Mutation.createCategory',
      'Mutation.createProduct',
      'Mutation.deleteProduct',
      'Mutation.deleteVariant',
      'Mutation.disableUser',
      'Mutation.markOrderDelivered',
      'Mutation.publishProduct',
      'Mutation.refundPayment',
      'Mutation.shipOrder',
      'Mutation.unpublishProduct',
      'Mutation.updateProduct',
      'Mutation.updateVariant',
      'Mutation.voidPayment',
      'Query.apiUsage',
      'Query.operationStats',
      'Query.orders',
      'Query.salesSummary',
      'Query.topProducts',
      'Query.users',
      'Subscription.apiUsageUpdated',
    ]);
    expect(byRole('SERVICE')).toEqual([
      'Mutation.claimCartForCheckout',
      'Mutation.releaseCartClaim',
      'Mutation.releaseStock',
      'Mutation.reserveStock',
      'Query.accountStatuses',
      'Query.orderForPayment',
    ]);
    expect(byRole('AUTHENTICATED')).toEqual([
      'Mutation.addAddress',
      'Mutation.cancelOrder',
      'Mutation.changeEmail',
      'Mutation.checkout',
      'Mutation.completeOidcLink',
      'Mutation.confirmPaymentAction',
      'Mutation.logoutEverywhere',
      'Mutation.markNotificationRead',
      'Mutation.mergeGuestCart',
      'Mutation.payOrder',
      'Mutation.removeAddress',
      'Mutation.resendEmailVerification',
      'Mutation.revokeSession',
      'Mutation.startOidcLink',
      'Mutation.unlinkOidcIdentity',
      'Mutation.updateAddress',
      'Mutation.updateProfile',
      'Subscription.myNotifications',
      'Subscription.notificationReceived',
      'Subscription.orderStatusChanged',
      'Subscription.paymentStatusChanged',
    ]);
    // What anonymous shoppers use stays open.
    for (const open of [
      'Query.me',
      'Query.products',
      'Query.cart',
      'Query.order',
      'Mutation.login',
      'Mutation.register',
      'Mutation.startOidcSignIn',
      'Mutation.completeOidcSignIn',
      'Query.oidcProviders',
      'Mutation.requestPasswordReset',
      'Mutation.resetPassword',
      'Mutation.verifyEmail',
      'Mutation.addCartLines',
      'Subscription.cartUpdated',
    ]) {
      expect(rules.fields.has(open), open).toBe(false);
    }
  });

  it('should pass anonymous storefront operations and refuse guarded ones by role', () => {
    expect(check(null, '{ me { id } products(first: 2) { totalCount } cart { id } }')).toEqual([]);
    expect(
      check(null, 'mutation { login(input: { email: "a@b.c", password: "x" }) { accessToken } }'),
    ).toEqual([]);

    expect(check(null, '{ orders(first: 1) { edges { node { id } } } }')).toEqual([
      { coordinate: 'Query.orders', outcome: 'unauthenticated', rule: ['ADMIN'] },
    ]);
    expect(check(customer, '{ orders(first: 1) { edges { node { id } } } }')).toEqual([
      { coordinate: 'Query.orders', outcome: 'forbidden', rule: ['ADMIN'] },
    ]);
    expect(check(admin, '{ orders(first: 1) { edges { node { id } } } }')).toEqual([]);
    // A service identity is not an admin either.
    expect(coordinates(check(service, '{ users(first: 1) { edges { node { id } } } }'))).toEqual([
      'Query.users',
    ]);

    const update = 'mutation { updateProfile(input: { name: "A" }) { user { id } } }';
    expect(check(null, update)[0]?.outcome).toBe('unauthenticated');
    expect(check(customer, update)).toEqual([]);
  });

  it('should find guarded fields behind aliases, fragments and inline fragments', () => {
    const query = `
      query Admin {
        hidden: orders(first: 1) { edges { node { id } } }
        ...Root
        ... on Query { again: orders(first: 2) { pageInfo { hasNextPage } } }
      }
      fragment Root on Query { ...Deeper products(first: 1) { totalCount } }
      fragment Deeper on Query { users(first: 1) { edges { node { id } } } }
      query Other { salesSummary(range: { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" }) { orders } }`;
    expect(coordinates(check(customer, query, {}, 'Admin'))).toEqual([
      'Query.orders',
      'Query.users',
    ]);
    // Only the operation that runs counts.
    expect(coordinates(check(customer, query, {}, 'Other'))).toEqual(['Query.salesSummary']);
  });

  it('should follow @skip and @include, and count unknown conditions as selected', () => {
    const query = `query($show: Boolean!, $hide: Boolean = true) {
      products(first: 1) { totalCount }
      a: orders(first: 1) @include(if: $show) { pageInfo { hasNextPage } }
      b: users(first: 1) @skip(if: $hide) { pageInfo { hasNextPage } }
      ... @include(if: false) { apiUsage(range: { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" }, groupBy: OPERATION) { key } }
    }`;
    expect(check(customer, query, { show: false })).toEqual([]);
    expect(coordinates(check(customer, query, { show: true }))).toEqual(['Query.orders']);
    expect(coordinates(check(customer, query, { show: false, hide: false }))).toEqual([
      'Query.users',
    ]);
  });

  it('should name every refused field in one UNAUTHENTICATED (401) or FORBIDDEN (403) error', () => {
    const query = `mutation { shipOrder(input: { orderId: "o", carrier: "c", trackingNumber: "t" }) { order { id } }
      checkout(input: { cartId: "c", idempotencyKey: "k", expectedTotal: { amount: 100, currencyCode: "USD" }, shippingAddress: { fullName: "A", line1: "B", city: "C", postalCode: "D", countryCode: "GB" } }) { order { id } } }`;
    const anonymous = authRejection(check(null, query));
    expect(anonymous?.message).toBe(
      'Authentication required to access Mutation.shipOrder, Mutation.checkout',
    );
    expect(anonymous?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      fields: ['Mutation.shipOrder', 'Mutation.checkout'],
      http: { status: 401 },
    });
    const refused = authRejection(check(customer, query));
    expect(refused?.message).toBe('Not allowed: Mutation.shipOrder requires ADMIN');
    expect(refused?.extensions).toEqual({
      code: 'FORBIDDEN',
      fields: ['Mutation.shipOrder'],
      http: { status: 403 },
    });
    expect(authRejection(check(admin, query))).toBeUndefined();
    expect(authRejection(check(null, query), { http: false })?.extensions.http).toBeUndefined();
  });
});

describe('@auth on object types and interfaces through composition', () => {
  let dir: string;
  let check: ReturnType<typeof analyzer>;
  const head = `extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])
    @link(url: "https://shopgraph.dev/auth/v1.0", import: ["@auth"])
    @composeDirective(name: "@auth")
  directive @auth(requires: [String!]! = ["AUTHENTICATED"]) on FIELD_DEFINITION | OBJECT`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'auth-directive-'));
    const write = (name: string, sdl: string) => {
      const path = join(dir, `${name}.graphql`);
      writeFileSync(path, `${head}\n${sdl}`);
      return { name, defaultUrl: `http://127.0.0.1:1/${name}`, sdlPath: pathToFileURL(path) };
    };
    const composed = composeSupergraph([
      write(
        'vault',
        `type Query { secret(id: ID!): Secret  things: [Thing!]! }
         type Secret @key(fields: "id") @auth(requires: ["ADMIN"]) { id: ID! value: String }
         interface Thing { id: ID! label: String }
         type Open implements Thing { id: ID! label: String }
         type Closed implements Thing { id: ID! label: String @auth(requires: ["ADMIN"]) }`,
      ),
      write('notes', `type Secret @key(fields: "id") { id: ID! extra: String }`),
    ]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));
    check = analyzer(composed.supergraphSdl);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should guard every field of a guarded type, even fields another subgraph adds', () => {
    expect(coordinates(check(customer, '{ secret(id: "1") { id extra } }'))).toEqual([
      'Secret.extra',
      'Secret.id',
    ]);
    expect(check(admin, '{ secret(id: "1") { id value extra } }')).toEqual([]);
    expect(coordinates(check(null, '{ secret(id: "1") { __typename } }'))).toEqual([]);
  });

  it('should treat an interface field as guarded when any implementation guards it', () => {
    expect(check(customer, '{ things { id } }')).toEqual([]);
    expect(coordinates(check(customer, '{ things { label } }'))).toEqual(['Closed.label']);
    expect(check(customer, '{ things { ... on Open { label } } }')).toEqual([]);
    expect(coordinates(check(customer, '{ things { ... on Closed { label } } }'))).toEqual([
      'Closed.label',
    ]);
  });

  it('should refuse a supergraph naming an unknown role', () => {
    const bad = readCommittedSupergraph().replace(
      'OrderConnection @join__field(graph: ORDER) @auth(requires: ["ADMIN"])',
      'OrderConnection @join__field(graph: ORDER) @auth(requires: ["ADMIM"])',
    );
    expect(bad).not.toBe(readCommittedSupergraph());
    expect(() => new SupergraphAuthRules(bad)).toThrow(/Query\.orders: unknown role "ADMIM"/);
  });
});

describe('@auth in the running gateway (stub subgraphs)', () => {
  let accessKey: SigningKey;
  let gatewayKey: SigningKey;
  let stub: Server;
  let gw: RunningGateway;
  let subgraphCalls = 0;

  const token = (roles: Role[]) =>
    signJwt(accessKey, {
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      type: ACCESS_TOKEN_TYPE,
      expiresInSeconds: 300,
      subject: `user-${roles.join('-')}`,
      claims: { roles },
    });
  const post = async (query: string, authorization?: string) => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization ? { authorization: `Bearer ${authorization}` } : {}),
      },
      body: JSON.stringify({ query }),
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        data?: Record<string, unknown> | null;
        errors?: { message: string; extensions?: Record<string, unknown> }[];
      },
    };
  };

  beforeAll(async () => {
    accessKey = await loadSigningKey();
    gatewayKey = await loadSigningKey();
    // Every subgraph is this stub: it counts calls and answers a `products` page.
    stub = createServer((req, res) => {
      subgraphCalls += 1;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { products: { totalCount: 3 } } }));
      });
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/graphql`;
    gw = await startGateway({
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls: Object.fromEntries(SUBGRAPHS.map((entry) => [entry.name, url])),
      accessTokenKeys: [accessKey],
      signingKey: gatewayKey,
      port: 0,
      host: '127.0.0.1',
      limits: { requests: false },
      // The stub is no user subgraph: no account-status calls (they would count as calls).
      accountStatus: false,
      subscriptions: { enabled: false },
    });
  });
  afterAll(async () => {
    await gw?.stop(2_000);
    await new Promise((resolve) => stub?.close(resolve));
  });

  it('should answer 401 to an anonymous caller of a guarded field without calling a subgraph', async () => {
    const before = subgraphCalls;
    const result = await post(
      '{ products(first: 1) { totalCount } orders(first: 1) { pageInfo { hasNextPage } } }',
    );
    expect(result.status).toBe(401);
    expect(result.body.data ?? null).toBeNull();
    expect(result.body.errors?.[0]?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      fields: ['Query.orders'],
    });
    expect(subgraphCalls).toBe(before);
  });

  it('should answer 403 to a signed-in caller without the role, without calling a subgraph', async () => {
    const before = subgraphCalls;
    const result = await post(
      'mutation { deleteProduct(id: "p1") { deletedProductId } }',
      await token(['CUSTOMER']),
    );
    expect(result.status).toBe(403);
    expect(result.body.errors?.[0]?.message).toBe(
      'Not allowed: Mutation.deleteProduct requires ADMIN',
    );
    expect(result.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(subgraphCalls).toBe(before);
  });

  it('should let allowed operations through to the subgraphs', async () => {
    const before = subgraphCalls;
    const open = await post('{ products(first: 1) { totalCount } }');
    expect(open.status).toBe(200);
    expect(open.body.data).toEqual({ products: { totalCount: 3 } });
    expect(subgraphCalls).toBe(before + 1);

    const adminCall = await post('{ products(first: 1) { totalCount } }', await token(['ADMIN']));
    expect(adminCall.body.data).toEqual({ products: { totalCount: 3 } });
    const guarded = await post(
      '{ orders(first: 1) { pageInfo { hasNextPage } } }',
      await token(['ADMIN']),
    );
    // Accepted by the gateway: the (stub) order subgraph was called.
    expect(subgraphCalls).toBe(before + 3);
    expect(guarded.status).toBe(200);
    expect((guarded.body.errors ?? []).map((error) => error.extensions?.code)).not.toContain(
      'FORBIDDEN',
    );
  });
});

describe('@auth in the subscription engine', () => {
  it('should refuse a guarded subscription before opening anything upstream', async () => {
    const engine = new FederatedSubscriptionEngine({
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls: Object.fromEntries(
        SUBGRAPHS.map((entry) => [entry.name, 'http://127.0.0.1:9/graphql']),
      ),
      signingKey: await loadSigningKey(),
      dataSourceOf: () => undefined,
    });
    try {
      const usage = `subscription($every: Int!) { apiUsageUpdated(intervalSeconds: $every) { at } }`;
      const refused = engine.subscribe({ query: usage, identity: customer });
      expect(refused.errors?.map((error) => [error.extensions.code, error.message])).toEqual([
        ['FORBIDDEN', 'Not allowed: Subscription.apiUsageUpdated requires ADMIN'],
      ]);
      const status = `subscription { orderStatusChanged(orderId: "o1") { status } }`;
      const anonymous = engine.subscribe({ query: status, identity: null });
      expect(anonymous.errors?.[0]?.extensions).toEqual({
        code: 'UNAUTHENTICATED',
        fields: ['Subscription.orderStatusChanged'],
      });
      // An admin passes the check and reaches the next one (variables), still before upstream.
      const admitted = engine.subscribe({ query: usage, identity: admin });
      expect(admitted.errors?.map((error) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
      expect(engine.stats()).toMatchObject({ upstreamSubscriptions: 0, upstreamSockets: 0 });
    } finally {
      engine.close();
    }
  });
});

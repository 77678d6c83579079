import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApolloClient, CombinedProtocolErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import type * as GraphQL from 'graphql';
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  bearerToken,
  createVerifier,
  identityFromPayload,
  INTERNAL_TOKEN_ISSUER,
  INTERNAL_TOKEN_TYPE,
  internalAudience,
  loadSigningKey,
  signJwt,
  type Identity,
  type SigningKey,
} from '@shop/auth';
import { composeSupergraph } from '@shop/schema';
import { createSubgraph, type BaseSubgraphContext, type RunningSubgraph } from '@shop/subgraph';
import { startGateway, type RunningGateway } from '../src/gateway';

// graphql-ws and the Apollo packages use graphql's CommonJS build; under vitest a plain import
// would load its ESM build (a second instance), so build schemas with theirs.
const { buildSchema, parse } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

// Two real subgraphs on 127.0.0.1: "orders" (HTTP, the shared createSubgraph) owns Order;
// "events" (a tiny graphql-ws server, checking the gateway's internal token on connect) owns
// Subscription.orderStatusChanged whose `order` is resolved by the orders subgraph.

const EVENTS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Subscription { orderStatusChanged(orderId: ID!): OrderStatusEvent }
type OrderStatusEvent { orderId: ID! status: String! order: Order! }
type Order @key(fields: "id", resolvable: false) { id: ID! }
`;
const ORDERS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { order(id: ID!): Order }
type Mutation { renameOrder(id: ID!, number: String!): Order }
type Order @key(fields: "id") { id: ID! number: String! customerId: ID }
`;

const STATUS = `subscription Status($id: ID!) {
  orderStatusChanged(orderId: $id) { orderId status order { id number } }
}`;

interface OrderRow {
  id: string;
  number: string;
  customerId: string;
}

/** The events subgraph: graphql-ws only, events pushed by the test with `publish`. */
class EventsSubgraph {
  readonly listeners = new Map<string, Set<(value: unknown) => void>>();
  readonly connectedAs: Array<Identity | null> = [];
  private http: Server | undefined;
  private wss: WebSocketServer | undefined;
  port = 0;

  constructor(private readonly gatewayKey: SigningKey) {}

  get url() {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  /** Subscriptions currently open at the subgraph (i.e. upstream subscriptions). */
  get activeSubscriptions(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  async start(port = 0): Promise<void> {
    const schema = buildSchema(`
      type Query { ok: Boolean }
      type Subscription { orderStatusChanged(orderId: ID!): OrderStatusEvent }
      type OrderStatusEvent { orderId: ID! status: String! order: Order! }
      type Order { id: ID! }
    `);
    const field = schema.getSubscriptionType()?.getFields().orderStatusChanged;
    if (!field) throw new Error('no subscription field');
    field.subscribe = (_root, args: { orderId: string }) => this.iterate(args.orderId);
    const verify = createVerifier({
      keys: [this.gatewayKey],
      issuer: INTERNAL_TOKEN_ISSUER,
      audience: internalAudience('events'),
      type: INTERNAL_TOKEN_TYPE,
      requireSubject: false,
    });
    this.http = createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    this.wss = new WebSocketServer({ server: this.http, path: '/graphql' });
    useServer(
      {
        schema,
        onConnect: async (ctx) => {
          const token = bearerToken(
            (ctx.connectionParams as Record<string, string> | undefined)?.authorization,
          );
          const result = token ? await verify(token) : undefined;
          if (!result?.ok) return false;
          this.connectedAs.push(identityFromPayload(result.payload));
          return true;
        },
      },
      this.wss,
    );
    await new Promise<void>((resolve) => this.http?.listen(port, '127.0.0.1', resolve));
    this.port = (this.http.address() as AddressInfo).port;
  }

  publish(orderId: string, status: string): void {
    const event = { orderStatusChanged: { orderId, status, order: { id: orderId } } };
    for (const listener of this.listeners.get(orderId) ?? []) listener(event);
  }

  /** Kills the server: drops every socket and refuses new connections. */
  async kill(): Promise<void> {
    for (const socket of this.wss?.clients ?? []) socket.terminate();
    await new Promise<void>((resolve) => this.wss?.close(() => resolve()));
    this.http?.closeAllConnections();
    await new Promise<void>((resolve) => this.http?.close(() => resolve()));
    this.listeners.clear();
  }

  private iterate(orderId: string): AsyncIterableIterator<unknown> {
    const queue: unknown[] = [];
    let waiter: ((result: IteratorResult<unknown>) => void) | undefined;
    const set = this.listeners.get(orderId) ?? new Set();
    this.listeners.set(orderId, set);
    const listener = (value: unknown) => {
      if (waiter) {
        const resolve = waiter;
        waiter = undefined;
        resolve({ value, done: false });
      } else queue.push(value);
    };
    set.add(listener);
    const done = (): Promise<IteratorResult<unknown>> => {
      set.delete(listener);
      waiter?.({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () =>
        queue.length
          ? Promise.resolve({ value: queue.shift(), done: false })
          : new Promise((resolve) => (waiter = resolve)),
      return: done,
      throw: done,
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

interface Collected {
  results: FormattedExecutionResult[];
  errors: unknown[];
  completed: boolean;
  ended: Promise<void>;
  dispose: () => void;
}

function collect(client: Client, query: string, variables: Record<string, unknown>): Collected {
  let end: () => void = () => undefined;
  const collected: Collected = {
    results: [],
    errors: [],
    completed: false,
    ended: new Promise<void>((resolve) => (end = resolve)),
    dispose: () => undefined,
  };
  collected.dispose = client.subscribe(
    { query, variables },
    {
      next: (result) => void collected.results.push(result as FormattedExecutionResult),
      error: (error) => {
        collected.errors.push(error);
        end();
      },
      complete: () => {
        collected.completed = true;
        end();
      },
    },
  );
  return collected;
}

async function waitFor(check: () => boolean, timeoutMs = 5_000, label = 'condition') {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function codesOf(errors: unknown): unknown[] {
  const list = Array.isArray(errors) ? errors : [];
  return list.map((error: { extensions?: { code?: unknown } }) => error.extensions?.code);
}

describe('federated subscriptions through the gateway', () => {
  let accessKey: SigningKey;
  let gatewayKey: SigningKey;
  let events: EventsSubgraph;
  let orders: RunningSubgraph;
  let gw: RunningGateway;
  let supergraphSdl: string;
  let wsUrl: string;
  let dir: string;
  const clients: Client[] = [];
  const rows = new Map<string, OrderRow>([
    ['o1', { id: 'o1', number: 'SG-1001', customerId: 'u1' }],
    ['o2', { id: 'o2', number: 'SG-1002', customerId: 'u2' }],
  ]);
  const entityCallers: Array<string | null> = [];

  const token = (userId: string, expiresInSeconds = 300) =>
    signJwt(accessKey, {
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      type: ACCESS_TOKEN_TYPE,
      expiresInSeconds,
      subject: userId,
      claims: { roles: ['CUSTOMER'] },
    });

  const wsClient = (authorization?: string) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: authorization ? { authorization } : {},
    });
    clients.push(client);
    return client;
  };

  const stats = () => {
    const engine = gw.subscriptions;
    if (!engine) throw new Error('subscriptions disabled');
    return engine.stats();
  };

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as FormattedExecutionResult };
  };

  beforeAll(async () => {
    accessKey = await loadSigningKey();
    gatewayKey = await loadSigningKey();
    events = new EventsSubgraph(gatewayKey);
    await events.start();
    orders = await createSubgraph<BaseSubgraphContext>({
      name: 'orders',
      typeDefs: parse(ORDERS_SDL),
      gatewayKeys: [gatewayKey],
      context: (base) => base,
      resolvers: {
        Query: { order: (_: unknown, args: { id: string }) => rows.get(args.id) ?? null },
        Mutation: {
          renameOrder: (_: unknown, args: { id: string; number: string }) => {
            const row = rows.get(args.id);
            if (!row) return null;
            row.number = args.number;
            return row;
          },
        },
        Order: {
          __resolveReference: (ref: { id: string }, context: BaseSubgraphContext) => {
            entityCallers.push(context.identity?.userId ?? null);
            return rows.get(ref.id) ?? null;
          },
        },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'shop-subscriptions-'));
    writeFileSync(join(dir, 'events.graphql'), EVENTS_SDL);
    writeFileSync(join(dir, 'orders.graphql'), ORDERS_SDL);
    const composed = composeSupergraph([
      {
        name: 'events',
        defaultUrl: events.url,
        sdlPath: pathToFileURL(join(dir, 'events.graphql')),
      },
      {
        name: 'orders',
        defaultUrl: orders.url,
        sdlPath: pathToFileURL(join(dir, 'orders.graphql')),
      },
    ]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));
    supergraphSdl = composed.supergraphSdl;
    gw = await startGateway({
      supergraphSdl,
      subgraphUrls: { events: events.url, orders: orders.url },
      accessTokenKeys: [accessKey],
      signingKey: gatewayKey,
      port: 0,
      // Every subscribe message counts as a request: the 1,000-subscriber fan-out from
      // 127.0.0.1 needs more than the default per-IP/per-user budgets (limits.test.ts and
      // reliability/attacks/subscription-flood.rel.ts test those).
      limits: {
        requests: {
          perIp: { points: 100_000, durationMs: 60_000 },
          perUser: { points: 100_000, durationMs: 60_000 },
        },
      },
      subscriptions: {
        heartbeatMs: 200,
        limits: { maxSubscriptionsPerUser: 2_000, upstreamRetryBudgetMs: 1_000 },
      },
    });
    wsUrl = gw.url.replace('http://', 'ws://');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await gw?.stop(2_000);
    await orders?.stop(2_000);
    await events?.kill().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should deliver events over graphql-ws with cross-subgraph fields hydrated as the subscriber', async () => {
    const client = wsClient(`Bearer ${await token('u1')}`);
    const sub = collect(client, STATUS, { id: 'o1' });
    await waitFor(() => events.activeSubscriptions === 1, 5_000, 'upstream subscription');
    const callersBefore = entityCallers.length;
    events.publish('o1', 'PAID');
    events.publish('o1', 'SHIPPED');
    await waitFor(() => sub.results.length === 2, 5_000, 'two events');
    expect(sub.results).toEqual([
      {
        data: {
          orderStatusChanged: {
            orderId: 'o1',
            status: 'PAID',
            order: { id: 'o1', number: 'SG-1001' },
          },
        },
      },
      {
        data: {
          orderStatusChanged: {
            orderId: 'o1',
            status: 'SHIPPED',
            order: { id: 'o1', number: 'SG-1001' },
          },
        },
      },
    ]);
    // The owning subgraph saw the caller's identity in the internal token, and so did the
    // entity fetch made while hydrating.
    expect(events.connectedAs).toContainEqual({ userId: 'u1', roles: ['CUSTOMER'] });
    expect(entityCallers.slice(callersBefore)).toEqual(['u1', 'u1']);
    sub.dispose();
    await waitFor(() => stats().upstreamSubscriptions === 0, 5_000, 'upstream closed');
    await waitFor(() => events.activeSubscriptions === 0, 5_000, 'subgraph side closed');
  });

  it('should deliver the same events to Apollo Client 4 over multipart HTTP', async () => {
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new HttpLink({
        uri: gw.url,
        headers: { authorization: `Bearer ${await token('u1')}` },
      }),
    });
    const received: unknown[] = [];
    const subscription = client
      .subscribe({ query: gql(STATUS), variables: { id: 'o1' } })
      .subscribe({ next: (result) => void received.push(result.data) });
    await waitFor(() => events.activeSubscriptions === 1, 5_000, 'upstream subscription');
    events.publish('o1', 'DELIVERED');
    await waitFor(() => received.length === 1, 5_000, 'multipart event');
    expect(received[0]).toMatchObject({
      orderStatusChanged: {
        orderId: 'o1',
        status: 'DELIVERED',
        order: { id: 'o1', number: 'SG-1001' },
      },
    });
    subscription.unsubscribe();
    await waitFor(() => stats().clientSubscriptions === 0, 5_000, 'client disconnect cleanup');
    await waitFor(() => events.activeSubscriptions === 0, 5_000, 'upstream closed');
  });

  it('should speak the multipart wire format with heartbeats', async () => {
    const controller = new AbortController();
    const response = await fetch(gw.url, {
      method: 'POST',
      signal: controller.signal,
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json',
      },
      body: JSON.stringify({ query: STATUS, variables: { id: 'o2' } }),
    });
    expect(response.headers.get('content-type')).toBe(
      'multipart/mixed; boundary="graphql"; subscriptionSpec=1.0',
    );
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    await waitFor(() => events.activeSubscriptions === 1, 5_000, 'upstream subscription');
    events.publish('o2', 'PAID');
    while (!text.includes('"payload"') || !text.includes('{}')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    expect(text).toContain(
      '\r\n--graphql\r\ncontent-type: application/json; charset=utf-8\r\n\r\n{}',
    );
    expect(text).toContain(
      '{"payload":{"data":{"orderStatusChanged":{"orderId":"o2","status":"PAID","order":{"id":"o2","number":"SG-1002"}}}}}',
    );
    controller.abort();
    await waitFor(() => stats().clientSubscriptions === 0, 5_000, 'abort cleanup');
  });

  it('should fan 1,000 subscribers of one scope out of one upstream subscription and one hydration', async () => {
    const authorization = `Bearer ${await token('fan')}`;
    const subs: Collected[] = [];
    for (let c = 0; c < 40; c += 1) {
      const client = wsClient(authorization);
      for (let i = 0; i < 25; i += 1) subs.push(collect(client, STATUS, { id: 'o1' }));
    }
    await waitFor(() => stats().clientSubscriptions === 1_000, 15_000, '1,000 subscribers');
    await waitFor(() => events.activeSubscriptions === 1, 5_000, 'upstream subscription');
    expect(stats()).toMatchObject({
      upstreamSockets: 1,
      upstreamSubscriptions: 1,
      clientSubscriptions: 1_000,
    });
    const before = stats().hydrations;
    events.publish('o1', 'PACKED');
    await waitFor(() => subs.every((s) => s.results.length === 1), 15_000, 'all receive');
    expect(stats().hydrations - before).toBe(1);
    expect(subs.every((s) => s.results[0]?.data?.orderStatusChanged !== undefined)).toBe(true);
    expect(subs[999]!.results[0]).toEqual({
      data: {
        orderStatusChanged: {
          orderId: 'o1',
          status: 'PACKED',
          order: { id: 'o1', number: 'SG-1001' },
        },
      },
    });
    for (const sub of subs) sub.dispose();
    await waitFor(() => stats().clientSubscriptions === 0, 10_000, 'all released');
    await waitFor(() => stats().upstreamSubscriptions === 0, 5_000, 'upstream closed');
  });

  it('should keep one upstream subscription per auth scope', async () => {
    const alice = collect(wsClient(`Bearer ${await token('alice')}`), STATUS, { id: 'o2' });
    const bob = collect(wsClient(`Bearer ${await token('bob')}`), STATUS, { id: 'o2' });
    const anonymous = collect(wsClient(), STATUS, { id: 'o2' });
    await waitFor(() => events.activeSubscriptions === 3, 5_000, 'three upstream subscriptions');
    expect(stats()).toMatchObject({ upstreamSubscriptions: 3, upstreamSockets: 3 });
    events.publish('o2', 'PAID');
    await waitFor(
      () => [alice, bob, anonymous].every((s) => s.results.length === 1),
      5_000,
      'each scope receives',
    );
    for (const sub of [alice, bob, anonymous]) sub.dispose();
    await waitFor(() => stats().upstreamSockets === 0, 5_000, 'sockets closed');
  });

  it('should close the socket with 4403 for an invalid token', async () => {
    const sub = collect(wsClient('Bearer not-a-token'), STATUS, { id: 'o1' });
    await sub.ended;
    expect((sub.errors[0] as { code?: number }).code).toBe(4403);
  });

  it('should close the socket with 4403 when the access token expires while connected', async () => {
    const sub = collect(wsClient(`Bearer ${await token('u1', 1)}`), STATUS, { id: 'o1' });
    await waitFor(() => stats().clientSubscriptions === 1, 5_000, 'subscribed');
    await sub.ended;
    expect((sub.errors[0] as { code?: number }).code).toBe(4403);
    await waitFor(() => stats().clientSubscriptions === 0, 5_000, 'released');
  });

  it('should answer invalid operations and variables with coded errors', async () => {
    const client = wsClient();
    const invalid = collect(client, 'subscription { nope }', {});
    await invalid.ended;
    expect(codesOf(invalid.errors[0])).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const badVariables = collect(client, STATUS, { id: { not: 'an id' } });
    await badVariables.ended;
    expect(codesOf(badVariables.errors[0])).toEqual(['BAD_USER_INPUT']);
  });

  it('should refuse inputs over the bounds like queries (ID over 255, NUL, variables 100 deep)', async () => {
    const client = wsClient();
    // (The graphql-ws client cannot serialize 5,000 levels itself.)
    const deep = JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`) as unknown;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ id: 'o'.repeat(256) }, 'BAD_USER_INPUT'],
      [{ id: 'o1\u0000' }, 'BAD_USER_INPUT'],
      [{ id: 'o1', unused: deep }, 'VARIABLES_TOO_DEEP'],
    ];
    for (const [variables, code] of cases) {
      const refused = collect(client, STATUS, variables);
      await refused.ended;
      expect(codesOf(refused.errors[0])).toEqual([code]);
    }
    const literal = collect(
      client,
      `subscription { orderStatusChanged(orderId: "${'o'.repeat(256)}") { status } }`,
      {},
    );
    await literal.ended;
    expect(codesOf(literal.errors[0])).toEqual(['BAD_USER_INPUT']);
    expect(stats().clientSubscriptions).toBe(0);
  });

  it('should refuse the 26th subscription on one connection with SUBSCRIPTION_LIMIT', async () => {
    const client = wsClient(`Bearer ${await token('limits')}`);
    const subs = Array.from({ length: 25 }, () => collect(client, STATUS, { id: 'o1' }));
    await waitFor(() => stats().clientSubscriptions === 25, 5_000, '25 subscriptions');
    const extra = collect(client, STATUS, { id: 'o1' });
    await extra.ended;
    expect(codesOf(extra.errors[0])).toEqual(['SUBSCRIPTION_LIMIT']);
    for (const sub of subs) sub.dispose();
    await waitFor(() => stats().clientSubscriptions === 0, 5_000, 'released');
  });

  it('should end a subscriber that falls behind with SUBSCRIPTION_BACKPRESSURE', async () => {
    const engine = gw.subscriptions!;
    const outcome = engine.subscribe({
      query: 'subscription Slow($id: ID!) { orderStatusChanged(orderId: $id) { status } }',
      variables: { id: 'o2' },
      identity: null,
    });
    if (outcome.errors) throw new Error('subscribe failed');
    await waitFor(() => events.activeSubscriptions === 1, 5_000, 'upstream subscription');
    for (let i = 0; i < 150; i += 1) events.publish('o2', `S${i}`);
    await waitFor(() => stats().clientSubscriptions === 0, 5_000, 'ended');
    const results = [];
    for await (const result of outcome.subscription) results.push(result);
    expect(results).toHaveLength(1);
    expect(codesOf(results[0]?.errors)).toEqual(['SUBSCRIPTION_BACKPRESSURE']);
  });

  it('should keep serving queries and mutations through Apollo Server (HTTP and WebSocket)', async () => {
    const query = await post({ query: '{ order(id: "o2") { id number } }' });
    expect(query.body).toMatchObject({ data: { order: { id: 'o2', number: 'SG-1002' } } });
    const mutation = await post({
      query: 'mutation { renameOrder(id: "o2", number: "SG-2002") { number } }',
    });
    expect(mutation.body).toMatchObject({ data: { renameOrder: { number: 'SG-2002' } } });
    const overWs = collect(wsClient(), '{ order(id: "o2") { number } }', {});
    await overWs.ended;
    expect(overWs.results).toEqual([{ data: { order: { number: 'SG-2002' } } }]);
    const plainSubscription = await post({ query: STATUS, variables: { id: 'o1' } });
    expect(plainSubscription.status).toBe(406);
  });

  it('should end subscriptions with SUBSCRIPTION_SCHEMA_RELOAD on reload and replan afterwards', async () => {
    const client = wsClient(`Bearer ${await token('u1')}`);
    const ws = collect(client, STATUS, { id: 'o1' });
    const apollo = new ApolloClient({
      cache: new InMemoryCache(),
      link: new HttpLink({ uri: gw.url }),
    });
    let apolloError: unknown;
    const apolloSub = apollo.subscribe({ query: gql(STATUS), variables: { id: 'o1' } }).subscribe({
      next: (result) => void (result.error && (apolloError = result.error)),
      error: (error) => (apolloError = error),
    });
    await waitFor(() => stats().clientSubscriptions === 2, 5_000, 'both subscribed');

    gw.subscriptions!.reload(supergraphSdl);
    await ws.ended;
    expect(ws.completed).toBe(true);
    expect(codesOf(ws.results.at(-1)?.errors)).toEqual(['SUBSCRIPTION_SCHEMA_RELOAD']);
    await waitFor(() => apolloError !== undefined, 5_000, 'Apollo Client error');
    expect(apolloError).toBeInstanceOf(CombinedProtocolErrors);
    expect(codesOf((apolloError as CombinedProtocolErrors).errors)).toEqual([
      'SUBSCRIPTION_SCHEMA_RELOAD',
    ]);
    apolloSub.unsubscribe();
    await waitFor(() => stats().upstreamSubscriptions === 0, 5_000, 'upstreams closed');

    const again = collect(client, STATUS, { id: 'o1' });
    await waitFor(() => events.activeSubscriptions === 1, 5_000, 'resubscribed');
    events.publish('o1', 'RETURNED');
    await waitFor(() => again.results.length === 1, 5_000, 'event after reload');
    expect(again.results[0]?.data?.orderStatusChanged).toMatchObject({ status: 'RETURNED' });
    again.dispose();
  });

  it('should re-subscribe upstream when the owning subgraph comes back within the retry budget', async () => {
    const client = wsClient(`Bearer ${await token('u1')}`);
    const sub = collect(client, STATUS, { id: 'o1' });
    await waitFor(() => events.activeSubscriptions === 1, 5_000, 'upstream subscription');
    const port = events.port;
    await events.kill();
    await events.start(port);
    await waitFor(() => events.activeSubscriptions === 1, 5_000, 'upstream re-subscribed');
    events.publish('o1', 'BACK');
    await waitFor(() => sub.results.length === 1, 5_000, 'event after recovery');
    expect(sub.results[0]?.data?.orderStatusChanged).toMatchObject({ status: 'BACK' });
    expect(sub.errors).toEqual([]);
    sub.dispose();
    await waitFor(() => stats().upstreamSockets === 0, 5_000, 'sockets closed');
  });

  it('should serve GraphiQL wired for subscriptions over graphql-ws', async () => {
    const app = await fetch(gw.url.replace('/graphql', '/graphiql/app.js')).then((r) => r.text());
    expect(app).toContain('subscriptionUrl: subscriptionUrl');
  });

  it('should end subscriptions with SUBGRAPH_UNAVAILABLE when the owning subgraph dies, and keep serving queries', async () => {
    const client = wsClient(`Bearer ${await token('u1')}`);
    const sub = collect(client, STATUS, { id: 'o1' });
    await waitFor(() => events.activeSubscriptions === 1, 5_000, 'upstream subscription');
    const started = Date.now();
    await events.kill();
    await sub.ended;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sub.completed).toBe(true);
    expect(sub.results.at(-1)?.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBGRAPH_UNAVAILABLE',
      serviceName: 'events',
    });
    expect(stats()).toMatchObject({ upstreamSockets: 0, upstreamSubscriptions: 0 });
    const query = await post({ query: '{ order(id: "o1") { number } }' });
    expect(query.body).toMatchObject({ data: { order: { number: 'SG-1001' } } });
  });
});

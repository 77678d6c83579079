import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as GraphQL from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, type SigningKey } from '@shop/auth';
import { createDatabase, type Database } from '@shop/db';
import {
  createLogBus,
  TOPICS,
  type EventBus,
  type EventEnvelope,
  type Subscription,
} from '@shop/events';
import { composeSupergraph } from '@shop/schema';
import { createSubgraph, type BaseSubgraphContext, type RunningSubgraph } from '@shop/subgraph';
import { startGateway, type GatewayUsageOptions, type RunningGateway } from '../src/gateway';
import type { ApiUsageEventData } from '../src/usage';

const { parse } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

const ACCOUNTS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { user(id: ID!): User  users(first: Int): [User!]!  boom: String }
type User @key(fields: "id") { id: ID! name: String! }
`;
const REVIEWS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Mutation { addReview(userId: ID!, body: String!): Review! }
type Review { id: ID! body: String! }
type User @key(fields: "id") { id: ID! reviews: [Review!]! }
`;

const USERS = [
  { id: 'u1', name: 'Ada' },
  { id: 'u2', name: 'Grace' },
  { id: 'u3', name: 'Linus' },
  { id: 'u4', name: 'Barbara' },
];

async function waitFor(check: () => boolean, timeoutMs = 5_000, label = 'condition') {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A bus that only publishes (with the given behaviour). */
function publishOnlyBus(publish: EventBus['publish']): EventBus {
  return { publish, subscribe: () => Promise.reject(new Error('not here')), close: async () => {} };
}

/** The value of the sample `name{labels}` in a text exposition, or 0 when absent. */
function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url.replace(/\/graphql$/, '/metrics'));
  expect(response.status).toBe(200);
  return response.text();
}

describe('API usage reporting and metrics', () => {
  let gatewayKey: SigningKey;
  let accessKey: SigningKey;
  let accounts: RunningSubgraph;
  let reviews: RunningSubgraph;
  let supergraphSdl: string;
  let dir: string;
  const gateways: RunningGateway[] = [];

  const startWithUsage = async (usage?: GatewayUsageOptions) => {
    const gw = await startGateway({
      supergraphSdl,
      subgraphUrls: { accounts: accounts.url, reviews: reviews.url },
      accessTokenKeys: [accessKey],
      signingKey: gatewayKey,
      port: 0,
      host: '127.0.0.1',
      subscriptions: { enabled: false },
      ...(usage ? { usage } : {}),
    });
    gateways.push(gw);
    return gw;
  };

  const post = async (
    gw: RunningGateway,
    query: string,
    headers: Record<string, string> = {},
    variables?: Record<string, unknown>,
  ) => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: unknown; errors?: unknown[] },
    };
  };

  beforeAll(async () => {
    gatewayKey = await loadSigningKey();
    accessKey = await loadSigningKey();
    accounts = await createSubgraph<BaseSubgraphContext>({
      name: 'accounts',
      typeDefs: parse(ACCOUNTS_SDL),
      gatewayKeys: [gatewayKey],
      host: '127.0.0.1',
      context: (base) => base,
      resolvers: {
        Query: {
          user: (_: unknown, args: { id: string }) => USERS.find((u) => u.id === args.id),
          users: (_: unknown, args: { first?: number }) => USERS.slice(0, args.first ?? 10),
          boom: () => {
            throw new Error('database on fire');
          },
        },
        User: {
          __resolveReference: (ref: { id: string }) => USERS.find((u) => u.id === ref.id),
        },
      },
    });
    reviews = await createSubgraph<BaseSubgraphContext>({
      name: 'reviews',
      typeDefs: parse(REVIEWS_SDL),
      gatewayKeys: [gatewayKey],
      host: '127.0.0.1',
      context: (base) => base,
      resolvers: {
        Mutation: {
          addReview: (_: unknown, args: { body: string }) => ({ id: 'r9', body: args.body }),
        },
        User: {
          __resolveReference: (ref: { id: string }) => ref,
          reviews: (user: { id: string }) => [{ id: `r-${user.id}`, body: 'great' }],
        },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'shop-usage-'));
    writeFileSync(join(dir, 'accounts.graphql'), ACCOUNTS_SDL);
    writeFileSync(join(dir, 'reviews.graphql'), REVIEWS_SDL);
    const composed = composeSupergraph([
      {
        name: 'accounts',
        defaultUrl: accounts.url,
        sdlPath: pathToFileURL(join(dir, 'accounts.graphql')),
      },
      {
        name: 'reviews',
        defaultUrl: reviews.url,
        sdlPath: pathToFileURL(join(dir, 'reviews.graphql')),
      },
    ]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));
    supergraphSdl = composed.supergraphSdl;
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gw) => gw.stop(1_000)));
    await accounts?.stop(1_000);
    await reviews?.stop(1_000);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('over a real log bus', () => {
    let database: Database;
    let bus: EventBus;
    let consumer: Subscription;
    let gw: RunningGateway;
    const received: Array<EventEnvelope<ApiUsageEventData>> = [];

    beforeAll(async () => {
      database = await createDatabase();
      bus = await createLogBus({ database, pollIntervalMs: 10 });
      consumer = await bus.subscribe({
        group: 'usage-test',
        topics: [TOPICS.apiUsage],
        fromBeginning: true,
        handler: async (envelope) =>
          void received.push(envelope as EventEnvelope<ApiUsageEventData>),
      });
      gw = await startWithUsage({ bus, flushIntervalMs: 20 });
    });

    afterAll(async () => {
      // Stop (and flush) this gateway before its bus goes away.
      gateways.splice(gateways.indexOf(gw), 1);
      await gw?.stop(1_000);
      await consumer?.stop();
      await bus?.close();
      await database?.close();
    });

    it('should publish one event per operation with client, fetches, errors and cost', async () => {
      const web = { 'apollographql-client-name': 'web', 'apollographql-client-version': '1.4.0' };
      const ios = { 'x-client-name': 'ios', 'x-client-version': '7.0' };
      const profile = await post(
        gw,
        'query Profile { user(id: "u1") { name reviews { body } } }',
        web,
      );
      expect(profile.body).toMatchObject({
        data: { user: { name: 'Ada', reviews: [{ body: 'great' }] } },
      });
      const list = await post(gw, 'query List($n: Int) { users(first: $n) { id name } }', ios, {
        n: 3,
      });
      expect((list.body.data as { users: unknown[] }).users).toHaveLength(3);
      const review = await post(
        gw,
        'mutation Review { addReview(userId: "u1", body: "nice") { id } }',
        web,
      );
      expect(review.body).toMatchObject({ data: { addReview: { id: 'r9' } } });
      const boom = await post(gw, 'query Boom { boom }', web);
      expect(boom.body.errors).toHaveLength(1);
      await post(gw, '{ users { id } }');
      // Never resolves to an operation: not reported.
      const invalid = await post(gw, '{ nope }', web);
      // A validation failure answered as application/json is 200 (GraphQL over HTTP).
      expect(invalid.status).toBe(200);
      expect(invalid.body.errors).toMatchObject([
        { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);

      await gw.usage!.flush();
      await waitFor(() => received.length >= 5, 10_000, 'five usage events');
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(received).toHaveLength(5);
      expect(gw.usage!.stats()).toEqual({
        queued: 0,
        published: 5,
        dropped: 0,
        failedPublishes: 0,
      });

      const bySubject = new Map(received.map((event) => [event.subject, event]));
      expect([...bySubject.keys()].sort()).toEqual([
        'ios:List',
        'unknown:anonymous',
        'web:Boom',
        'web:Profile',
        'web:Review',
      ]);
      for (const event of received) {
        expect(event).toMatchObject({
          topic: 'analytics.api-usage.v1',
          type: 'graphql.operation.completed',
          source: 'gateway',
          sequence: 0,
        });
        expect(Object.keys(event.data).sort()).toEqual(
          [
            'operationName',
            'operationType',
            'clientName',
            'clientVersion',
            'durationMs',
            'startedAt',
            'subgraphFetches',
            'errorCodes',
            'cost',
            'cacheHit',
            'sampleRate',
          ].sort(),
        );
        expect(event.data.durationMs).toBeGreaterThan(0);
        expect(Number.isNaN(Date.parse(event.data.startedAt))).toBe(false);
        expect(event.data.cost).toBeGreaterThan(0);
        expect(event.data.cacheHit).toBe(false);
        expect(event.data.sampleRate).toBe(1);
        for (const fetch of event.data.subgraphFetches) {
          expect(fetch.durationMs).toBeGreaterThan(0);
        }
      }

      const profileEvent = bySubject.get('web:Profile')!.data;
      expect(profileEvent).toMatchObject({
        operationName: 'Profile',
        operationType: 'query',
        clientName: 'web',
        clientVersion: '1.4.0',
        errorCodes: [],
        cost: 1 + 1 + 1 + 10, // user, name, reviews, 10 × body
      });
      expect(profileEvent.subgraphFetches.map((f) => [f.subgraph, f.ok])).toEqual([
        ['accounts', true],
        ['reviews', true],
      ]);

      const listEvent = bySubject.get('ios:List')!.data;
      expect(listEvent).toMatchObject({
        operationName: 'List',
        operationType: 'query',
        clientName: 'ios',
        clientVersion: '7.0',
        errorCodes: [],
        cost: 1 + 3 * 2,
      });
      expect(listEvent.subgraphFetches.map((f) => f.subgraph)).toEqual(['accounts']);

      const reviewEvent = bySubject.get('web:Review')!.data;
      expect(reviewEvent.operationType).toBe('mutation');
      expect(reviewEvent.subgraphFetches.map((f) => f.subgraph)).toEqual(['reviews']);

      const boomEvent = bySubject.get('web:Boom')!.data;
      expect(boomEvent.errorCodes).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(boomEvent.subgraphFetches).toEqual([
        { subgraph: 'accounts', durationMs: expect.any(Number), ok: false },
      ]);

      const anonymous = bySubject.get('unknown:anonymous')!.data;
      expect(anonymous).toMatchObject({
        operationName: null,
        clientName: null,
        clientVersion: null,
        cost: 1 + 10,
      });
    });

    it('should serve /metrics on the gateway and on the subgraphs', async () => {
      const label = 'service="gateway",method="POST",route="/graphql",status="200"';
      const before = sample(await scrape(gw.url), 'http_requests_total', label);
      await post(gw, '{ users(first: 1) { id } }');
      await post(gw, '{ users(first: 1) { id } }');
      const text = await scrape(gw.url);
      expect(sample(text, 'http_requests_total', label)).toBe(before + 2);
      expect(
        sample(
          text,
          'graphql_operations_total',
          'service="gateway",operation_type="query",outcome="error"',
        ),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sample(text, 'graphql_errors_total', 'service="gateway",code="INTERNAL_SERVER_ERROR"'),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sample(text, 'shopgraph_usage_events_published_total', 'service="gateway"'),
      ).toBeGreaterThanOrEqual(5);
      expect(text).toContain('shopgraph_usage_events_dropped_total{service="gateway"} 0');

      const sub = await scrape(accounts.url);
      expect(
        sample(
          sub,
          'http_requests_total',
          'service="accounts",method="POST",route="/graphql",status="200"',
        ),
      ).toBeGreaterThanOrEqual(5);
      expect(
        sample(sub, 'graphql_errors_total', 'service="accounts",code="INTERNAL_SERVER_ERROR"'),
      ).toBeGreaterThanOrEqual(1);
      expect(sub).not.toContain('service="gateway"');
      expect(sub).not.toContain('service="reviews"');
    });
  });

  describe('sampling', () => {
    it('should report nothing at sampleRate 0', async () => {
      const published: EventEnvelope[] = [];
      const gw = await startWithUsage({
        bus: publishOnlyBus(async (envelopes) => void published.push(...envelopes)),
        sampleRate: 0,
        flushIntervalMs: 10,
      });
      for (let i = 0; i < 6; i++) await post(gw, 'query S { users { id } }');
      await gw.usage!.flush();
      expect(published).toHaveLength(0);
      expect(gw.usage!.stats()).toEqual({
        queued: 0,
        published: 0,
        dropped: 0,
        failedPublishes: 0,
      });
    });

    it('should report half the operations at sampleRate 0.5', async () => {
      const published: Array<EventEnvelope<ApiUsageEventData>> = [];
      let call = 0;
      const gw = await startWithUsage({
        bus: publishOnlyBus(
          async (envelopes) =>
            void published.push(...(envelopes as Array<EventEnvelope<ApiUsageEventData>>)),
        ),
        sampleRate: 0.5,
        flushIntervalMs: 10,
        random: () => [0.2, 0.7][call++ % 2]!,
      });
      for (let i = 0; i < 10; i++) await post(gw, 'query S { users { id } }');
      await gw.usage!.flush();
      expect(published).toHaveLength(5);
      expect(published.every((event) => event.data.sampleRate === 0.5)).toBe(true);
    });
  });

  describe('a slow or failing bus', () => {
    it('should not slow requests down and bound the buffer', async () => {
      const gw = await startWithUsage({
        bus: publishOnlyBus(() => new Promise((resolve) => setTimeout(resolve, 2_000))),
        bufferSize: 5,
        flushIntervalMs: 10,
      });
      const latencies: number[] = [];
      for (let i = 0; i < 21; i++) {
        const started = performance.now();
        const { status } = await post(gw, 'query Fast { users(first: 1) { id } }', {
          'apollographql-client-name': 'load',
        });
        latencies.push(performance.now() - started);
        expect(status).toBe(200);
      }
      // Skip the first (query planning); the rest run while a 2 s publish blocks the loop.
      expect(Math.max(...latencies.slice(1))).toBeLessThan(200);
      const stats = gw.usage!.stats();
      expect(stats.queued).toBeLessThanOrEqual(5);
      expect(stats.dropped).toBeGreaterThanOrEqual(16);
      expect(stats.queued + stats.dropped).toBe(21);
      const text = await scrape(gw.url);
      expect(sample(text, 'shopgraph_usage_events_dropped_total', 'service="gateway"')).toBe(
        stats.dropped,
      );
      expect(sample(text, 'shopgraph_usage_events_queued', 'service="gateway"')).toBe(stats.queued);
    });

    it('should drop and count batches whose publish fails', async () => {
      const gw = await startWithUsage({
        bus: publishOnlyBus(() => Promise.reject(new Error('broker down'))),
        flushIntervalMs: 10,
      });
      for (let i = 0; i < 8; i++) {
        const { status } = await post(gw, 'query F { users(first: 1) { id } }');
        expect(status).toBe(200);
      }
      await gw.usage!.flush();
      const stats = gw.usage!.stats();
      expect(stats).toMatchObject({ queued: 0, published: 0, dropped: 8 });
      expect(stats.failedPublishes).toBeGreaterThanOrEqual(1);
      expect(
        sample(await scrape(gw.url), 'shopgraph_usage_publish_failures_total', 'service="gateway"'),
      ).toBe(stats.failedPublishes);
    });

    it('should report nothing without the usage option', async () => {
      const gw = await startWithUsage();
      expect(gw.usage).toBeUndefined();
      expect((await post(gw, '{ users { id } }')).status).toBe(200);
      expect(await scrape(gw.url)).not.toContain('shopgraph_usage');
    });
  });
});

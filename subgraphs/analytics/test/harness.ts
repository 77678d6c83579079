import { randomUUID } from 'node:crypto';
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadSigningKey, mintInternalToken, type Identity, type SigningKey } from '@shop/auth';
import type { Database } from '@shop/db';
import {
  createEnvelope,
  createLogBus,
  TOPICS,
  type EventBus,
  type EventEnvelope,
  type NewEnvelope,
} from '@shop/events';
import type { RunningSubgraph } from '@shop/subgraph';
import { callSubgraph, type TestDatabaseTarget } from '@shop/testing';
import {
  ANALYTICS_SUBGRAPH,
  ANALYTICS_TOPICS,
  prepareAnalyticsDatabase,
  startAnalyticsSubgraph,
  type UsageEventData,
} from '../src/index';

export const customer = (): Identity => ({ userId: randomUUID(), roles: ['CUSTOMER'] });
export const admin = (): Identity => ({ userId: randomUUID(), roles: ['CUSTOMER', 'ADMIN'] });

/** Polls `check` until it returns a value other than undefined (or fails after `ms`). */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One subscription's messages as they arrive. */
export interface Recording<TData = Record<string, any>> {
  results: Array<FormattedExecutionResult<TData, unknown>>;
  error: unknown;
  completed: boolean;
  /** Waits until `match` accepts the results so far (default: at least `count` arrived). */
  waitFor(count: number, ms?: number): Promise<Array<FormattedExecutionResult<TData, unknown>>>;
  ended(ms?: number): Promise<void>;
  unsubscribe(): void;
}

export function record<TData = Record<string, any>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Recording<TData> {
  const recording: Recording<TData> = {
    results: [],
    error: undefined,
    completed: false,
    async waitFor(count, ms = 10_000) {
      return eventually(async () => {
        if (recording.error)
          throw new Error(`subscription failed: ${JSON.stringify(recording.error)}`);
        return recording.results.length >= count ? recording.results : undefined;
      }, ms);
    },
    async ended(ms = 10_000) {
      await eventually(async () => (recording.completed || recording.error ? true : undefined), ms);
    },
    unsubscribe: () => undefined,
  };
  recording.unsubscribe = client.subscribe<TData>(
    { query, variables },
    {
      next: (result) => recording.results.push(result),
      error: (error) => (recording.error = error),
      complete: () => (recording.completed = true),
    },
  );
  return recording;
}

export interface Harness {
  database: Database;
  bus: EventBus;
  subgraph: RunningSubgraph;
  gatewayKey: SigningKey;
  /** The time `apiUsageUpdated` snapshots are taken at (settable; default: real time). */
  clock: { now: Date | null };
  publish(...events: NewEnvelope[]): Promise<EventEnvelope[]>;
  /** Publishes already-built envelopes (e.g. the same one twice). */
  publishEnvelopes(envelopes: EventEnvelope[]): Promise<void>;
  /** Waits until the analytics consumers handled everything published so far. */
  settle(): Promise<void>;
  /** Stops the subgraph and its consumers (the database and bus stay). */
  stop(): Promise<void>;
  /** Starts the subgraph again on the same database and bus. */
  restart(): Promise<void>;
  call<TData = Record<string, any>>(
    identity: Identity | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; data: TData; errors: Array<Record<string, any>> | undefined }>;
  /** A graphql-ws client authenticated like the gateway. */
  connect(identity: Identity | null): Client;
  close(): Promise<void>;
}

export async function startHarness(target: TestDatabaseTarget): Promise<Harness> {
  const opened = await target.open();
  const { database } = opened;
  await prepareAnalyticsDatabase(database);
  const bus = await createLogBus({ database, pollIntervalMs: 10 });
  const gatewayKey = await loadSigningKey();
  const clock: Harness['clock'] = { now: null };
  const start = () =>
    startAnalyticsSubgraph({
      database,
      gatewayKeys: [gatewayKey],
      bus,
      port: 0,
      clock: () => clock.now ?? new Date(),
      logger: { warn: () => undefined },
    });
  let subgraph: RunningSubgraph | null = await start();
  const clients: Client[] = [];
  const running = () => {
    if (!subgraph) throw new Error('subgraph is stopped');
    return subgraph;
  };

  const harness: Harness = {
    database,
    bus,
    get subgraph() {
      return running();
    },
    gatewayKey,
    clock,
    async publish(...events) {
      const envelopes = events.map((event) => createEnvelope(event));
      await bus.publish(envelopes);
      return envelopes;
    },
    async publishEnvelopes(envelopes) {
      await bus.publish(envelopes);
    },
    async settle() {
      await eventually(async () => {
        const [row] = await database.query<{ pending: number }>(
          `select count(*)::int as pending from events.log l
           where l.topic = any($1) and l.position > coalesce((select position from events.consumer_offsets o
             where o.group_id = 'analytics' and o.topic = l.topic), 0)`,
          [ANALYTICS_TOPICS],
        );
        return row?.pending === 0 ? true : undefined;
      }, 20_000);
    },
    async stop() {
      await Promise.all(clients.splice(0).map((client) => client.dispose()));
      await subgraph?.stop();
      subgraph = null;
    },
    async restart() {
      await harness.stop();
      subgraph = await start();
    },
    async call(identity, query, variables) {
      const result = await callSubgraph(
        { url: running().url, subgraph: ANALYTICS_SUBGRAPH, gatewayKey, identity },
        { query, ...(variables ? { variables } : {}) },
      );
      return { status: result.status, data: result.body.data as any, errors: result.body.errors };
    },
    connect(identity) {
      const client = createClient({
        url: running().url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        shouldRetry: () => false,
        connectionParams: async () => {
          const token = await mintInternalToken(gatewayKey, ANALYTICS_SUBGRAPH, identity);
          return { authorization: `Bearer ${token}` };
        },
      });
      clients.push(client);
      return client;
    },
    async close() {
      await harness.stop();
      await bus.close();
      await opened.cleanup();
    },
  };
  return harness;
}

// ---- Events as the gateway, order, payment and cart subgraphs emit them ----

export interface UsageSpec {
  operationName: string | null;
  operationType?: UsageEventData['operationType'];
  clientName?: string | null;
  clientVersion?: string | null;
  durationMs: number;
  startedAt: Date;
  subgraphFetches?: UsageEventData['subgraphFetches'];
  errorCodes?: string[];
  sampleRate?: number;
}

/** A `graphql.operation.completed` event exactly as the gateway publishes it. */
export function usageEvent(spec: UsageSpec): NewEnvelope<UsageEventData> {
  const data: UsageEventData = {
    operationName: spec.operationName,
    operationType: spec.operationType ?? 'query',
    clientName: spec.clientName ?? null,
    clientVersion: spec.clientVersion ?? null,
    durationMs: spec.durationMs,
    startedAt: spec.startedAt.toISOString(),
    subgraphFetches: spec.subgraphFetches ?? [],
    errorCodes: spec.errorCodes ?? [],
    cost: 3,
    cacheHit: false,
    sampleRate: spec.sampleRate ?? 1,
  };
  return {
    type: 'graphql.operation.completed',
    source: 'gateway',
    topic: TOPICS.apiUsage,
    subject: `${data.clientName}:${data.operationName}`,
    sequence: 0,
    time: new Date(spec.startedAt.getTime() + Math.ceil(spec.durationMs)).toISOString(),
    data,
  };
}

export interface TestLine {
  productId: string;
  productName: string;
  quantity: number;
  unitMinor: number;
}

export interface TestOrder {
  orderId: string;
  userId: string;
  cartId: string;
  currency: string;
  lines: TestLine[];
  shippingMinor: number;
}

export const totalOf = (order: TestOrder) =>
  order.lines.reduce((sum, line) => sum + line.quantity * line.unitMinor, 0) + order.shippingMinor;

export const orderCreated = (order: TestOrder, at: Date): NewEnvelope => ({
  type: 'order.created',
  source: 'order',
  topic: TOPICS.order,
  subject: order.orderId,
  sequence: 1,
  time: at.toISOString(),
  actor: { userId: order.userId, role: 'CUSTOMER' },
  data: {
    orderId: order.orderId,
    number: `SG-${order.orderId.slice(0, 6)}`,
    userId: order.userId,
    cartId: order.cartId,
    status: 'PENDING_PAYMENT',
    total: { amountMinor: totalOf(order), currency: order.currency },
    lines: order.lines.map((line) => ({
      variantId: randomUUID(),
      productId: line.productId,
      sku: `SKU-${line.productName}`,
      productName: line.productName,
      quantity: line.quantity,
      unitPrice: { amountMinor: line.unitMinor, currency: order.currency },
    })),
  },
});

/** `order.status_changed` plus the transition's own event (`order.placed`, `order.cancelled`…). */
export function orderTransition(
  order: TestOrder,
  change: { from: string; to: string; version: number; type: string },
  at: Date,
): NewEnvelope[] {
  const base = {
    source: 'order',
    topic: TOPICS.order,
    subject: order.orderId,
    sequence: change.version,
    time: at.toISOString(),
    actor: { role: 'SYSTEM' },
  };
  return [
    {
      ...base,
      type: 'order.status_changed',
      data: {
        orderId: order.orderId,
        userId: order.userId,
        from: change.from,
        to: change.to,
        reason: 'test',
      },
    },
    {
      ...base,
      type: change.type,
      data: {
        orderId: order.orderId,
        userId: order.userId,
        ...(change.type === 'order.cancelled' || change.type === 'order.expired'
          ? { reason: 'test' }
          : {}),
      },
    },
  ];
}

export const paymentEvent = (
  order: TestOrder,
  payment: { type: string; status: string; version: number; amountMinor: number },
  at: Date,
): NewEnvelope => ({
  type: payment.type,
  source: 'payment',
  topic: TOPICS.payment,
  subject: order.orderId,
  sequence: payment.version,
  time: at.toISOString(),
  actor: { role: 'SYSTEM' },
  data: {
    paymentId: `pay-${order.orderId}`,
    orderId: order.orderId,
    userId: order.userId,
    amount: { amountMinor: payment.amountMinor, currency: order.currency },
    status: payment.status,
  },
});

export const cartEvent = (
  cart: { cartId: string; userId: string | null },
  event: { type: string; version: number; at: Date },
  data: Record<string, unknown> = {},
): NewEnvelope => ({
  type: event.type,
  source: 'cart',
  topic: TOPICS.cart,
  subject: cart.cartId,
  sequence: event.version,
  time: event.at.toISOString(),
  actor: cart.userId ? { userId: cart.userId } : { anonymousId: cart.cartId },
  data: { cartId: cart.cartId, userId: cart.userId, version: event.version, ...data },
});

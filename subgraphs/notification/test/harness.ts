import { createHmac, randomUUID } from 'node:crypto';
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
import { callSubgraph, type TestDatabaseTarget } from '@shop/testing';
import {
  createEmailOutboxChannel,
  NOTIFICATION_SUBGRAPH,
  prepareNotificationDatabase,
  startNotificationSubgraph,
  type NotificationChannel,
  type NotificationRow,
  type RunningNotificationSubgraph,
} from '../src/index';

export const CART_TOKEN_SECRET = 'test-cart-token-secret-0123456789';

/** A guest cart token exactly as the cart subgraph signs it. */
export const cartToken = (cartId: string, secret = CART_TOKEN_SECRET) =>
  `${cartId}.${createHmac('sha256', secret).update(cartId).digest('base64url')}`;

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
  /** Waits until at least `count` results arrived and returns them. */
  waitFor(count: number, ms?: number): Promise<Array<FormattedExecutionResult<TData, unknown>>>;
  /** Waits until the subscription completed or failed. */
  ended(ms?: number): Promise<void>;
  unsubscribe(): void;
}

export function record<TData = Record<string, any>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
  extensions?: Record<string, unknown>,
): Recording<TData> {
  const recording: Recording<TData> = {
    results: [],
    error: undefined,
    completed: false,
    async waitFor(count, ms = 10_000) {
      return eventually(async () => {
        if (recording.error)
          throw new Error(`subscription failed: ${describeError(recording.error)}`);
        return recording.results.length >= count ? recording.results : undefined;
      }, ms);
    },
    async ended(ms = 10_000) {
      await eventually(async () => (recording.completed || recording.error ? true : undefined), ms);
    },
    unsubscribe: () => undefined,
  };
  recording.unsubscribe = client.subscribe<TData>(
    { query, variables, ...(extensions ? { extensions } : {}) },
    {
      next: (result) => recording.results.push(result),
      error: (error) => (recording.error = error),
      complete: () => (recording.completed = true),
    },
  );
  return recording;
}

function describeError(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) {
    const event = error as { code: number; reason: string };
    return `close ${event.code} ${event.reason}`;
  }
  return JSON.stringify(error);
}

/** A graphql-ws client of the subgraph at `wsUrl`, authenticated like the gateway. */
export function connectTo(
  wsUrl: string,
  gatewayKey: SigningKey,
  identity: Identity | null,
  options: { authorization?: string | null; retry?: boolean } = {},
): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: options.retry ? 5 : 0,
    shouldRetry: () => options.retry ?? false,
    connectionParams: async () => {
      if (options.authorization !== undefined) {
        return options.authorization === null ? {} : { authorization: options.authorization };
      }
      const token = await mintInternalToken(gatewayKey, NOTIFICATION_SUBGRAPH, identity);
      return { authorization: `Bearer ${token}` };
    },
  });
}

export interface Harness {
  database: Database;
  bus: EventBus;
  subgraph: RunningNotificationSubgraph;
  gatewayKey: SigningKey;
  wsUrl: string;
  /** Notifications the channel sent (the default email outbox channel, without its log). */
  sent: NotificationRow[];
  /** Makes the channel's next send throw (the consumer's transaction rolls back and retries). */
  failNextSend(): void;
  /** Publishes events to the bus as the producing subgraphs' relays would. */
  publish(...events: NewEnvelope[]): Promise<EventEnvelope[]>;
  /** Waits until the consumer has handled everything published so far. */
  settle(): Promise<void>;
  call<TData = Record<string, any>>(
    identity: Identity | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; data: TData; errors: Array<Record<string, any>> | undefined }>;
  /** A graphql-ws client authenticated like the gateway (`authorization: Bearer <internal>`). */
  connect(
    identity: Identity | null,
    options?: { authorization?: string | null; retry?: boolean },
  ): Client;
  close(): Promise<void>;
}

/** How long the harness's state streams wait for an order or cart they have not heard of. */
export const PENDING_STREAM_MS = 1_500;

export async function startHarness(target: TestDatabaseTarget): Promise<Harness> {
  const opened = await target.open();
  const { database } = opened;
  await prepareNotificationDatabase(database);
  const bus = await createLogBus({ database, pollIntervalMs: 10 });
  const gatewayKey = await loadSigningKey();
  const sent: NotificationRow[] = [];
  let failNext = false;
  const outbox = createEmailOutboxChannel({ info: () => undefined });
  const channel: NotificationChannel = {
    async send(notification, tx) {
      await outbox.send(notification, tx);
      if (failNext) {
        failNext = false;
        throw new Error('mail relay unavailable');
      }
      sent.push(notification);
    },
  };
  const subgraph = await startNotificationSubgraph({
    database,
    gatewayKeys: [gatewayKey],
    bus,
    cartTokenSecret: CART_TOKEN_SECRET,
    channel,
    pendingStreamMs: PENDING_STREAM_MS,
    port: 0,
  });
  const wsUrl = subgraph.url.replace(/^http/, 'ws');
  const clients: Client[] = [];

  const settle = async () => {
    await eventually(async () => {
      const [row] = await database.query<{ pending: number }>(
        `select count(*)::int as pending from events.log l
         where l.topic = any($1) and l.position > coalesce((select position from events.consumer_offsets o
           where o.group_id = 'notification' and o.topic = l.topic), 0)`,
        [[TOPICS.order, TOPICS.payment, TOPICS.cart, TOPICS.inventory, TOPICS.user]],
      );
      return row?.pending === 0 ? true : undefined;
    });
  };

  return {
    database,
    bus,
    subgraph,
    gatewayKey,
    wsUrl,
    sent,
    failNextSend: () => {
      failNext = true;
    },
    async publish(...events) {
      const envelopes = events.map((event) => createEnvelope(event));
      await bus.publish(envelopes);
      return envelopes;
    },
    settle,
    async call(identity, query, variables) {
      const result = await callSubgraph(
        { url: subgraph.url, subgraph: NOTIFICATION_SUBGRAPH, gatewayKey, identity },
        { query, ...(variables ? { variables } : {}) },
      );
      return { status: result.status, data: result.body.data as any, errors: result.body.errors };
    },
    connect(identity, options = {}) {
      const client = connectTo(wsUrl, gatewayKey, identity, options);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.dispose()));
      await subgraph.stop();
      await bus.close();
      await opened.cleanup();
    },
  };
}

// ---- Events as the order, payment and cart subgraphs emit them ----

export interface TestOrder {
  orderId: string;
  userId: string;
  number: string;
  cartId: string;
}

export const newOrder = (userId: string, seq: number): TestOrder => ({
  orderId: randomUUID(),
  userId,
  number: `SG-${String(seq).padStart(6, '0')}`,
  cartId: randomUUID(),
});

export const orderCreated = (order: TestOrder): NewEnvelope => ({
  type: 'order.created',
  source: 'order',
  topic: TOPICS.order,
  subject: order.orderId,
  sequence: 1,
  actor: { userId: order.userId, role: 'CUSTOMER' },
  data: {
    orderId: order.orderId,
    number: order.number,
    userId: order.userId,
    cartId: order.cartId,
    status: 'PENDING_PAYMENT',
    total: { amountMinor: 5497, currency: 'USD' },
    lines: [
      {
        variantId: randomUUID(),
        productId: randomUUID(),
        sku: 'TSHIRT-M-BLUE',
        productName: 'T-shirt',
        quantity: 2,
        unitPrice: { amountMinor: 1999, currency: 'USD' },
      },
    ],
  },
});

/** `order.status_changed` plus the transition's own event, with the order's new version. */
export function orderTransition(
  order: TestOrder,
  change: { from: string; to: string; version: number; type?: string; reason?: string },
  extra: Record<string, unknown> = {},
): NewEnvelope[] {
  const base = {
    source: 'order',
    topic: TOPICS.order,
    subject: order.orderId,
    sequence: change.version,
    actor: { role: 'SYSTEM' },
  };
  const reason = change.reason ?? 'test';
  const events: NewEnvelope[] = [
    {
      ...base,
      type: 'order.status_changed',
      data: {
        orderId: order.orderId,
        userId: order.userId,
        from: change.from,
        to: change.to,
        reason,
      },
    },
  ];
  if (change.type) {
    events.push({
      ...base,
      type: change.type,
      data: {
        orderId: order.orderId,
        userId: order.userId,
        ...(change.type === 'order.cancelled' || change.type === 'order.expired' ? { reason } : {}),
        ...extra,
      },
    });
  }
  return events;
}

export const paymentEvent = (
  order: TestOrder,
  payment: {
    paymentId: string;
    type: string;
    status: string;
    version: number;
    declineCode?: string;
  },
): NewEnvelope => ({
  type: payment.type,
  source: 'payment',
  topic: TOPICS.payment,
  subject: order.orderId,
  sequence: payment.version,
  actor: { role: 'SYSTEM' },
  data: {
    paymentId: payment.paymentId,
    orderId: order.orderId,
    userId: order.userId,
    amount: { amountMinor: 5497, currency: 'USD' },
    status: payment.status,
    ...(payment.declineCode ? { declineCode: payment.declineCode } : {}),
  },
});

export const cartEvent = (
  cart: { cartId: string; userId: string | null },
  type: string,
  version: number,
  data: Record<string, unknown> = {},
): NewEnvelope => ({
  type,
  source: 'cart',
  topic: TOPICS.cart,
  subject: cart.cartId,
  sequence: version,
  actor: cart.userId ? { userId: cart.userId } : { anonymousId: cart.cartId },
  data: { cartId: cart.cartId, userId: cart.userId, version, ...data },
});

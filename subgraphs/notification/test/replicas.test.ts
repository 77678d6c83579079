import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSigningKey, type Identity, type SigningKey } from '@shop/auth';
import { parseEnv } from '@shop/config';
import { createDatabase, LISTENER_APPLICATION_NAME, type Database } from '@shop/db';
import { createEnvelope, createLogBus, type EventBus, type NewEnvelope } from '@shop/events';
import { createScratchDatabase } from '@shop/testing';
import { envSchema } from '../src/env';
import {
  createEmailOutboxChannel,
  notificationOptionsFromEnv,
  prepareNotificationDatabase,
  startNotificationSubgraph,
  type NotificationChannel,
  type RunningNotificationSubgraph,
} from '../src/index';
import {
  CART_TOKEN_SECRET,
  cartEvent,
  cartToken,
  connectTo,
  customer,
  eventually,
  newOrder,
  orderCreated,
  orderTransition,
  paymentEvent,
  record,
  type Recording,
  type TestOrder,
} from './harness';

const baseUrl = process.env.DATABASE_URL;

const ORDER_STATUS = `subscription ($orderId: ID!, $after: String) {
  orderStatusChanged(orderId: $orderId, after: $after) { status version snapshot cursor }
}`;
const PAYMENT_STATUS = `subscription ($orderId: ID!) {
  paymentStatusChanged(orderId: $orderId) { status version snapshot cursor }
}`;
const CART_UPDATED = `subscription ($cartId: ID!, $cartToken: String) {
  cartUpdated(cartId: $cartId, cartToken: $cartToken) { reason version snapshot cursor }
}`;
const FEED = `subscription { notificationReceived { title cursor } }`;

const STATUSES = ['PENDING_PAYMENT', 'PAYMENT_AUTHORIZED', 'SHIPPED', 'DELIVERED', 'COMPLETED'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A channel whose sends can be held (the consumer's transaction stays open meanwhile). */
function gatedChannel() {
  const outbox = createEmailOutboxChannel({ info: () => undefined });
  let hold: { entered: () => void; released: Promise<void> } | undefined;
  const channel: NotificationChannel = {
    async send(notification, tx) {
      await outbox.send(notification, tx);
      const held = hold;
      if (held) {
        hold = undefined;
        held.entered();
        await held.released;
      }
    },
  };
  /** Holds the next send; resolves `entered` once a transaction waits in it. */
  const holdNext = () => {
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    hold = { entered, released: new Promise<void>((resolve) => (release = resolve)) };
    return { inside, release };
  };
  return { channel, holdNext };
}

interface Pair {
  /** The replica that consumes every event (it alone has a bus). */
  a: RunningNotificationSubgraph;
  /** A replica without consumers: it only serves subscriptions. */
  b: RunningNotificationSubgraph;
  admin: Database;
  databaseB: Database;
  bus: EventBus;
  gatewayKey: SigningKey;
  holdNext: ReturnType<typeof gatedChannel>['holdNext'];
  publish(...events: NewEnvelope[]): Promise<void>;
  subscribe(
    replica: RunningNotificationSubgraph,
    identity: Identity | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Recording;
  /** The order's version in the read model (what replica A committed). */
  orderVersion(orderId: string): Promise<number | undefined>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Two replicas of the notification subgraph on one scratch database, as two processes would
 * run them (each its own pool and listening connection), configured from `env` as `main.ts`
 * does. Replica B may connect as its own role (`roleB`), so that the test can stop it from
 * reconnecting.
 */
async function startPair(
  env: Record<string, string>,
  { roleB, purgeEveryMs }: { roleB?: string; purgeEveryMs?: number } = {},
): Promise<Pair> {
  const scratch = await createScratchDatabase(baseUrl!);
  cleanups.push(async () => {
    await scratch.drop();
    if (!roleB) return;
    // Only once its privileges went with the scratch database.
    const root = await createDatabase({ url: baseUrl!, onPoolError: () => undefined });
    await root.exec(`drop role if exists ${roleB}`).finally(() => root.close());
  });
  const admin = await createDatabase({ url: scratch.url, onPoolError: () => undefined });
  cleanups.push(() => admin.close());
  await prepareNotificationDatabase(admin);
  let urlB = scratch.url;
  if (roleB) {
    await admin.exec(`create role ${roleB} login;
      grant usage on schema notification to ${roleB};
      grant select on all tables in schema notification to ${roleB};`);
    const url = new URL(scratch.url);
    url.username = roleB;
    urlB = url.toString();
  }
  const parsed = parseEnv(envSchema, env);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const own = {
    ...notificationOptionsFromEnv(parsed.value),
    ...(purgeEveryMs ? { streamPurgeIntervalMs: purgeEveryMs } : {}),
  };
  const gatewayKey = await loadSigningKey();
  const { channel, holdNext } = gatedChannel();

  const databaseA = await createDatabase({ url: scratch.url, onPoolError: () => undefined });
  const databaseB = await createDatabase({ url: urlB, onPoolError: () => undefined });
  cleanups.push(
    () => databaseA.close(),
    () => databaseB.close(),
  );
  const bus = await createLogBus({ database: databaseA, pollIntervalMs: 10 });
  cleanups.push(() => bus.close());
  const common = { gatewayKeys: [gatewayKey], cartTokenSecret: CART_TOKEN_SECRET, port: 0 };
  const a = await startNotificationSubgraph({
    ...own,
    ...common,
    database: databaseA,
    bus,
    channel,
  });
  cleanups.push(() => a.stop());
  const b = await startNotificationSubgraph({ ...own, ...common, database: databaseB });
  const clients: Array<{ dispose(): void | Promise<void> }> = [];
  cleanups.push(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await b.stop();
  });
  return {
    a,
    b,
    admin,
    databaseB,
    bus,
    gatewayKey,
    holdNext,
    async publish(...events) {
      await bus.publish(events.map((event) => createEnvelope(event)));
    },
    subscribe(replica, identity, query, variables = {}) {
      const client = connectTo(replica.url.replace(/^http/, 'ws'), gatewayKey, identity);
      clients.push(client);
      return record(client, query, variables);
    },
    async orderVersion(orderId) {
      const [row] = await admin.query<{ version: number }>(
        'select version from notification.order_states where order_id = $1',
        [orderId],
      );
      return row?.version;
    },
  };
}

/** Status changes of `order` from version `from` to `to` (as the order subgraph emits them). */
const transitions = (order: TestOrder, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) =>
    orderTransition(order, {
      from: STATUSES[from + i - 1]!,
      to: STATUSES[from + i]!,
      version: from + i + 1,
    }),
  ).flat();

const LINE = {
  variantId: randomUUID(),
  productId: randomUUID(),
  sku: 'TSHIRT-M-BLUE',
  quantity: 1,
  lineQuantity: 1,
  unitPrice: { amountMinor: 1999, currency: 'USD' },
};

type Item = { version: number; snapshot: boolean; cursor: string; status?: string };
const items = (recording: Recording, field: string) =>
  recording.results.map((result) => {
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data![field] as Item;
  });
const versions = (recording: Recording, field: string) =>
  items(recording, field).map((item) => [item.version, item.snapshot]);

describe.runIf(baseUrl)('two notification replicas on one Postgres', () => {
  it('a subscriber on replica B gets every change consumed by replica A, in order, exactly once', async () => {
    const pair = await startPair({});
    expect(pair.a.wakeups.mode).toBe('postgres');
    expect(pair.b.wakeups.mode).toBe('postgres');
    const user = customer();
    const order = newOrder(user.userId, 1);
    const paymentId = randomUUID();
    const cart = { cartId: randomUUID(), userId: null };
    await pair.publish(orderCreated(order));
    await eventually(async () =>
      (await pair.orderVersion(order.orderId)) === 1 ? true : undefined,
    );

    const orderSub = pair.subscribe(pair.b, user, ORDER_STATUS, { orderId: order.orderId });
    const paymentSub = pair.subscribe(pair.b, user, PAYMENT_STATUS, { orderId: order.orderId });
    const cartSub = pair.subscribe(pair.b, null, CART_UPDATED, {
      cartId: cart.cartId,
      cartToken: cartToken(cart.cartId),
    });
    const feed = pair.subscribe(pair.b, user, FEED);
    await orderSub.waitFor(1);
    await eventually(async () => (pair.b.wakeups.listenerCount() === 4 ? true : undefined));

    // Replica A consumes everything; nothing is consumed on B.
    await pair.publish(
      ...transitions(order, 1, 5),
      paymentEvent(order, {
        paymentId,
        type: 'payment.authorized',
        status: 'AUTHORIZED',
        version: 1,
      }),
      paymentEvent(order, { paymentId, type: 'payment.captured', status: 'CAPTURED', version: 2 }),
      cartEvent(cart, 'cart.created', 1, { currencyCode: 'USD' }),
      cartEvent(cart, 'cart.line_added', 2, LINE),
      cartEvent(cart, 'cart.line_added', 3, { ...LINE, variantId: randomUUID() }),
    );
    await orderSub.waitFor(5);
    await paymentSub.waitFor(2);
    await cartSub.waitFor(3);
    await feed.waitFor(2);
    await sleep(300);
    expect(versions(orderSub, 'orderStatusChanged')).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
    ]);
    expect(items(orderSub, 'orderStatusChanged').map((item) => item.status)).toEqual(STATUSES);
    expect(items(orderSub, 'orderStatusChanged').map((item) => item.cursor)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(versions(paymentSub, 'paymentStatusChanged')).toEqual([
      [1, false],
      [2, false],
    ]);
    // The cart came after the subscription: all of it, the first version as the snapshot.
    expect(versions(cartSub, 'cartUpdated')).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ]);
    // The feed: the payment notifications (the order was created before B subscribed), once each.
    expect(feed.results.map((result) => result.data!.notificationReceived.title)).toHaveLength(
      (
        await pair.admin.query(
          `select 1 from notification.notifications where user_id = $1 and kind like 'PAYMENT_%'`,
          [user.userId],
        )
      ).length,
    );
    expect(feed.results).toHaveLength(2);
  });

  it('with NOTIFICATION_LIVE_WAKEUPS=process (one replica only) replica B does NOT deliver', async () => {
    const pair = await startPair({ NOTIFICATION_LIVE_WAKEUPS: 'process' });
    expect(pair.b.wakeups.mode).toBe('process');
    const user = customer();
    const order = newOrder(user.userId, 2);
    await pair.publish(orderCreated(order));
    await eventually(async () =>
      (await pair.orderVersion(order.orderId)) === 1 ? true : undefined,
    );
    const onA = pair.subscribe(pair.a, user, ORDER_STATUS, { orderId: order.orderId });
    const onB = pair.subscribe(pair.b, user, ORDER_STATUS, { orderId: order.orderId });
    await onA.waitFor(1);
    await onB.waitFor(1);
    await pair.publish(...transitions(order, 1, 3));
    // Delivered on the replica that consumed the events…
    await onA.waitFor(3);
    expect(versions(onA, 'orderStatusChanged')).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ]);
    // …but never on the other one, although the change is committed.
    await sleep(1_500);
    expect(await pair.orderVersion(order.orderId)).toBe(3);
    expect(versions(onB, 'orderStatusChanged')).toEqual([[1, true]]);
  });

  it('resumes on the other replica with `after`: exactly the missed versions, no snapshot', async () => {
    const pair = await startPair({});
    const user = customer();
    const order = newOrder(user.userId, 3);
    await pair.publish(orderCreated(order));
    await eventually(async () =>
      (await pair.orderVersion(order.orderId)) === 1 ? true : undefined,
    );
    const onA = pair.subscribe(pair.a, user, ORDER_STATUS, { orderId: order.orderId });
    await onA.waitFor(1);
    await pair.publish(...transitions(order, 1, 2));
    await onA.waitFor(2);
    const cursor = items(onA, 'orderStatusChanged')[1]!.cursor;
    onA.unsubscribe();
    // The client's replica goes away; two changes happen meanwhile.
    await pair.publish(...transitions(order, 2, 4));
    await eventually(async () =>
      (await pair.orderVersion(order.orderId)) === 4 ? true : undefined,
    );
    const onB = pair.subscribe(pair.b, user, ORDER_STATUS, {
      orderId: order.orderId,
      after: cursor,
    });
    await onB.waitFor(2);
    await pair.publish(...transitions(order, 4, 5));
    await onB.waitFor(3);
    await sleep(300);
    expect(items(onB, 'orderStatusChanged')).toEqual([
      { status: 'SHIPPED', version: 3, snapshot: false, cursor: '3' },
      { status: 'DELIVERED', version: 4, snapshot: false, cursor: '4' },
      { status: 'COMPLETED', version: 5, snapshot: false, cursor: '5' },
    ]);
  });

  it('streams get everything committed while their listening connection was down, once it is back', async () => {
    const roleB = `shop_replica_b_${randomUUID().slice(0, 8)}`;
    const pair = await startPair({}, { roleB });
    const user = customer();
    const order = newOrder(user.userId, 4);
    const paymentId = randomUUID();
    await pair.publish(orderCreated(order));
    await eventually(async () =>
      (await pair.orderVersion(order.orderId)) === 1 ? true : undefined,
    );
    const paymentSub = pair.subscribe(pair.b, user, PAYMENT_STATUS, { orderId: order.orderId });
    const feed = pair.subscribe(pair.b, user, FEED);
    await eventually(async () => (pair.b.wakeups.listenerCount() === 2 ? true : undefined));
    const listenerOfB = async () =>
      pair.admin.query<{ pid: number }>(
        `select pid from pg_stat_activity
         where datname = current_database() and application_name = $1 and usename = $2`,
        [LISTENER_APPLICATION_NAME, roleB],
      );
    const [before] = await listenerOfB();
    expect(before).toBeDefined();

    // A holds the payment's transaction open (its journal row and NOTIFY are written)…
    const held = pair.holdNext();
    await pair.publish(
      paymentEvent(order, {
        paymentId,
        type: 'payment.authorized',
        status: 'AUTHORIZED',
        version: 1,
      }),
    );
    await held.inside;
    // …while B's listening connection is killed and cannot come back…
    await pair.admin.exec(`alter role ${roleB} nologin`);
    await pair.admin.query('select pg_terminate_backend($1)', [before!.pid]);
    await eventually(async () => ((await listenerOfB()).length === 0 ? true : undefined));
    // …then A commits: B's NOTIFY is lost.
    held.release();
    await eventually(async () =>
      (
        await pair.admin.query(`select 1 from notification.payment_states where order_id = $1`, [
          order.orderId,
        ])
      ).length === 1
        ? true
        : undefined,
    );
    await sleep(500);
    expect(paymentSub.results).toEqual([]);
    expect(feed.results).toEqual([]);

    // B reconnects (with backoff) and wakes every stream: they read what they missed.
    await pair.admin.exec(`alter role ${roleB} login`);
    await paymentSub.waitFor(1, 15_000);
    await feed.waitFor(1);
    const [after] = await listenerOfB();
    expect(after!.pid).not.toBe(before!.pid);
    // And it listens again: the next change arrives live.
    await pair.publish(
      paymentEvent(order, { paymentId, type: 'payment.captured', status: 'CAPTURED', version: 2 }),
    );
    await paymentSub.waitFor(2);
    await feed.waitFor(2);
    await sleep(300);
    expect(versions(paymentSub, 'paymentStatusChanged')).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(feed.results).toHaveLength(2);
  });

  it('the journal purge job runs on every replica at once and keeps the latest version', async () => {
    const pair = await startPair(
      { NOTIFICATION_STREAM_RETENTION_HOURS: '1' },
      { purgeEveryMs: 50 },
    );
    const user = customer();
    const order = newOrder(user.userId, 5);
    await pair.publish(orderCreated(order), ...transitions(order, 1, 4));
    await eventually(async () =>
      (await pair.orderVersion(order.orderId)) === 4 ? true : undefined,
    );
    const journal = async () =>
      (
        await pair.admin.query<{ position: number }>(
          `select position::int as position from notification.stream_items where topic = $1 order by position`,
          [`order:${order.orderId}`],
        )
      ).map((row) => row.position);
    expect(await journal()).toEqual([1, 2, 3, 4]);
    // Within the retention (1 h): nothing goes.
    expect(await pair.a.purgeStreamItems()).toBe(0);
    await pair.admin.query(
      `update notification.stream_items set created_at = now() - interval '2 hours' where topic = $1`,
      [`order:${order.orderId}`],
    );
    // The job of each replica (every 50 ms) purges, and the latest version stays.
    await eventually(async () => ((await journal()).length === 1 ? true : undefined));
    await sleep(200);
    expect(await journal()).toEqual([4]);
    // Run by hand on both at once too: nothing left to delete, nothing fails.
    expect(await Promise.all([pair.a.purgeStreamItems(), pair.b.purgeStreamItems()])).toEqual([
      0, 0,
    ]);
  });
});

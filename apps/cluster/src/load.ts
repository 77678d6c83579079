import { randomUUID } from 'node:crypto';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import {
  checkDeliveries,
  percentile,
  recoveryMs,
  type DeliveryReport,
  type ReceivedStream,
} from './checkers';
import {
  subscribeMultipart,
  VirtualClient,
  WsConnection,
  type GraphQLResponse,
  type LiveSubscription,
} from './clients';
import type { Cluster } from './cluster';
import { Truth, type EventIntegrity, type OrderTruth } from './truth';

/** The operations of the checkout flow (as apps/embedded/e2e sends them). */
const REGISTER = `mutation Register($input: RegisterInput!) { register(input: $input) { user { id } accessToken userErrors { code message } } }`;
const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { accessToken userErrors { code message } } }`;
const ADD_LINES = `mutation AddLines($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id subtotal { amount currencyCode } } userErrors { code message } } }`;
const CHECKOUT = `mutation Checkout($input: CheckoutInput!) { checkout(input: $input) { order { id number status } userErrors { code message } } }`;
const PAY = `mutation Pay($input: PayOrderInput!) { payOrder(input: $input) { payment { id status } userErrors { code message } } }`;
const ORDER_STATUS = `subscription OrderStatus($orderId: ID!) { orderStatusChanged(orderId: $orderId) { orderId status version snapshot order { number } } }`;
const VARIANTS = `query { products(first: 40) { edges { node { variants { id } } } } }`;
const SET_STOCK = `mutation SetStock($id: ID!, $input: UpdateVariantInput!) { updateVariant(id: $id, input: $input) { variant { id stockOnHand } userErrors { code message } } }`;

const ADDRESS = {
  fullName: 'Ada Lovelace',
  line1: '12 Analytical Row',
  city: 'London',
  postalCode: 'N1 9GU',
  countryCode: 'GB',
};
const TEST_CARD = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };
const PAID_STATUSES = new Set(['AUTHORIZED', 'PARTIALLY_CAPTURED', 'CAPTURED']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Gives every variant of the seeded catalog ample stock (as the demo admin) and returns their
 * ids; the checkouts spread over them.
 */
export async function prepareCatalog(cluster: Cluster): Promise<string[]> {
  const admin = new VirtualClient(cluster.gatewayUrl);
  try {
    const login = await admin.gql(LOGIN, {
      input: { email: DEMO_ACCOUNTS.admin.email, password: DEMO_ACCOUNTS.admin.password },
    });
    admin.token = login.body.data?.login?.accessToken as string | undefined;
    if (!admin.token) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);
    const listed = await admin.gql(VARIANTS);
    const ids = (
      (listed.body.data?.products?.edges ?? []) as Array<{
        node: { variants: Array<{ id: string }> };
      }>
    ).flatMap((edge) => edge.node.variants.map((variant) => variant.id));
    if (ids.length === 0) throw new Error(`no variants: ${JSON.stringify(listed.body)}`);
    for (const id of ids) {
      const set = await admin.gql(SET_STOCK, { id, input: { stockOnHand: 1_000_000 } });
      if (set.body.errors || set.body.data?.updateVariant?.userErrors?.length) {
        throw new Error(`setting stock failed: ${JSON.stringify(set.body)}`);
      }
    }
    return ids;
  } finally {
    admin.close();
  }
}

export interface LoadOptions {
  label: string;
  cluster: Cluster;
  variantIds: string[];
  /** Customers; each signs up once, then checks out `ordersPerUser` orders one after the other. */
  users: number;
  /** Default 3 (100 users → 300 checkouts). */
  ordersPerUser?: number;
  /**
   * Subscribers: each user follows every order it places with one subscriber on each gateway
   * (2 per user); every n-th user's gateway-1 subscriber uses multipart HTTP instead of
   * graphql-ws. Default 5.
   */
  multipartEvery?: number;
  /** Users in flight; default 16. */
  concurrency?: number;
  /** User `i` starts no earlier than `i × startIntervalMs` after the start; default 0. */
  startIntervalMs?: number;
  /** A fault injected once `after` checkouts have completed; the load keeps going meanwhile. */
  fault?: { after: number; name: string; inject(): Promise<void> };
  /** Gateways (by index) the fault kills: their subscribers are reported, not checked. */
  killedGateways?: number[];
  /** How long to wait at the end for the events to settle; default 30 s. */
  settleMs?: number;
}

/** One checkout: add to cart, check out, (subscribe), pay. */
interface Checkout {
  startedAt: number;
  endedAt: number;
  ok: boolean;
  /** `step: reason` of the first failure. */
  failure?: string | undefined;
  orderId?: string | undefined;
  paid: boolean;
  paidAt?: number | undefined;
  /** Time spent waiting for the subscribers' snapshots (not part of the checkout's latency). */
  subscribeWaitMs: number;
}

/** One subscriber: a user's connection to one gateway, following each of the user's orders. */
interface Subscriber {
  id: string;
  gateway: number;
  transport: 'graphql-ws' | 'multipart';
  /** The live subscription per order. */
  orders: Map<string, Following>;
}

export interface LoadReport {
  label: string;
  checkouts: { ok: number; failed: number; failures: Record<string, number> };
  acknowledgedOrders: number;
  lostOrders: number;
  /** Orders paid (payment acknowledged) that did not reach PAYMENT_AUTHORIZED (or later). */
  stuckPaidOrders: number;
  subscribers: {
    total: number;
    checked: number;
    onKilledGateways: number;
    /** Subscriptions (one per subscriber and order) and those that ended before the check. */
    subscriptions: number;
    endedEarly: number;
    /** Why subscriptions ended early (error code or `complete`) → how many. */
    endedWhy: Record<string, number>;
    graphqlWs: number;
    multipart: number;
  };
  deliveries: DeliveryReport;
  events: EventIntegrity;
  faultAt?: number | undefined;
  recoveryMs?: number | undefined;
  latencyMs: { checkoutP50: number; checkoutP99: number; eventP50: number; eventP99: number };
  durationMs: number;
  /** Users and carts this run created. */
  ids: string[];
}

/** `reason` of a failed call: the first error's code or message, or the transport error. */
function reasonOf(result: GraphQLResponse | Error, field?: string): string {
  if (result instanceof Error) return result.message.slice(0, 80);
  const error = result.body.errors?.[0];
  if (error) return String(error.extensions?.code ?? error.message).slice(0, 80);
  const userError = (field ? result.body.data?.[field]?.userErrors?.[0] : undefined) as
    { code?: string } | undefined;
  if (userError) return `userError ${userError.code}`;
  return `HTTP ${result.status}`;
}

/** Calls `run` and turns a thrown transport error into a value. */
async function attempt(run: () => Promise<GraphQLResponse>): Promise<GraphQLResponse | Error> {
  try {
    return await run();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** A subscriber's following of one order: the subscription that currently stands for it. */
interface Following {
  readonly subscription: LiveSubscription;
  stop(): void;
}

/**
 * Subscribes to `orderStatusChanged` of an order until its first item arrives. The notification
 * subgraph learns about an order from its `order.created` event; a subscription that comes first
 * waits for it (a killed consumer's partitions move only once its session expired and the group
 * rebalanced; a broker that is down holds its partitions' events). Should the subscription end
 * before its first item, it subscribes again in the background, for up to 60 s. `ready`
 * resolves when the first item came (or it gave up); the stream is checked from there on.
 */
function follow(open: () => LiveSubscription): { following: Following; ready: Promise<void> } {
  const deadline = Date.now() + 60_000;
  let current = open();
  let stopped = false;
  const ready = (async () => {
    for (;;) {
      while (!stopped && Date.now() < deadline) {
        const first = current.deliveries[0];
        if (first?.data?.orderStatusChanged) return;
        if (first || current.ended !== undefined) break;
        await sleep(25);
      }
      if (stopped || Date.now() >= deadline) return;
      current.close();
      await sleep(250);
      if (stopped) return;
      current = open();
    }
  })();
  return {
    following: {
      get subscription() {
        return current;
      },
      stop() {
        stopped = true;
        current.close();
      },
    },
    ready,
  };
}

/** One user: sign up, open a subscriber per gateway, then check out and pay each order. */
async function runUser(
  options: LoadOptions,
  index: number,
  state: {
    checkouts: Checkout[];
    subscribers: Subscriber[];
    ids: string[];
    closers: Array<() => void>;
    onCheckoutDone(): void;
  },
): Promise<void> {
  const { cluster } = options;
  const client = new VirtualClient(cluster.gatewayUrl);
  state.closers.push(() => client.close());
  // Sign-up hashes a password (CPU-bound on purpose): on this box it can time out under the
  // load. Like a real client, the user tries again (up to 3 times, with a new address, as the
  // first attempt may have created its account), instead of giving up its checkouts.
  let registered: GraphQLResponse | Error = new Error('not tried');
  for (let tries = 0; tries < 3 && !client.token; tries += 1) {
    if (tries > 0) await sleep(500 * tries);
    const email = `cluster-${index}-${randomUUID().slice(0, 8)}@example.com`;
    registered = await attempt(() =>
      client.gql(REGISTER, {
        input: { email, password: 'Sturdy-pass-42', name: `Cluster ${index}` },
      }),
    );
    client.token =
      registered instanceof Error
        ? undefined
        : (registered.body.data?.register?.accessToken as string | undefined);
  }
  const orders = options.ordersPerUser ?? 3;
  if (!client.token) {
    // Its checkouts cannot happen: each counts as failed at sign-up.
    for (let n = 0; n < orders; n += 1) {
      const now = Date.now();
      state.checkouts.push({
        startedAt: now,
        endedAt: now,
        ok: false,
        paid: false,
        subscribeWaitMs: 0,
        failure: `register: ${reasonOf(registered, 'register')}`,
      });
      state.onCheckoutDone();
    }
    return;
  }
  if (!(registered instanceof Error)) {
    const userId = registered.body.data?.register?.user?.id as string | undefined;
    if (userId) state.ids.push(userId);
  }

  const every = options.multipartEvery ?? 5;
  const subscribers: Array<Subscriber & { open(orderId: string): LiveSubscription }> = [0, 1].map(
    (gateway) => {
      const url = cluster.gatewayUrlOf(gateway);
      const multipart = gateway === 1 && index % every === every - 1;
      const variables = (orderId: string) => ({ orderId });
      if (multipart) {
        return {
          id: `u${index}@gateway${gateway}/multipart`,
          gateway,
          transport: 'multipart' as const,
          orders: new Map(),
          open: (orderId: string) =>
            subscribeMultipart(url, client, ORDER_STATUS, variables(orderId)),
        };
      }
      const connection = new WsConnection(url, client);
      state.closers.push(() => connection.close());
      return {
        id: `u${index}@gateway${gateway}/graphql-ws`,
        gateway,
        transport: 'graphql-ws' as const,
        orders: new Map(),
        open: (orderId: string) => connection.subscribe(ORDER_STATUS, variables(orderId)),
      };
    },
  );
  state.subscribers.push(...subscribers);

  for (let n = 0; n < orders; n += 1) {
    const checkout: Checkout = {
      startedAt: Date.now(),
      endedAt: 0,
      ok: false,
      paid: false,
      subscribeWaitMs: 0,
    };
    state.checkouts.push(checkout);
    try {
      const variantId = options.variantIds[(index * orders + n) % options.variantIds.length]!;
      const added = await attempt(() =>
        client.gql(ADD_LINES, { input: { lines: [{ variantId, quantity: 1 }] } }),
      );
      const cart =
        added instanceof Error
          ? undefined
          : (added.body.data?.addCartLines?.cart as { id: string; subtotal: unknown } | undefined);
      if (!cart?.id) {
        checkout.failure = `addCartLines: ${reasonOf(added, 'addCartLines')}`;
        continue;
      }
      state.ids.push(cart.id);
      const placed = await attempt(() =>
        client.gql(CHECKOUT, {
          input: {
            cartId: cart.id,
            shippingAddress: ADDRESS,
            idempotencyKey: randomUUID(),
            expectedTotal: cart.subtotal,
          },
        }),
      );
      checkout.orderId =
        placed instanceof Error
          ? undefined
          : (placed.body.data?.checkout?.order?.id as string | undefined);
      if (!checkout.orderId) {
        checkout.failure = `checkout: ${reasonOf(placed, 'checkout')}`;
        continue;
      }
      const orderId = checkout.orderId;
      // Both subscribers follow the new order before it is paid (not on a gateway that was
      // killed: a client there has lost its connection and is not checked).
      const waitStarted = Date.now();
      await Promise.all(
        subscribers.map(async (subscriber) => {
          if (!cluster.replicas.gateway[subscriber.gateway]?.alive()) return;
          const { following, ready } = follow(() => subscriber.open(orderId));
          subscriber.orders.set(orderId, following);
          // Pay once it is live, or after 10 s: a subscription that came before the order
          // reached the notification subgraph waits for it and then streams every version, one
          // that came later starts with the current state; either way it is checked from its
          // first item on. (The wait also paces the load on this two-core box.)
          await Promise.race([ready, sleep(10_000)]);
        }),
      );
      checkout.subscribeWaitMs = Date.now() - waitStarted;
      const paid = await attempt(() =>
        client.gql(PAY, { input: { orderId, card: TEST_CARD, idempotencyKey: randomUUID() } }),
      );
      const status =
        paid instanceof Error
          ? undefined
          : (paid.body.data?.payOrder?.payment?.status as string | undefined);
      if (status && PAID_STATUSES.has(status)) {
        checkout.paid = true;
        checkout.paidAt = Date.now();
        checkout.ok = true;
      } else {
        checkout.failure = `payOrder: ${status ?? reasonOf(paid, 'payOrder')}`;
      }
    } finally {
      checkout.endedAt = Date.now();
      state.onCheckoutDone();
    }
  }
}

/** Versions a subscription received, in arrival order. */
function versionsOf(subscription: LiveSubscription): number[] {
  return subscription.deliveries
    .map((delivery) => delivery.data?.orderStatusChanged as { version?: number } | undefined)
    .filter((event): event is { version: number } => typeof event?.version === 'number')
    .map((event) => event.version);
}

/**
 * Runs `users` customers through the gateways' balancer (each checks out `ordersPerUser` orders
 * and follows each with a subscriber on each gateway), injects the fault, waits for the events to
 * settle, and checks everything against the truth in Postgres.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const startedAt = Date.now();
  const checkouts: Checkout[] = [];
  const subscribers: Subscriber[] = [];
  const ids: string[] = [];
  const closers: Array<() => void> = [];
  const concurrency = options.concurrency ?? 16;
  let next = 0;
  let completed = 0;
  let faultAt: number | undefined;
  let faultDone: Promise<void> | undefined;
  const truth = new Truth(options.cluster.databaseUrl);
  const onCheckoutDone = () => {
    completed += 1;
    if (options.fault && faultDone === undefined && completed >= options.fault.after) {
      faultAt = Date.now();
      faultDone = options.fault.inject();
    }
  };

  try {
    const worker = async () => {
      for (;;) {
        const index = next;
        next += 1;
        if (index >= options.users) return;
        const notBefore = startedAt + index * (options.startIntervalMs ?? 0);
        if (Date.now() < notBefore) await sleep(notBefore - Date.now());
        await runUser(options, index, { checkouts, subscribers, ids, closers, onCheckoutDone });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await faultDone;

    // Settle: every paid order reaches PAYMENT_AUTHORIZED (or later), and every checked
    // subscription has seen its order's current version, or the settle time is up.
    const settleDeadline = Date.now() + (options.settleMs ?? 30_000);
    const acknowledged = checkouts.filter((c) => c.orderId).map((c) => c.orderId!);
    const killed = new Set(options.killedGateways ?? []);
    const checked = subscribers.filter((s) => !killed.has(s.gateway));
    const followed = checked.flatMap((s) =>
      [...s.orders].map(([orderId, following]) => ({
        subscriber: s,
        orderId,
        get subscription() {
          return following.subscription;
        },
      })),
    );
    let orders = new Map<string, OrderTruth>();
    for (;;) {
      orders = await truth.orders(acknowledged);
      const stuck = checkouts.filter(
        (c) => c.paid && orders.get(c.orderId!)?.status === 'PENDING_PAYMENT',
      ).length;
      const behind = followed.filter(
        (f) => (versionsOf(f.subscription).at(-1) ?? 0) < (orders.get(f.orderId)?.version ?? 0),
      ).length;
      if ((stuck === 0 && behind === 0) || Date.now() > settleDeadline) break;
      await sleep(500);
    }
    const events = await truth.integrity();

    const streams: ReceivedStream[] = followed.map((f) => ({
      subscriber: `${f.subscriber.id}${f.subscription.ended ? ` (${f.subscription.ended})` : ''}`,
      orderId: f.orderId,
      versions: versionsOf(f.subscription),
    }));
    const deliveries = checkDeliveries(Truth.versionsOf(orders), streams);
    deliveries.subscribers = checked.length;

    const paidAt = new Map(checkouts.filter((c) => c.paidAt).map((c) => [c.orderId!, c.paidAt!]));
    const eventLatencies: number[] = [];
    for (const f of followed) {
      const authorized = f.subscription.deliveries.find(
        (d) =>
          (d.data?.orderStatusChanged as { status?: string } | undefined)?.status ===
          'PAYMENT_AUTHORIZED',
      );
      const paid = paidAt.get(f.orderId);
      if (paid && authorized) eventLatencies.push(Math.max(0, authorized.at - paid));
    }
    // A checkout's latency: its own calls (sign-up excluded), without the subscribers' wait.
    const okDurations = checkouts
      .filter((c) => c.ok)
      .map((c) => c.endedAt - c.startedAt - c.subscribeWaitMs);
    const failures: Record<string, number> = {};
    for (const c of checkouts) {
      if (!c.ok) failures[c.failure ?? 'unknown'] = (failures[c.failure ?? 'unknown'] ?? 0) + 1;
    }
    return {
      label: options.label,
      checkouts: {
        ok: checkouts.filter((c) => c.ok).length,
        failed: checkouts.filter((c) => !c.ok).length,
        failures,
      },
      acknowledgedOrders: acknowledged.length,
      lostOrders: acknowledged.filter((id) => !orders.has(id)).length,
      stuckPaidOrders: checkouts.filter(
        (c) =>
          c.paid && (orders.get(c.orderId!)?.status ?? 'PENDING_PAYMENT') === 'PENDING_PAYMENT',
      ).length,
      subscribers: {
        total: subscribers.length,
        checked: checked.length,
        onKilledGateways: subscribers.length - checked.length,
        subscriptions: followed.length,
        endedEarly: followed.filter((f) => f.subscription.ended !== undefined).length,
        endedWhy: followed.reduce<Record<string, number>>((why, f) => {
          const reason = f.subscription.ended?.slice(0, 80);
          if (reason) why[reason] = (why[reason] ?? 0) + 1;
          return why;
        }, {}),
        graphqlWs: subscribers.filter((s) => s.transport === 'graphql-ws').length,
        multipart: subscribers.filter((s) => s.transport === 'multipart').length,
      },
      deliveries,
      events,
      faultAt: faultAt === undefined ? undefined : faultAt - startedAt,
      recoveryMs:
        faultAt === undefined
          ? undefined
          : recoveryMs(
              faultAt,
              checkouts.map((c) => ({ ...c, endedAt: c.endedAt - c.subscribeWaitMs })),
            ),
      latencyMs: {
        checkoutP50: percentile(okDurations, 50),
        checkoutP99: percentile(okDurations, 99),
        eventP50: percentile(eventLatencies, 50),
        eventP99: percentile(eventLatencies, 99),
      },
      durationMs: Date.now() - startedAt,
      ids,
    };
  } finally {
    for (const s of subscribers) for (const following of s.orders.values()) following.stop();
    for (const close of closers) close();
    await truth.close();
  }
}

/** The report as the lines the suite prints at the end. */
export function formatReport(report: LoadReport): string {
  const d = report.deliveries;
  const lines = [
    `── ${report.label} (${(report.durationMs / 1000).toFixed(1)} s)`,
    `  checkouts ok/failed: ${report.checkouts.ok}/${report.checkouts.failed}` +
      (report.checkouts.failed ? ` ${JSON.stringify(report.checkouts.failures)}` : ''),
    `  orders acknowledged/lost: ${report.acknowledgedOrders}/${report.lostOrders}; paid but stuck in PENDING_PAYMENT: ${report.stuckPaidOrders}`,
    `  subscribers: ${report.subscribers.total} (graphql-ws ${report.subscribers.graphqlWs}, multipart ${report.subscribers.multipart}); checked ${report.subscribers.checked} with ${report.subscribers.subscriptions} subscriptions (${report.subscribers.endedEarly} ended early${report.subscribers.endedEarly ? ` ${JSON.stringify(report.subscribers.endedWhy)}` : ''}), on killed gateways ${report.subscribers.onKilledGateways}`,
    `  events expected/received/missing/duplicates/out-of-order/unknown: ${d.expected}/${d.received}/${d.missing}/${d.duplicates}/${d.outOfOrder}/${d.unknown} (streams with a defect: ${d.defective})`,
    `  outbox unpublished: ${JSON.stringify(report.events.unpublished)}; duplicate notifications: ${report.events.duplicateNotifications}; history≠version: ${report.events.historyMismatches}`,
    ...report.events.pipelines.map(
      (p) => `  ${p.pipeline}: produced ${p.produced}, unprocessed ${p.unprocessed}`,
    ),
    `  fault at: ${report.faultAt === undefined ? '-' : `${report.faultAt} ms`}; recovery (first checkout started after it that succeeded): ${report.recoveryMs === undefined ? '-' : `${report.recoveryMs} ms`}`,
    `  latency checkout (add to cart, checkout, pay) p50/p99: ${report.latencyMs.checkoutP50}/${report.latencyMs.checkoutP99} ms; pay → PAYMENT_AUTHORIZED event p50/p99: ${report.latencyMs.eventP50}/${report.latencyMs.eventP99} ms`,
  ];
  if (d.examples.length > 0) {
    lines.push('  e.g.:');
    for (const example of d.examples.slice(0, 5)) {
      lines.push(
        `    ${example.subscriber} order ${example.orderId.slice(0, 8)}: missing [${example.missing}] duplicates [${example.duplicates}] out-of-order [${example.outOfOrder}]`,
      );
    }
  }
  return lines.join('\n');
}

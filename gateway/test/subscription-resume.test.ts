import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as GraphQL from 'graphql';
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, type SigningKey } from '@shop/auth';
import { composeSupergraph } from '@shop/schema';
import { createSubgraph, type BaseSubgraphContext, type RunningSubgraph } from '@shop/subgraph';
import { startTcpBalancer, type TcpBalancer } from '@shop/testing';
import { Supergraph } from '@apollo/federation-internals';
import { startGateway, type RunningGateway } from '../src/gateway';
import {
  isAfter,
  resumableFields,
  resumableOperation,
  takeCursor,
} from '../src/subscriptions/resume';

// graphql-ws and the Apollo packages use graphql's CommonJS build (see subscriptions.test.ts).
const { parse, print } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

// The gateway's subscription engine resumes an upstream subscription when the subgraph replica
// serving it dies: two replicas of the "feed" subgraph (the shared createSubgraph over graphql-ws,
// items from one in-test store) behind a round-robin TCP balancer, which is the feed URL the
// gateway knows. `ticked` is a feed and `orderStatusChanged` a state stream; both follow the
// resume convention (`after: String`, `cursor: String!`). "catalog" (HTTP) resolves
// `Item.label`, so every event is also hydrated through a second subgraph.

const FEED_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { feedHealth: Boolean }
type Subscription {
  ticked(channel: ID!, after: String): Tick
  orderStatusChanged(orderId: ID!, after: String): OrderStatusEvent
  "Not resumable: \`after\` is not a String."
  pinged(channel: ID!, after: Int): Tick
  "Not resumable: a list has no single cursor."
  batched(channel: ID!, after: String): [Tick!]
}
type Tick { cursor: String! seq: Int! channel: ID! item: Item! }
type OrderStatusEvent {
  cursor: String!
  orderId: ID!
  version: Int!
  status: String!
  snapshot: Boolean!
}
type Item @key(fields: "id", resolvable: false) { id: ID! }
`;
const CATALOG_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { item(id: ID!): Item }
type Item @key(fields: "id") { id: ID! label: String! }
`;

interface Tick {
  cursor: string;
  seq: number;
  channel: string;
  item: { id: string };
}
interface StatusEvent {
  cursor: string;
  orderId: string;
  version: number;
  status: string;
  snapshot: boolean;
}

/**
 * What both replicas read: an append-only log of ticks (cursor = global position) and of
 * order status changes (cursor = the order's version), and live listeners per topic.
 */
class Store {
  readonly ticks: Tick[] = [];
  readonly statuses: StatusEvent[] = [];
  /** Open subscriptions per replica. */
  readonly active = new Map<number, number>();
  /** Misbehaving replicas: given `after`, they send the item at `after` again. */
  overlap = false;
  private readonly listeners = new Map<string, Set<(value: unknown) => void>>();

  addTick(channel: string): Tick {
    const seq = this.ticks.filter((tick) => tick.channel === channel).length + 1;
    const tick = {
      cursor: String(this.ticks.length + 1),
      seq,
      channel,
      item: { id: `${channel}-${seq}` },
    };
    this.ticks.push(tick);
    this.emit(`tick:${channel}`, tick);
    return tick;
  }

  setStatus(orderId: string, status: string): StatusEvent {
    const version = this.statuses.filter((event) => event.orderId === orderId).length + 1;
    const event = { cursor: String(version), orderId, version, status, snapshot: false };
    this.statuses.push(event);
    this.emit(`status:${orderId}`, event);
    return event;
  }

  ticksAfter(channel: string, after: string | null | undefined): Tick[] {
    if (after == null) return [];
    const from = Number(after) + (this.overlap ? 0 : 1);
    return this.ticks.filter((tick) => tick.channel === channel && Number(tick.cursor) >= from);
  }

  statusesAfter(orderId: string, after: string | null | undefined): StatusEvent[] {
    const history = this.statuses.filter((event) => event.orderId === orderId);
    if (after == null) {
      const current = history.at(-1);
      return current ? [{ ...current, snapshot: true }] : [];
    }
    const from = Number(after) + (this.overlap ? 0 : 1);
    return history.filter((event) => event.version >= from);
  }

  openSubscriptions(replica: number): number {
    return this.active.get(replica) ?? 0;
  }

  /**
   * The items of `start()` then every live item of `topic`. The listener is added and the
   * history read in the same synchronous step, so nothing falls in between.
   */
  stream(replica: number, topic: string, start: () => unknown[]): AsyncIterableIterator<unknown> {
    const queue: unknown[] = [];
    let waiter: ((result: IteratorResult<unknown>) => void) | undefined;
    const push = (value: unknown) => {
      if (waiter) {
        const resolve = waiter;
        waiter = undefined;
        resolve({ value, done: false });
      } else queue.push(value);
    };
    const set = this.listeners.get(topic) ?? new Set();
    this.listeners.set(topic, set);
    set.add(push);
    queue.push(...start());
    this.active.set(replica, this.openSubscriptions(replica) + 1);
    let ended = false;
    const done = (): Promise<IteratorResult<unknown>> => {
      if (!ended) {
        ended = true;
        set.delete(push);
        this.active.set(replica, this.openSubscriptions(replica) - 1);
      }
      waiter?.({ value: undefined, done: true });
      waiter = undefined;
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () =>
        queue.length
          ? Promise.resolve({ value: queue.shift(), done: false })
          : ended
            ? Promise.resolve({ value: undefined, done: true })
            : new Promise((resolve) => (waiter = resolve)),
      return: done,
      throw: done,
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private emit(topic: string, value: unknown): void {
    for (const listener of this.listeners.get(topic) ?? []) listener(value);
  }
}

/** One replica of the feed subgraph, with a way to kill it abruptly. */
interface Replica {
  index: number;
  subgraph: RunningSubgraph;
  address: string;
  /** Stops listening and destroys every open socket (no close frames), like a crash. */
  kill(): void;
  /**
   * Stops listening and stops reading and writing on every open socket without closing it,
   * like a host that vanished (no FIN/RST reaches anyone).
   */
  freeze(): void;
}

async function startReplica(index: number, store: Store, gatewayKey: SigningKey) {
  const subgraph = await createSubgraph<BaseSubgraphContext>({
    name: 'feed',
    typeDefs: parse(FEED_SDL),
    gatewayKeys: [gatewayKey],
    context: (base) => base,
    subscriptions: true,
    resolvers: {
      Query: { feedHealth: () => true },
      Subscription: {
        ticked: {
          subscribe: (_: unknown, args: { channel: string; after?: string | null }) =>
            store.stream(index, `tick:${args.channel}`, () =>
              store.ticksAfter(args.channel, args.after),
            ),
          resolve: (payload: unknown) => payload,
        },
        orderStatusChanged: {
          subscribe: (_: unknown, args: { orderId: string; after?: string | null }) =>
            store.stream(index, `status:${args.orderId}`, () =>
              store.statusesAfter(args.orderId, args.after),
            ),
          resolve: (payload: unknown) => payload,
        },
      },
    },
  });
  const sockets = new Set<Socket>();
  subgraph.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const replica: Replica = {
    index,
    subgraph,
    address: `127.0.0.1:${subgraph.port}`,
    kill: () => {
      subgraph.server.close();
      for (const socket of sockets) socket.destroy();
    },
    freeze: () => {
      subgraph.server.close();
      for (const socket of sockets) {
        socket.pause();
        socket.cork();
      }
    },
  };
  return replica;
}

interface Received {
  result: FormattedExecutionResult;
  at: number;
}

interface Collected {
  received: Received[];
  errors: unknown[];
  dispose: () => void;
}

function collect(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const collected: Collected = { received: [], errors: [], dispose: () => undefined };
  collected.dispose = client.subscribe(
    { query, variables },
    {
      next: (result) =>
        void collected.received.push({
          result: result as FormattedExecutionResult,
          at: Date.now(),
        }),
      error: (error) => void collected.errors.push(error),
      complete: () => undefined,
    },
  );
  return collected;
}

async function waitFor(check: () => boolean, timeoutMs = 10_000, label = 'condition') {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => from + index);

const TICKS = `subscription Ticks($c: ID!) {
  ticked(channel: $c) { seq item { label } }
}`;

/** Whether `collected` has received the tick `seq` (see {@link seqs}). */
const received = (collected: Collected, seq: number, key = 'ticked', field = 'seq') =>
  seqs(collected, key, field).includes(seq);

/** The `seq` of each result of a `ticked` subscription (under `key`, as `field`). */
function seqs(collected: Collected, key = 'ticked', field = 'seq'): number[] {
  return collected.received.map(({ result }) => {
    expect(result.errors).toBeUndefined();
    const item = (result.data as Record<string, Record<string, unknown>>)[key];
    return item?.[field] as number;
  });
}

describe('resuming upstream subscriptions when a subgraph replica dies', () => {
  let gatewayKey: SigningKey;
  let accessKey: SigningKey;
  let catalog: RunningSubgraph;
  let supergraphSdl: string;
  let dir: string;

  /** What one test runs on: two feed replicas, a balancer, a gateway and its clients. */
  interface Env {
    store: Store;
    replicas: Replica[];
    balancer: TcpBalancer;
    gateway: RunningGateway;
    clients: Client[];
    client(): Client;
    /** The replica holding the gateway's upstream subscriptions. */
    serving(): Replica;
    /** Adds a tick every `everyMs` until stopped. */
    produce(channel: string, everyMs: number): () => void;
  }
  let env: Env | undefined;

  async function startEnv(options: { resume?: boolean; pingMs?: number } = {}): Promise<Env> {
    const store = new Store();
    const replicas = [
      await startReplica(0, store, gatewayKey),
      await startReplica(1, store, gatewayKey),
    ];
    const balancer = await startTcpBalancer(replicas.map((replica) => replica.address));
    const gateway = await startGateway({
      supergraphSdl,
      subgraphUrls: { feed: `http://${balancer.address}/graphql`, catalog: catalog.url },
      accessTokenKeys: [accessKey],
      signingKey: gatewayKey,
      port: 0,
      subscriptions: {
        ...(options.resume === false ? { resume: false } : {}),
        limits: {
          upstreamRetryBudgetMs: 5_000,
          ...(options.pingMs !== undefined ? { upstreamPingMs: options.pingMs } : {}),
        },
      },
    });
    const clients: Client[] = [];
    const wsUrl = gateway.url.replace('http://', 'ws://');
    const timers = new Set<NodeJS.Timeout>();
    const started: Env = {
      store,
      replicas,
      balancer,
      gateway,
      clients,
      client: () => {
        const client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: true,
        });
        clients.push(client);
        return client;
      },
      serving: () => {
        const serving = replicas.filter((replica) => store.openSubscriptions(replica.index) > 0);
        expect(serving).toHaveLength(1);
        return serving[0]!;
      },
      produce: (channel, everyMs) => {
        const timer = setInterval(() => store.addTick(channel), everyMs);
        timers.add(timer);
        return () => {
          clearInterval(timer);
          timers.delete(timer);
        };
      },
    };
    cleanups.push(() => timers.forEach((timer) => clearInterval(timer)));
    return started;
  }
  const cleanups: Array<() => void> = [];

  const engineStats = () => {
    const engine = env?.gateway.subscriptions;
    if (!engine) throw new Error('subscriptions disabled');
    return engine.stats();
  };

  beforeAll(async () => {
    gatewayKey = await loadSigningKey();
    accessKey = await loadSigningKey();
    catalog = await createSubgraph<BaseSubgraphContext>({
      name: 'catalog',
      typeDefs: parse(CATALOG_SDL),
      gatewayKeys: [gatewayKey],
      context: (base) => base,
      resolvers: {
        Query: { item: (_: unknown, args: { id: string }) => ({ id: args.id }) },
        Item: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          label: (item: { id: string }) => `label of ${item.id}`,
        },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'shop-subscription-resume-'));
    writeFileSync(join(dir, 'feed.graphql'), FEED_SDL);
    writeFileSync(join(dir, 'catalog.graphql'), CATALOG_SDL);
    const composed = composeSupergraph([
      {
        name: 'feed',
        defaultUrl: 'http://feed.invalid/graphql',
        sdlPath: pathToFileURL(join(dir, 'feed.graphql')),
      },
      {
        name: 'catalog',
        defaultUrl: catalog.url,
        sdlPath: pathToFileURL(join(dir, 'catalog.graphql')),
      },
    ]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));
    supergraphSdl = composed.supergraphSdl;
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    if (!env) return;
    const { clients, gateway, balancer, replicas } = env;
    env = undefined;
    await Promise.all(clients.map((client) => client.dispose()));
    await gateway.stop(2_000);
    await balancer.close();
    for (const replica of replicas) {
      replica.kill();
      await replica.subgraph.stop(500).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await catalog?.stop(2_000);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Subscribes to `ticked`, kills the replica serving it after a few ticks, adds one tick at
   * once (while no replica holds the subscription) and keeps producing; returns what the
   * client received and when.
   */
  async function failover(current: Env) {
    const sub = collect(current.client(), TICKS, { c: 'c1' });
    await waitFor(
      () => current.store.openSubscriptions(0) + current.store.openSubscriptions(1) === 1,
      10_000,
      'the upstream subscription at a replica',
    );
    const stop = current.produce('c1', 20);
    await waitFor(() => sub.received.length >= 5, 10_000, 'five ticks before the failure');
    const victim = current.serving();
    const killedAt = Date.now();
    victim.kill();
    const during = current.store.addTick('c1');
    await sleep(600);
    stop();
    const last = current.store.ticks.filter((tick) => tick.channel === 'c1').length;
    return { sub, victim, killedAt, during, last };
  }

  it('should detect the resume convention in the owning subgraph and rewrite its fetch', () => {
    expect([...resumableFields(Supergraph.build(supergraphSdl))].sort()).toEqual([
      'feed\norderStatusChanged',
      'feed\nticked',
    ]);
    const rewritten = resumableOperation(
      'subscription($v0: ID!, $v1: String) { t: ticked(channel: $v0, after: $v1) { __typename seq } }',
      { v0: 'c1', v1: '7' },
      (field) => field === 'ticked',
    );
    expect(rewritten).toEqual({
      operation: print(
        parse(
          'subscription($v0: ID!, $__resume_after: String) { t: ticked(channel: $v0, after: $__resume_after) { __typename seq __resume_cursor: cursor } }',
        ),
      ),
      variables: { v0: 'c1', __resume_after: '7' },
      responseKey: 't',
    });
    expect(
      resumableOperation('subscription { pinged(channel: "c") { seq } }', {}, () => false),
    ).toBeUndefined();
    const event = { data: { t: { seq: 1, __resume_cursor: '8' } } };
    expect(takeCursor(event, 't')).toBe('8');
    expect(event).toEqual({ data: { t: { seq: 1 } } });
    expect(takeCursor({ data: { t: null } }, 't')).toBeUndefined();
    // Decimal cursors compare as numbers of any size; opaque ones only by equality.
    expect(isAfter('10', '9')).toBe(true);
    expect(isAfter('9', '10')).toBe(false);
    expect(isAfter('10', '10')).toBe(false);
    expect(isAfter('123456789012345678901234567891', '123456789012345678901234567890')).toBe(true);
    expect(isAfter('b', 'a')).toBe(true);
    expect(isAfter('a', 'a')).toBe(false);
  });

  it('should resume from the last cursor on another replica: every item once, in order, within 2 s', async () => {
    env = await startEnv();
    const current = env;
    const { sub, victim, killedAt, during, last } = await failover(current);
    await waitFor(() => received(sub, last), 10_000, 'the last tick');
    await sleep(200); // anything sent twice would arrive by now
    expect(seqs(sub)).toEqual(range(1, last));
    // Hydrated through the catalog subgraph, with the reserved cursor alias stripped.
    expect(sub.received[0]?.result).toEqual({
      data: { ticked: { seq: 1, item: { label: 'label of c1-1' } } },
    });
    expect(JSON.stringify(sub.received)).not.toContain('__resume');
    // The tick added while no replica held the subscription arrived, within 2 s of the kill.
    const arrival = sub.received[seqs(sub).indexOf(during.seq)];
    expect(arrival).toBeDefined();
    expect(arrival!.at - killedAt).toBeLessThan(2_000);
    console.info(`[resume] first item after the kill arrived in ${arrival!.at - killedAt} ms`);
    // The other replica holds the subscription now; the dead one none.
    const survivor = current.replicas.find((replica) => replica !== victim)!;
    expect(current.store.openSubscriptions(survivor.index)).toBe(1);
    expect(sub.errors).toEqual([]);
    expect(engineStats().upstreamSubscriptions).toBe(1);
  });

  it('should lose the items of the outage without resume (the failover test can fail)', async () => {
    env = await startEnv({ resume: false });
    const current = env;
    const { sub, during, last } = await failover(current);
    await waitFor(() => received(sub, last), 10_000, 'the last tick');
    await sleep(200);
    const got = seqs(sub);
    expect(got).not.toEqual(range(1, last));
    expect(got).not.toContain(during.seq);
  });

  it('should resume shared upstreams with aliases, fragments and a client-supplied cursor', async () => {
    env = await startEnv();
    const current = env;
    const { store } = current;
    for (let index = 0; index < 4; index += 1) store.addTick('c3');
    const afterSecond = store.ticks.filter((tick) => tick.channel === 'c3')[1]!.cursor;

    const aliased = collect(
      current.client(),
      `subscription A($c: ID!) { t: ticked(channel: $c) { ...F } }
       fragment F on Tick { n: seq item { ... on Item { l: label } } }`,
      { c: 'c3' },
    );
    const plain = collect(
      current.client(),
      `subscription { ticked(channel: "c3") { item { label } seq } }`,
    );
    await waitFor(() => engineStats().clientSubscriptions === 2, 10_000, 'two subscribers');
    // Two spellings of one subscription: one upstream subscription at the subgraph.
    expect(engineStats().upstreamSubscriptions).toBe(1);
    const resumed = collect(
      current.client(),
      `subscription R($c: ID!, $after: String) {
         ticked(channel: $c, after: $after) { seq cursor }
       }`,
      { c: 'c3', after: afterSecond },
    );
    await waitFor(() => resumed.received.length === 2, 10_000, 'the two ticks after the cursor');
    await waitFor(() => store.openSubscriptions(0) + store.openSubscriptions(1) === 2);
    expect(engineStats().upstreamSubscriptions).toBe(2);

    const stop = current.produce('c3', 20);
    await waitFor(() => aliased.received.length >= 3, 10_000, 'live ticks');
    const victim = current.serving();
    victim.kill();
    const during = store.addTick('c3');
    await sleep(500);
    // A late client with the same cursor does not join the upstream that moved past it.
    const late = collect(
      current.client(),
      `subscription L($c: ID!, $after: String) {
         ticked(channel: $c, after: $after) { seq cursor }
       }`,
      { c: 'c3', after: afterSecond },
    );
    await waitFor(() => late.received.length >= 3, 10_000, 'the late client catching up');
    // Its own upstream, next to the shared one and the first cursor client's.
    expect(engineStats().upstreamSubscriptions).toBe(3);
    await sleep(200);
    stop();
    const last = store.ticks.filter((tick) => tick.channel === 'c3').length;
    await waitFor(
      () =>
        received(aliased, last, 't', 'n') &&
        [plain, resumed, late].every((sub) => received(sub, last)),
      10_000,
      'the last tick',
    );
    await sleep(200);
    expect(seqs(aliased, 't', 'n')).toEqual(range(5, last));
    expect(seqs(plain)).toEqual(range(5, last));
    expect(seqs(resumed)).toEqual(range(3, last));
    expect(seqs(late)).toEqual(range(3, last));
    expect(seqs(aliased, 't', 'n')).toContain(during.seq);
    // Each subscriber gets its own response keys; nothing of the resume mechanism.
    expect(aliased.received[0]?.result).toEqual({
      data: { t: { n: 5, item: { l: 'label of c3-5' } } },
    });
    expect(plain.received[0]?.result).toEqual({
      data: { ticked: { item: { label: 'label of c3-5' }, seq: 5 } },
    });
    const tick3 = store.ticks.find((tick) => tick.channel === 'c3' && tick.seq === 3)!;
    expect(resumed.received[0]?.result).toEqual({
      data: { ticked: { seq: 3, cursor: tick3.cursor } },
    });
    for (const sub of [aliased, plain, resumed, late]) {
      expect(JSON.stringify(sub.received)).not.toContain('__resume');
      expect(sub.errors).toEqual([]);
    }
  });

  /** Freezes the replica serving `ticked` mid-stream; what the client received and when. */
  async function freeze(current: Env) {
    const sub = collect(current.client(), TICKS, { c: 'c1' });
    await waitFor(
      () => current.store.openSubscriptions(0) + current.store.openSubscriptions(1) === 1,
      10_000,
      'the upstream subscription at a replica',
    );
    const stop = current.produce('c1', 20);
    await waitFor(() => sub.received.length >= 5, 10_000, 'five ticks before the failure');
    const victim = current.serving();
    const frozenAt = Date.now();
    victim.freeze();
    const during = current.store.addTick('c1');
    return { sub, victim, frozenAt, during, stop };
  }

  it('should notice a replica that stops answering without closing (ping timeout) and resume', async () => {
    env = await startEnv({ pingMs: 200 });
    const current = env;
    const { sub, victim, frozenAt, during, stop } = await freeze(current);
    await waitFor(() => received(sub, during.seq), 5_000, 'the first tick after the freeze');
    const arrival = sub.received[seqs(sub).indexOf(during.seq)]!;
    expect(arrival.at - frozenAt).toBeLessThan(2_000);
    await sleep(300);
    stop();
    const last = current.store.ticks.filter((tick) => tick.channel === 'c1').length;
    await waitFor(() => received(sub, last), 10_000, 'the last tick');
    await sleep(200);
    expect(seqs(sub)).toEqual(range(1, last));
    const survivor = current.replicas.find((replica) => replica !== victim)!;
    expect(current.store.openSubscriptions(survivor.index)).toBe(1);
    expect(sub.errors).toEqual([]);
  });

  it('should stay silent on a frozen replica without upstream pings (the ping test can fail)', async () => {
    env = await startEnv({ pingMs: 0 });
    const { sub, during, stop } = await freeze(env);
    await sleep(2_500);
    stop();
    expect(received(sub, during.seq)).toBe(false);
  });

  it('should drop an item a replica sends again after resuming', async () => {
    env = await startEnv();
    const current = env;
    current.store.overlap = true;
    const { sub, last } = await failover(current);
    await waitFor(() => received(sub, last), 10_000, 'the last tick');
    await sleep(200);
    expect(seqs(sub)).toEqual(range(1, last));
    const dropped = engineStats().duplicatesDropped;
    expect(dropped).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(new URL('/metrics', current.gateway.url))).text();
    expect(metrics).toMatch(
      new RegExp(`^shopgraph_subscription_duplicates_dropped_total\\{[^}]*\\} ${dropped}$`, 'm'),
    );
  });

  it('should resume a state stream without a second snapshot and still serve late joiners', async () => {
    env = await startEnv();
    const current = env;
    const { store } = current;
    const STATUS = `subscription S($id: ID!) {
      orderStatusChanged(orderId: $id) { version status snapshot }
    }`;
    store.setStatus('o1', 'PENDING_PAYMENT');
    const first = collect(current.client(), STATUS, { id: 'o1' });
    await waitFor(() => first.received.length === 1, 10_000, 'the snapshot');
    store.setStatus('o1', 'PAID');
    store.setStatus('o1', 'SHIPPED');
    await waitFor(() => first.received.length === 3, 10_000, 'two changes');
    const killedAt = Date.now();
    current.serving().kill();
    store.setStatus('o1', 'DELIVERED');
    await waitFor(() => first.received.length === 4, 10_000, 'the change during the outage');
    expect(first.received[3]!.at - killedAt).toBeLessThan(2_000);
    // A late joiner first gets the latest state the group produced.
    const late = collect(current.client(), STATUS, { id: 'o1' });
    await waitFor(() => late.received.length === 1, 10_000, 'the latest state');
    store.setStatus('o1', 'RETURNED');
    await waitFor(() => first.received.length === 5 && late.received.length === 2);
    await sleep(200);
    const versions = (sub: Collected) =>
      sub.received.map(({ result }) => {
        const event = (result.data as { orderStatusChanged: Record<string, unknown> })
          .orderStatusChanged;
        return [event.version, event.status, event.snapshot];
      });
    expect(versions(first)).toEqual([
      [1, 'PENDING_PAYMENT', true],
      [2, 'PAID', false],
      [3, 'SHIPPED', false],
      // Sent by the other replica given `after: "3"`: the change itself, not a new snapshot.
      [4, 'DELIVERED', false],
      [5, 'RETURNED', false],
    ]);
    expect(versions(late)).toEqual([
      [4, 'DELIVERED', false],
      [5, 'RETURNED', false],
    ]);
    expect(JSON.stringify([first.received, late.received])).not.toContain('__resume');
  });
});

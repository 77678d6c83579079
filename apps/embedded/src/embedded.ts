import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSigningKey, type SigningKey } from '@shop/auth';
import { createDatabase, type Database } from '@shop/db';
import { createEventBus, type EventBus } from '@shop/events';
import { readCommittedSupergraph, SUBGRAPHS } from '@shop/schema';
import type { RunningSubgraph } from '@shop/subgraph';
import { EMBEDDED_SUBGRAPHS, type EmbeddedSettings } from './subgraphs';
import {
  startGateway,
  type AccountStatusOptions,
  type CorsOptions,
  type GatewayPersistedQueryOptions,
  type RequestLimitsOptions,
  type RunningGateway,
  type SubscriptionLimits,
} from '@shop/gateway';
import { log } from '@shop/log';

export interface EmbeddedGraphOptions {
  /** Postgres URL; PGlite when absent. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; in memory when absent. */
  dataDir?: string | undefined;
  host?: string;
  /** Gateway port; 0 for a free one. */
  port?: number;
  /** `sequential`: subgraphs on port+1, port+2…; `random`: free ports. */
  subgraphPorts?: 'sequential' | 'random';
  seed?: boolean;
  accessTokenKey?: SigningKey;
  gatewayKey?: SigningKey;
  production?: boolean;
  /** Kafka brokers; the embedded Postgres log bus when absent. */
  kafkaBrokers?: string[] | undefined;
  /** A ready event bus (tests pass one tuned for the Kafka mock); overrides `kafkaBrokers`. */
  bus?: EventBus;
  /** Redis for the cart cache and the gateway's rate-limit counters; neither uses it when absent. */
  redisUrl?: string | undefined;
  cartTokenSecret?: string | undefined;
  paymentTtlSeconds?: number;
  /**
   * How long `orderStatusChanged`, `paymentStatusChanged` and `cartUpdated` wait for an order or
   * cart the notification subgraph has not heard of yet; default 2 minutes.
   */
  pendingStreamMs?: number;
  /** Share of operations reported as usage events to analytics (0..1); default 1. */
  usageSampleRate?: number;
  /** OpenSearch node for product search; Postgres full-text search when absent. */
  opensearchUrl?: string | undefined;
  /** Timeout of each gateway → subgraph call; default 2 s. */
  subgraphTimeoutMs?: number;
  /** The gateway's rate limits (per IP, per user, login attempts); defaults when absent. */
  requestLimits?: RequestLimitsOptions | false;
  /** Overrides of the gateway's subscription limits (per connection, per user, …). */
  subscriptionLimits?: Partial<SubscriptionLimits>;
  /** The gateway's persisted queries: `apq` (default), `safelist` or `off`. */
  persistedQueries?: GatewayPersistedQueryOptions;
  /**
   * The gateway's response cache for anonymous catalog queries, invalidated over this graph's
   * bus (TTL and size overrides); off when absent or `false`.
   */
  responseCache?: { ttlMs?: number; maxBytes?: number } | false;
  /** Browser origins allowed cross-origin (the gateway's CORS); same origin only when absent. */
  cors?: CorsOptions;
  /** Sign-in providers of the user subgraph (OpenID Connect, GitHub); none when absent. */
  oidcProviders?: EmbeddedSettings['oidcProviders'];
  /** The gateway's account-status cache (how soon a disabled account's tokens are refused). */
  accountStatus?: AccountStatusOptions | false;
}

export interface EmbeddedGraph {
  gatewayUrl: string;
  subgraphs: Record<string, RunningSubgraph>;
  gateway: RunningGateway;
  database: Database;
  bus: EventBus;
  accessTokenKey: SigningKey;
  gatewayKey: SigningKey;
  /** Moves overdue unpaid orders to EXPIRED now (the sweeper also runs on a timer). */
  expireOverdueOrders(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Runs the whole graph in one process: one database (PGlite or Postgres) with a schema per
 * subgraph, one event bus, every subgraph on its own HTTP port (so federation and
 * service-to-service calls are real HTTP), and the gateway in front. Used by `pnpm start` and by
 * the end-to-end tests.
 */
export async function startEmbeddedGraph(
  options: EmbeddedGraphOptions = {},
): Promise<EmbeddedGraph> {
  if (!options.databaseUrl && options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const database = await createDatabase({
    url: options.databaseUrl,
    dataDir: options.databaseUrl || !options.dataDir ? undefined : join(options.dataDir, 'pglite'),
    maxConnections: 20,
  });
  const started: Array<{ stop(): Promise<void> }> = [];
  let bus: EventBus | undefined;
  try {
    const accessTokenKey = options.accessTokenKey ?? (await loadSigningKey());
    const settings: EmbeddedSettings = {
      seed: options.seed ?? true,
      accessTokenKey,
      cartTokenSecret: options.cartTokenSecret ?? randomBytes(32).toString('base64url'),
      redisUrl: options.redisUrl,
      paymentTtlSeconds: options.paymentTtlSeconds,
      pendingStreamMs: options.pendingStreamMs,
      opensearchUrl: options.opensearchUrl,
      oidcProviders: options.oidcProviders,
    };
    for (const entry of SUBGRAPHS) {
      await EMBEDDED_SUBGRAPHS[entry.name].prepare(database, settings);
    }
    bus =
      options.bus ??
      (await createEventBus({
        database,
        kafkaBrokers: options.kafkaBrokers,
        clientId: 'shopgraph',
      }));

    const gatewayKey = options.gatewayKey ?? (await loadSigningKey());
    const basePort = options.port ?? 0;
    // Subgraphs listen on the gateway's port plus their registry port's offset from 4000.
    const portFor = (registryPort: number) =>
      options.subgraphPorts === 'random' || basePort === 0 ? 0 : basePort + registryPort - 4000;
    const host = options.host ?? '127.0.0.1';
    // The gateway's key is the internal trust root: it signs the gateway's per-request tokens
    // and the subgraphs' service-to-service tokens alike. Service URLs are filled in as each
    // subgraph starts (read at call time).
    const serviceUrls: Record<string, string> = {};
    const subgraphs: Record<string, RunningSubgraph> = {};
    for (const entry of SUBGRAPHS) {
      const subgraph = await EMBEDDED_SUBGRAPHS[entry.name].start(
        {
          database,
          gatewayKeys: [gatewayKey],
          bus,
          serviceKey: gatewayKey,
          serviceUrls,
          host,
          port: portFor(entry.port),
        },
        settings,
      );
      started.push(subgraph);
      serviceUrls[entry.name] = subgraph.url;
      subgraphs[entry.name] = subgraph;
    }
    // Started above, as every registered subgraph; its type is the order definition's.
    const order = subgraphs.order as Awaited<ReturnType<typeof EMBEDDED_SUBGRAPHS.order.start>>;
    const user = subgraphs.user as RunningSubgraph;

    const gateway = await startGateway({
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls: { ...serviceUrls },
      accessTokenKeys: new URL('/.well-known/jwks.json', user.url),
      signingKey: gatewayKey,
      port: basePort,
      host,
      ...(options.production ? { production: true } : {}),
      ...(options.subscriptionLimits
        ? { subscriptions: { limits: options.subscriptionLimits } }
        : {}),
      usage: { bus, sampleRate: options.usageSampleRate ?? 1 },
      ...(options.subgraphTimeoutMs ? { subgraphTimeoutMs: options.subgraphTimeoutMs } : {}),
      ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
      ...(options.requestLimits !== undefined
        ? { limits: { requests: options.requestLimits } }
        : {}),
      ...(options.persistedQueries ? { persistedQueries: options.persistedQueries } : {}),
      ...(options.responseCache ? { responseCache: { ...options.responseCache, bus } } : {}),
      ...(options.cors ? { cors: options.cors } : {}),
      ...(options.accountStatus !== undefined ? { accountStatus: options.accountStatus } : {}),
    });

    let stopped = false;
    const theBus = bus;
    return {
      gatewayUrl: gateway.url,
      subgraphs,
      gateway,
      database,
      bus: theBus,
      accessTokenKey,
      gatewayKey,
      expireOverdueOrders: () => order.expireOverdueOrders(),
      async stop() {
        if (stopped) return;
        stopped = true;
        await bounded('gateway', gateway.stop());
        await bounded(
          'subgraphs',
          Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.stop())),
        );
        await bounded('event bus', theBus.close());
        await bounded('database', database.close());
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.stop().catch(() => undefined)));
    await bus?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
}

/** Waits for one shutdown step, but never longer than `ms`: a stuck step must not hang exit. */
async function bounded(step: string, work: Promise<unknown>, ms = 15_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warn(`[shutdown] ${step} did not stop within ${ms} ms; continuing`);
      resolve();
    }, ms);
    timer.unref();
  });
  const settled = work.then(
    () => undefined,
    (error: unknown) => log.warn(`[shutdown] ${step} failed while stopping`, error),
  );
  await Promise.race([settled, timeout]);
  clearTimeout(timer);
}

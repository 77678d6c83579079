import type { KeySource, SigningKey } from '@shop/auth';
import type { EventBus } from '@shop/events';
import type { AccountStatusOptions } from '../account-status';
import type {
  InputLimits,
  ObservedListSizesOptions,
  OperationLimits,
  RequestLimitsOptions,
} from '../limits';
import type { GatewayPersistedQueryOptions } from '../persisted';
import type { ResponseCacheOptions } from '../response-cache';
import type { SubscriptionLimits } from '../subscriptions';
import type { CorsOptions } from './cors';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Subgraph URL overrides by name; names missing here use the URL in the supergraph. */
  subgraphUrls: Record<string, string>;
  /** Keys that sign client access tokens (the user subgraph's JWKS URL in production). */
  accessTokenKeys: KeySource;
  /** The gateway's own key, used to sign the internal token sent with every subgraph request. */
  signingKey: SigningKey;
  port: number;
  host?: string;
  /** Production disables introspection and GraphiQL. */
  production?: boolean;
  maxBodyBytes?: number;
  limits?: GatewayLimitOptions;
  /**
   * Redis for the rate-limit counters, shared by every gateway instance; memory when absent.
   * While Redis is unreachable each instance counts in memory (limits never fail open).
   */
  redisUrl?: string | undefined;
  /**
   * Prepended to every key this gateway keeps in Redis (`ratelimit:…`, `apq:…`), so several
   * deployments (or test runs) can share one Redis. Default none.
   */
  redisKeyPrefix?: string | undefined;
  /**
   * Who runs query plans: `plan` (default: execution/plan-executor.ts, compiled per operation,
   * falling back to @apollo/gateway's executor for what it does not run) or `apollo`.
   */
  executor?: 'plan' | 'apollo';
  /** Per-subgraph call timeout; default 2 s (a hung subgraph gives partial data, not a hang). */
  subgraphTimeoutMs?: number;
  /**
   * In-flight deduplication of identical subgraph query fetches (same subgraph, document,
   * variables and caller identity share one request; docs/subgraph-dedup.md). Default true.
   */
  subgraphDedup?: boolean;
  /** Federated subscriptions (graphql-ws and multipart HTTP on `/graphql`); on by default. */
  subscriptions?: GatewaySubscriptionOptions;
  /**
   * API usage reporting: one `graphql.operation.completed` event per (sampled) query/mutation
   * on `analytics.api-usage.v1`, published in the background. Absent → no usage events.
   * Subscriptions (served by the subscription engine) are not reported.
   */
  usage?: GatewayUsageOptions;
  /**
   * Persisted queries: `apq` (default; bounded in-memory APQ cache, shared by every gateway
   * through Redis when `redisUrl` is set), `safelist` (only the
   * operations of `schema/operations` run; anything else gets 400 before any subgraph call) or
   * `off`. See README.md § Persisted queries.
   */
  persistedQueries?: GatewayPersistedQueryOptions;
  /**
   * Whole-response cache for anonymous queries over public catalog fields (README
   * "Performance"), cleared by every catalog/inventory event on `bus`. Off when absent, and
   * off without a bus unless `ttlOnly` is set.
   */
  responseCache?: ResponseCacheOptions;
  /**
   * Access tokens of disabled or deleted accounts are refused (401) once the user subgraph's
   * answer, cached per account for `maxAgeMs` (default 30 s), says so (account-status.ts). On
   * by default when the supergraph has a `user` subgraph; `false` turns it off (stub subgraphs).
   */
  accountStatus?: AccountStatusOptions | false;
  /**
   * Browser origins allowed to call the gateway over HTTP and WebSocket (server/cors.ts). Absent:
   * same origin only. `*` is refused with `production` (startGateway throws CorsConfigError).
   */
  cors?: CorsOptions;
}

export interface GatewayUsageOptions {
  bus: EventBus;
  /** Share of operations reported, 0..1; default 1. */
  sampleRate?: number;
  /** Events held in memory at most; further events are dropped and counted. Default 10,000. */
  bufferSize?: number;
  /** Background flush period; default 250 ms (a batch of 200 is flushed at once). */
  flushIntervalMs?: number;
  /** Sampling randomness (tests); default `Math.random`. */
  random?: () => number;
}

/** Request limits (docs/SECURITY.md §1): static operation checks and rate limits. */
export interface GatewayLimitOptions {
  /** Depth, aliases, directives, root fields, selections, tokens, cost. */
  operations?: Partial<OperationLimits>;
  /** String/ID lengths without `@maxLength`, variables' size and depth (input-bounds.ts). */
  inputs?: Partial<InputLimits>;
  /** Per-IP, per-user and login rate limits; `false` turns them off. */
  requests?: RequestLimitsOptions | false;
  /**
   * The list sizes the gateway observes in its responses, for the cost estimate of lists that
   * no argument or `@listSize` sizes (limits/observed-sizes.ts, docs/cost.md); on by default,
   * `false` turns it off (the blanket `defaultListSize` then applies).
   */
  observedListSizes?: Partial<ObservedListSizesOptions> | false;
}

export interface GatewaySubscriptionOptions {
  /** `false` turns the subscription engine off (subscriptions then fail as before). */
  enabled?: boolean;
  limits?: Partial<SubscriptionLimits>;
  /** Multipart heartbeat interval. Default 5 s. */
  heartbeatMs?: number;
  /** graphql-ws server ping interval. Default 12 s. */
  keepAliveMs?: number;
  /**
   * Resume upstream subscriptions of resumable fields from the last dispatched cursor when a
   * subgraph socket reconnects (docs/SUBSCRIPTIONS.md §6.1). Default true.
   */
  resume?: boolean;
}

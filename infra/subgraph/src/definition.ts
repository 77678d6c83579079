import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import type { KeySource, SigningKey } from '@shop/auth';
import type { Database } from '@shop/db';
import type { DbTransaction, DomainEvent, EventBus } from '@shop/events';
import type { RouteHandler } from '@shop/http';
import type { BaseSubgraphContext } from './errors';
import type { ServiceClient } from './service-client';

/**
 * One event consumer of a subgraph. Each event is applied at most once per `group`: `handle`
 * runs inside the transaction that records the event id in `<schema>.processed_events`.
 */
export interface ConsumerDefinition {
  /** Consumer group, also the dedupe namespace in `processed_events`. */
  group: string;
  topics: readonly string[];
  /**
   * Applies one event in `tx`. It may return a callback that runs once the transaction has
   * committed (live fan-out: subscribers only ever see committed effects).
   */
  handle(event: DomainEvent, tx: DbTransaction): Promise<void | (() => void)>;
}

/** Work a subgraph repeats on a timer while it runs (a sweeper, a purge). */
export interface BackgroundJob {
  /** What it does, for the warning logged when a run fails (`[order] expiry sweep failed`). */
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/** What `setup` hands a subgraph: its database, its options and the shared machinery. */
export interface SubgraphRuntime<TOptions> {
  database: Database;
  /** What it was started with: its own options and the common {@link StartSubgraphOptions}. */
  options: TOptions & StartSubgraphOptions;
  /**
   * The client for calls to the subgraphs listed in `calls`, signed with `serviceKey`; throws
   * when the subgraph was started without one.
   */
  serviceClient(): ServiceClient;
}

/** What `setup` returns: the GraphQL context and the subgraph's moving parts. */
export interface SubgraphParts<TContext extends BaseSubgraphContext, TExposed extends object> {
  /** Adds the subgraph's services and per-request loaders to the base context. */
  context(base: BaseSubgraphContext): TContext;
  /** Started only when the subgraph is given a bus. */
  consumers?: readonly ConsumerDefinition[];
  jobs?: readonly BackgroundJob[];
  routes?: Record<string, RouteHandler>;
  /** Releases what `setup` opened (a cache connection); runs last on stop. */
  close?(): Promise<void>;
  /** Extra members of the running subgraph (the order's `expireOverdueOrders`, live wake-ups). */
  exposed?: TExposed;
}

/**
 * Everything one subgraph declares about itself, once (`subgraphs/<name>/src/subgraph.ts`).
 * `prepareSubgraphDatabase`, `startSubgraph` and `runSubgraph` turn it into migrations, a
 * running server with its relay, consumers and jobs, and a standalone process.
 */
export interface SubgraphDefinition<
  TOptions extends object = object,
  TContext extends BaseSubgraphContext = BaseSubgraphContext,
  TPrepare extends object = object,
  TExposed extends object = object,
> {
  /** As in `schema/src/subgraphs.ts`: the supergraph's name, the internal tokens' audience. */
  name: string;
  /** Its own Postgres schema: tables, outbox, processed events, idempotency keys. */
  schema: string;
  /** Folder of its `NNNN_name.sql` migrations. */
  migrations: URL;
  /**
   * It publishes events: adds the outbox (and `processed_events`) tables, and its relay runs
   * whenever it is given a bus.
   */
  outbox?: boolean;
  /** It consumes events but publishes none: adds `processed_events` (and an unused outbox). */
  consumes?: boolean;
  /** Adds the `idempotency_keys` table (`@shop/idempotency`). */
  idempotencyKeys?: boolean;
  /** Subgraphs it calls directly (service client); their URLs come from `serviceUrls`. */
  calls?: readonly string[];
  /** Per-call timeout of the service client; default its 5 s. */
  serviceTimeoutMs?: number;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  /** Also serve GraphQL over WebSocket (its subscriptions). */
  subscriptions?: boolean;
  /** Runs after the migrations: demo data, search indexes. */
  seed?(database: Database, options: TPrepare): Promise<void>;
  /** Builds the subgraph's services over the runtime. */
  setup(
    runtime: SubgraphRuntime<TOptions>,
  ): SubgraphParts<TContext, TExposed> | Promise<SubgraphParts<TContext, TExposed>>;
}

/** What every subgraph is started with, beside its own options. */
export interface StartSubgraphOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens. */
  gatewayKeys: KeySource;
  /** Bus for the outbox relay and the consumers; neither runs without one. */
  bus?: EventBus;
  /** Signs service tokens to the subgraphs in `calls` (same trust root as the gateway's). */
  serviceKey?: SigningKey;
  /** URLs of other subgraphs by name; read at call time (the embedded runner fills it in). */
  serviceUrls?: Record<string, string>;
  port?: number;
  host?: string;
}

/** Declares a subgraph (see {@link SubgraphDefinition}); checks its names once, at load. */
export function defineSubgraph<
  TOptions extends object,
  TContext extends BaseSubgraphContext,
  TPrepare extends object = object,
  TExposed extends object = object,
>(
  definition: SubgraphDefinition<TOptions, TContext, TPrepare, TExposed>,
): SubgraphDefinition<TOptions, TContext, TPrepare, TExposed> {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name))
    throw new Error(`subgraph name "${definition.name}" must be lower-case words and hyphens`);
  if (!/^[a-z_][a-z0-9_]*$/.test(definition.schema))
    throw new Error(`subgraph ${definition.name}: invalid Postgres schema "${definition.schema}"`);
  return definition;
}

import { createHash } from 'node:crypto';
import type {
  DocumentNode,
  ExecutionResult,
  FormattedExecutionResult,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import {
  buildOperationContext,
  executeQueryPlan,
  type GraphQLDataSource,
  type ServiceMap,
} from '@apollo/gateway';
import { QueryPlanner, type FetchNode, type QueryPlan } from '@apollo/query-planner';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { mintInternalToken, type Identity, type SigningKey } from '@shop/auth';
import { isErrorCode } from '@shop/http';
import type { AuthRules } from '@shop/subgraph';
import { authRejection, authRulesFromSupergraph, findAuthViolations } from '../auth-directive';
import { checkInput, readMaxLengths, type CompiledInputCheck } from '../limits/input-bounds';
import {
  analyzeOperation,
  DEFAULT_LIMITS,
  limitError,
  parseWithLimit,
  type OperationLimits,
} from '../limits/analyze';
import {
  canonicalize,
  reshape,
  stableJson,
  type CanonicalOperation,
  type Shape,
} from './canonical';
import { ClientSubscription } from './client-subscription';
import { getOperationAST, getVariableValues, GraphQLError, Kind, parse, validate } from './graphql';
import { codedError, fromSubgraphErrors, SUBSCRIPTION_ERROR_CODES, withCode } from './errors';
import {
  isAfter,
  resumableFields,
  resumableOperation,
  RESUME_VARIABLE,
  takeCursor,
} from './resume';
import { TurnQueue } from './turns';
import { toWebSocketUrl, UpstreamSocket } from './upstream';
import { apolloLogger } from '@shop/log';

/** Name of the synthetic fetch that hands each upstream event to `executeQueryPlan`. */
const SEED_SERVICE = '__subscription_event__';

/**
 * Longest operation text whose validated document is cached: the cache holds `planCacheSize`
 * entries, so its memory stays bounded (≤ 1,000 × a 4 KiB document's AST) whatever is sent.
 */
const MAX_CACHED_QUERY_LENGTH = 4_096;

/** Subscribers served per event-loop turn when one event fans out (see TurnQueue). */
const FAN_OUT_SLICE = 100;

export interface SubscriptionLimits {
  /** Active subscriptions on one client connection (a WebSocket). Default 25. */
  maxSubscriptionsPerConnection: number;
  /** Active subscriptions of one signed-in user across connections. Default 100. */
  maxSubscriptionsPerUser: number;
  /** Active subscriptions on this gateway. Default 10,000. */
  maxSubscriptions: number;
  /** Results buffered per subscriber before it is ended with SUBSCRIPTION_BACKPRESSURE. Default 100. */
  queueCapacity: number;
  /** How long to retry a dropped subgraph socket before SUBGRAPH_UNAVAILABLE. Default 5 s. */
  upstreamRetryBudgetMs: number;
  /**
   * Ping interval on each subgraph socket; a ping not answered within as long again drops the
   * socket (which then reconnects and resumes), so a replica that vanished without closing its
   * connections is noticed. 0 turns pings off. Default 10 s.
   */
  upstreamPingMs: number;
  /** Cached plans (by canonical operation) and validated documents (by text). Default 1,000. */
  planCacheSize: number;
  /**
   * Open graphql-ws connections plus multipart subscription streams per client IP; past it a
   * socket is closed with 4429 and a multipart request answered 429. Default 50.
   */
  maxConnectionsPerIp: number;
  /** A graphql-ws socket that has not sent `connection_init` by then is closed (4408). Default 3 s. */
  connectionInitTimeoutMs: number;
  /**
   * Largest graphql-ws message and multipart subscription request (query + variables), in
   * bytes; a larger WebSocket message closes the socket (1009), a larger request gets 413.
   * Default 64 KiB.
   */
  maxMessageBytes: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = {
  maxSubscriptionsPerConnection: 25,
  maxSubscriptionsPerUser: 100,
  maxSubscriptions: 10_000,
  queueCapacity: 100,
  upstreamRetryBudgetMs: 5_000,
  upstreamPingMs: 10_000,
  planCacheSize: 1_000,
  maxConnectionsPerIp: 50,
  connectionInitTimeoutMs: 3_000,
  maxMessageBytes: 64 * 1024,
};

export interface FederatedSubscriptionEngineOptions {
  supergraphSdl: string;
  /** Subgraph URL overrides by name (http URLs; the WebSocket URL swaps http → ws). */
  subgraphUrls?: Record<string, string>;
  /** The gateway's key: mints the internal token sent to the owning subgraph on connect. */
  signingKey: SigningKey;
  /**
   * The data source that fetches from a subgraph, by subgraph name (asked at hydration time).
   * Hydration fetches go through them with `context.identity`.
   */
  dataSourceOf: (subgraph: string) => GraphQLDataSource | undefined;
  limits?: Partial<SubscriptionLimits>;
  /** The static operation limits of HTTP requests (depth, aliases, tokens, cost…). */
  operationLimits?: Partial<OperationLimits>;
  logger?: Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;
  /**
   * Root fields that stream a *state* (each event is the whole current state with a version).
   * A subscriber that joins an already running upstream of such a field first gets the latest
   * result the group produced — the owning subgraph sent its snapshot only to the first one.
   */
  stateFields?: readonly string[];
  /** Called once when a client subscription ends (for usage reporting). */
  onSubscriptionEnd?: (info: SubscriptionEndInfo) => void;
  /**
   * Resume upstream subscriptions of resumable root fields (the subgraph's field takes
   * `after: String` and its item type has `cursor: String!`) after the upstream socket
   * reconnected, from the cursor of the last event dispatched, so a replica change loses and
   * repeats nothing (docs/SUBSCRIPTIONS.md §6.1). Default true; `false` re-sends the original
   * subscription as before.
   */
  resume?: boolean;
}

/** What {@link FederatedSubscriptionEngineOptions.onSubscriptionEnd} is told. */
export interface SubscriptionEndInfo {
  operationName: string | null;
  /** The subgraph that owned the root field. */
  subgraph: string;
  startedAt: Date;
  durationMs: number;
  identity: Identity | null;
}

/** The state subscriptions of this graph (see `stateFields`). */
export const DEFAULT_STATE_FIELDS = ['orderStatusChanged', 'paymentStatusChanged', 'cartUpdated'];

export interface SubscribeRequest {
  /** The operation text (the plan cache key, with `operationName`). */
  query: string;
  /** `query` already parsed (saves a parse on a cache miss). */
  document?: DocumentNode;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
  /** The verified caller, or null for anonymous (fields authorize themselves). */
  identity: Identity | null;
  /** Client connection the subscription belongs to (per-connection limit). */
  connectionId?: string;
}

export type SubscribeOutcome =
  { subscription: ClientSubscription; errors?: never } | { errors: GraphQLError[] };

export interface SubscriptionStats {
  upstreamSockets: number;
  upstreamSubscriptions: number;
  clientSubscriptions: number;
  /** Events received from subgraphs since start. */
  upstreamEvents: number;
  /** Seeded `executeQueryPlan` runs since start (once per event per hydration group). */
  hydrations: number;
  /** Upstream events dropped because their cursor was already dispatched (resume). */
  duplicatesDropped: number;
}

interface SchemaState {
  id: string;
  apiSchema: Schema;
  apiGraphQLSchema: GraphQLSchema;
  supergraphGraphQLSchema: GraphQLSchema;
  /** `@auth` rules of this supergraph (checked on every subscribe, per caller). */
  auth: AuthRules;
  /** `@maxLength` bounds of this supergraph (checked on every subscribe). */
  inputBounds: ReadonlyMap<string, number>;
  planner: QueryPlanner;
  subgraphUrls: Map<string, string>;
  /** `<subgraph>\n<root field>` of the resumable subscription fields (resume.ts). */
  resumable: ReadonlySet<string>;
}

/** A client's operation, parsed and validated against the API schema (cached by text). */
interface ValidatedOperation {
  state: SchemaState;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The compiled input-bounds check of this operation (set by the first subscribe). */
  inputCheck?: CompiledInputCheck;
}

/** A canonical operation (see canonical.ts), planned (cached by its text). */
interface PreparedOperation {
  key: string;
  state: SchemaState;
  source: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  primary: FetchNode;
  seededPlan: QueryPlan;
  operationContext: ReturnType<typeof buildOperationContext>;
}

/**
 * Subscribers sharing one hydration per event: same canonical operation, variables and auth
 * scope. Each subscriber gets the result in the shape of its own operation.
 */
interface HydrationGroup {
  key: string;
  prepared: PreparedOperation;
  variables: Record<string, unknown>;
  identity: Identity | null;
  subscribers: Map<ClientSubscription, Shape>;
  /** Serializes hydrations so events keep their order. */
  chain: Promise<void>;
  pending: number;
  /** Latest successful result, for late joiners of a state subscription. */
  latest?: ExecutionResult;
  /** Whether the root field streams a state (see `stateFields`). */
  replaysLatest: boolean;
  /** Joined but not served any result yet. */
  waiting: Set<ClientSubscription>;
}

/** One subscription to the owning subgraph, fanned out to every matching client. */
interface Upstream {
  key: string;
  serviceName: string;
  socketKey: string;
  socket: UpstreamSocket;
  groups: Map<string, HydrationGroup>;
  dispose: () => void;
  closed: boolean;
  /** Set when the root field is resumable (resume.ts). */
  resume?: UpstreamResume;
}

/** Where a resumable upstream subscription is, and how it resumes after a reconnect. */
interface UpstreamResume {
  /** The variables graphql-ws re-sends on every reconnect (`__resume_after` updated in place). */
  variables: Record<string, unknown>;
  /** Response key of the root field in upstream events. */
  responseKey: string;
  /** The `after` the client asked for (null: from now on). */
  initial: unknown;
  /** Cursor of the last event dispatched. */
  last?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Who the upstream subscription runs as: the identity's user and roles, or anonymous. */
export function authScope(identity: Identity | null): string {
  return identity ? `user:${identity.userId}:${[...identity.roles].sort().join(',')}` : 'anonymous';
}

function rootHasConditions(selectionSet: SelectionSetNode): boolean {
  return selectionSet.selections.some(
    (selection) =>
      (selection.directives ?? []).some((d) => ['include', 'skip'].includes(d.name.value)) ||
      (selection.kind === Kind.INLINE_FRAGMENT && rootHasConditions(selection.selectionSet)),
  );
}

/**
 * Serves federated subscriptions next to @apollo/gateway: brings each operation to its canonical
 * form (canonical.ts: aliases, order, fragments and names do not count), plans that with its own
 * QueryPlanner, runs the plan's `primary` fetch as a graphql-ws subscription on the owning
 * subgraph (one socket per subgraph and auth scope, one upstream subscription per distinct
 * subgraph operation, variables and scope), and hydrates each event's remaining fields with the gateway's `executeQueryPlan` on a
 * seeded plan (`Sequence[primary as __subscription_event__, rest]`), once per event per
 * hydration group, fanning the result out to bounded per-subscriber queues.
 */
export class FederatedSubscriptionEngine {
  private state: SchemaState;
  private readonly logger: Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;
  private readonly planCache = new Map<string, PreparedOperation>();
  private readonly documents = new Map<string, ValidatedOperation>();
  private readonly turns = new TurnQueue();
  /** The upstream new subscribers join, by key. */
  private readonly upstreams = new Map<string, Upstream>();
  /** Every open upstream (also one a newer upstream replaced in `upstreams`). */
  private readonly openUpstreams = new Set<Upstream>();
  private readonly sockets = new Map<string, UpstreamSocket>();
  private readonly active = new Set<ClientSubscription>();
  private readonly membership = new Map<
    ClientSubscription,
    {
      upstream: Upstream;
      group: HydrationGroup;
      startedAt: Date;
      operationName: string | null;
      userId?: string;
      connectionId?: string;
    }
  >();
  private readonly perConnection = new Map<string, number>();
  private readonly perUser = new Map<string, number>();
  private nextId = 1;
  private upstreamEvents = 0;
  private hydrations = 0;
  private duplicatesDropped = 0;
  private closed = false;

  readonly limits: SubscriptionLimits;

  constructor(private readonly options: FederatedSubscriptionEngineOptions) {
    this.limits = { ...DEFAULT_SUBSCRIPTION_LIMITS, ...options.limits };
    this.logger = options.logger ?? apolloLogger;
    this.state = this.buildState(options.supergraphSdl);
  }

  private isStateOperation(operation: OperationDefinitionNode): boolean {
    const fields = new Set(this.options.stateFields ?? DEFAULT_STATE_FIELDS);
    return operation.selectionSet.selections.some(
      (selection) => selection.kind === 'Field' && fields.has(selection.name.value),
    );
  }

  /** The API schema subscriptions are validated against. */
  get apiSchema(): GraphQLSchema {
    return this.state.apiGraphQLSchema;
  }

  /** Hash of the supergraph SDL currently served. */
  get schemaId(): string {
    return this.state.id;
  }

  stats(): SubscriptionStats {
    return {
      upstreamSockets: this.sockets.size,
      upstreamSubscriptions: this.openUpstreams.size,
      clientSubscriptions: this.active.size,
      upstreamEvents: this.upstreamEvents,
      hydrations: this.hydrations,
      duplicatesDropped: this.duplicatesDropped,
    };
  }

  /**
   * Parses a subscribe message's query with the token limit of HTTP requests: the document, or
   * the errors (TOO_MANY_TOKENS / GRAPHQL_PARSE_FAILED) to answer with.
   */
  parseOperation(query: string): DocumentNode | GraphQLError[] {
    const maxTokens = this.options.operationLimits?.maxTokens ?? DEFAULT_LIMITS.maxTokens;
    const parsed = parseWithLimit(query, maxTokens);
    return parsed.ok ? parsed.document : [limitError(parsed)];
  }

  /**
   * Resolves in this caller's own event-loop turn (FIFO, shared with large fan-outs): the
   * transports wait for it before parsing and subscribing, so a burst of subscribe messages is
   * spread over the loop and never holds it for more than one subscribe's work.
   */
  nextTurn(): Promise<void> {
    return this.turns.wait();
  }

  /**
   * Starts a subscription. Validation, variable and limit failures come back as `errors`
   * (codes GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT, BAD_REQUEST,
   * SUBSCRIPTION_LIMIT and the static operation limits' codes such as QUERY_TOO_DEEP).
   */
  subscribe(request: SubscribeRequest): SubscribeOutcome {
    if (this.closed) {
      return { errors: [codedError('The gateway is shutting down', 'SERVICE_UNAVAILABLE')] };
    }
    const validated = this.validated(request);
    if (Array.isArray(validated)) return { errors: validated };
    const { state, document, operation } = validated;
    // Input bounds as for queries and mutations (limits/input-bounds.ts): String/ID lengths,
    // valid text, variables' size and depth.
    const refusal = checkInput({
      schema: state.apiGraphQLSchema,
      document,
      operationName: request.operationName,
      variables: request.variables,
      bounds: state.inputBounds,
      cached: (compile) => (validated.inputCheck ??= compile()),
    });
    if (refusal) {
      const { code, message, argumentPath } = refusal;
      return { errors: [codedError(message, code, argumentPath ? { argumentPath } : {})] };
    }
    const analysis = analyzeOperation(document, {
      ...this.options.operationLimits,
      schema: state.apiGraphQLSchema,
      variables: request.variables,
      operationName: request.operationName,
    });
    if (!analysis.ok) return { errors: [limitError(analysis)] };
    // `@auth`: refused before any upstream subscription exists (UNAUTHENTICATED / FORBIDDEN).
    const denied = authRejection(
      findAuthViolations({
        schema: state.apiGraphQLSchema,
        document,
        operation,
        variables: request.variables,
        rules: state.auth,
        identity: request.identity,
      }),
      { http: false },
    );
    if (denied) return { errors: [denied] };

    const coerced = getVariableValues(
      state.apiGraphQLSchema,
      operation.variableDefinitions ?? [],
      request.variables ?? {},
    );
    if (coerced.errors) {
      return { errors: coerced.errors.map((error) => withCode(error, 'BAD_USER_INPUT')) };
    }
    const refused = this.checkLimits(request);
    if (refused) return { errors: [refused] };

    let canonical: CanonicalOperation;
    try {
      canonical = canonicalize(state.apiGraphQLSchema, document, operation, coerced.coerced);
    } catch (error) {
      const code = (error as GraphQLError).extensions?.code;
      return {
        errors: [
          codedError(
            (error as Error).message,
            isErrorCode(code) ? code : 'GRAPHQL_VALIDATION_FAILED',
          ),
        ],
      };
    }
    const prepared = this.prepare(state, canonical);
    if (Array.isArray(prepared)) return { errors: prepared };

    const variables = canonical.variables;
    const upstream = this.upstreamFor(prepared, variables, request.identity);
    const groupKey = stableJson([prepared.key, variables]);
    let group = upstream.groups.get(groupKey);
    if (!group) {
      group = {
        key: groupKey,
        prepared,
        variables,
        identity: request.identity,
        subscribers: new Map(),
        chain: Promise.resolve(),
        pending: 0,
        replaysLatest: this.isStateOperation(prepared.operation),
        waiting: new Set(),
      };
      upstream.groups.set(groupKey, group);
    }
    const subscription = new ClientSubscription(
      this.nextId++,
      request.identity,
      this.limits.queueCapacity,
      (released) => this.release(released),
    );
    const shape = canonical.shape;
    group.subscribers.set(subscription, shape);
    this.active.add(subscription);
    if (group.replaysLatest && group.latest) {
      // Served after any hydration in flight, unless that one already reached this subscriber.
      const joined = group;
      joined.waiting.add(subscription);
      joined.chain = joined.chain.then(() => {
        if (joined.waiting.delete(subscription) && joined.latest) {
          subscription.push(reshape(joined.latest, shape));
        }
      });
    }
    const userId = request.identity?.userId;
    this.membership.set(subscription, {
      upstream,
      group,
      startedAt: new Date(),
      operationName: request.operationName ?? operation.name?.value ?? null,
      ...(userId ? { userId } : {}),
      ...(request.connectionId ? { connectionId: request.connectionId } : {}),
    });
    if (userId) this.perUser.set(userId, (this.perUser.get(userId) ?? 0) + 1);
    if (request.connectionId) {
      this.perConnection.set(
        request.connectionId,
        (this.perConnection.get(request.connectionId) ?? 0) + 1,
      );
    }
    return { subscription };
  }
  /**
   * Switches to a new supergraph: ends every active subscription with
   * SUBSCRIPTION_SCHEMA_RELOAD and plans against the new schema from now on. Throws (and keeps
   * the current schema) when the SDL is not a valid supergraph.
   */
  reload(supergraphSdl: string): void {
    this.state = this.buildState(supergraphSdl);
    this.planCache.clear();
    this.documents.clear();
    const error = codedError(
      'The subscription ended because the supergraph schema changed; subscribe again',
      SUBSCRIPTION_ERROR_CODES.schemaReload,
    );
    for (const subscription of [...this.active]) subscription.fail([error]);
  }

  /** Ends every subscription (SERVICE_UNAVAILABLE) and closes the upstream sockets. */
  close(): void {
    this.closed = true;
    const error = codedError('The gateway is shutting down', 'SERVICE_UNAVAILABLE');
    for (const subscription of [...this.active]) subscription.fail([error]);
    for (const upstream of [...this.openUpstreams]) this.closeUpstream(upstream);
    for (const socket of this.sockets.values()) socket.dispose();
    this.sockets.clear();
  }

  private buildState(supergraphSdl: string): SchemaState {
    const supergraph = Supergraph.build(supergraphSdl);
    const apiSchema = supergraph.apiSchema();
    const subgraphUrls = new Map<string, string>();
    for (const subgraph of supergraph.subgraphs().values()) {
      subgraphUrls.set(subgraph.name, this.options.subgraphUrls?.[subgraph.name] ?? subgraph.url);
    }
    return {
      id: sha256(supergraphSdl),
      apiSchema,
      apiGraphQLSchema: apiSchema.toGraphQLJSSchema(),
      supergraphGraphQLSchema: supergraph.schema.toGraphQLJSSchema(),
      auth: authRulesFromSupergraph(supergraphSdl),
      inputBounds: readMaxLengths(parse(supergraphSdl)),
      planner: new QueryPlanner(supergraph),
      subgraphUrls,
      resumable: this.options.resume === false ? new Set() : resumableFields(supergraph),
    };
  }

  /** The client's operation parsed and validated (cached by name and text per schema). */
  private validated(request: SubscribeRequest): ValidatedOperation | GraphQLError[] {
    const operationName = request.operationName ?? undefined;
    const key = `${operationName ?? ''}\n${request.query}`;
    const state = this.state;
    const cached = this.documents.get(key);
    if (cached?.state === state) return cached;

    const document = request.document ?? this.parseOperation(request.query);
    if (Array.isArray(document)) return document;
    const invalid = validate(state.apiGraphQLSchema, document);
    if (invalid.length) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      return [codedError('Unable to identify the operation to run', 'GRAPHQL_VALIDATION_FAILED')];
    }
    if (operation.operation !== 'subscription') {
      return [codedError('Only subscription operations are served here', 'BAD_REQUEST')];
    }
    if (rootHasConditions(operation.selectionSet)) {
      return [
        codedError(
          '@include and @skip are not supported on the root field of a subscription',
          'GRAPHQL_VALIDATION_FAILED',
        ),
      ];
    }
    const validated: ValidatedOperation = { state, document, operation };
    if (request.query.length <= MAX_CACHED_QUERY_LENGTH) {
      remember(this.documents, key, validated, this.limits.planCacheSize);
    }
    return validated;
  }

  /** The plan of a canonical operation (cached by its text). */
  private prepare(
    state: SchemaState,
    canonical: CanonicalOperation,
  ): PreparedOperation | GraphQLError[] {
    const key = canonical.text;
    const cached = this.planCache.get(key);
    if (cached?.state === state) return cached;

    const { document, operation } = canonical;
    // Built by canonicalize from a valid operation; checked anyway before it is planned.
    const invalid = validate(state.apiGraphQLSchema, document);
    if (invalid.length) {
      this.logger.warn('[subscriptions] invalid canonical operation', invalid[0]?.message);
      return [codedError('Cannot plan this subscription', 'GRAPHQL_VALIDATION_FAILED')];
    }
    let plan: QueryPlan;
    try {
      plan = state.planner.buildQueryPlan(operationFromDocument(state.apiSchema, document));
    } catch (error) {
      this.logger.warn('[subscriptions] cannot plan operation', error);
      return [
        codedError(
          `Cannot plan this subscription: ${(error as Error).message}`,
          'GRAPHQL_VALIDATION_FAILED',
        ),
      ];
    }
    if (plan.node?.kind !== 'Subscription') {
      return [codedError('Cannot plan this subscription', 'GRAPHQL_VALIDATION_FAILED')];
    }
    const { primary, rest } = plan.node;
    const prepared: PreparedOperation = {
      key,
      state,
      source: canonical.text,
      document,
      operation,
      primary,
      seededPlan: {
        kind: 'QueryPlan',
        node: {
          kind: 'Sequence',
          nodes: [{ ...primary, serviceName: SEED_SERVICE }, ...(rest ? [rest] : [])],
        },
      },
      operationContext: buildOperationContext({
        schema: state.apiGraphQLSchema,
        operationDocument: document,
      }),
    };
    remember(this.planCache, key, prepared, this.limits.planCacheSize);
    return prepared;
  }

  private checkLimits(request: SubscribeRequest): GraphQLError | undefined {
    const limit = (message: string, scope: string, max: number) =>
      codedError(message, SUBSCRIPTION_ERROR_CODES.limit, { limit: scope, max });
    if (this.active.size >= this.limits.maxSubscriptions) {
      return limit(
        'The gateway serves as many subscriptions as it can',
        'gateway',
        this.limits.maxSubscriptions,
      );
    }
    const { connectionId, identity } = request;
    const max = this.limits.maxSubscriptionsPerConnection;
    if (connectionId && (this.perConnection.get(connectionId) ?? 0) >= max) {
      return limit(`At most ${max} subscriptions per connection`, 'connection', max);
    }
    const maxUser = this.limits.maxSubscriptionsPerUser;
    if (identity && (this.perUser.get(identity.userId) ?? 0) >= maxUser) {
      return limit(`At most ${maxUser} subscriptions per user`, 'user', maxUser);
    }
    return undefined;
  }

  private socketFor(serviceName: string, identity: Identity | null, url: string): UpstreamSocket {
    const socketKey = `${serviceName}\n${authScope(identity)}`;
    let socket = this.sockets.get(socketKey);
    if (!socket) {
      socket = new UpstreamSocket({
        serviceName,
        url: toWebSocketUrl(url),
        retryBudgetMs: this.limits.upstreamRetryBudgetMs,
        pingMs: this.limits.upstreamPingMs,
        connectionParams: async () => ({
          authorization: `Bearer ${await mintInternalToken(this.options.signingKey, serviceName, identity)}`,
        }),
      });
      this.sockets.set(socketKey, socket);
    }
    return socket;
  }

  private upstreamFor(
    prepared: PreparedOperation,
    variables: Record<string, unknown>,
    identity: Identity | null,
  ): Upstream {
    const { primary } = prepared;
    const upstreamVariables: Record<string, unknown> = {};
    for (const name of primary.variableUsages ?? []) {
      if (variables[name] !== undefined) upstreamVariables[name] = variables[name];
    }
    const serviceName = primary.serviceName;
    const key = sha256(
      stableJson([serviceName, primary.operation, upstreamVariables, authScope(identity)]),
    );
    const existing = this.upstreams.get(key);
    // A client that asked for the items after its own cursor cannot join an upstream that has
    // already dispatched some of them: it gets an upstream of its own (which then takes the
    // key, so later clients asking the same join the newer one).
    if (existing && !(existing.resume?.initial != null && existing.resume.last !== undefined)) {
      return existing;
    }

    const resumable = resumableOperation(primary.operation, upstreamVariables, (field) =>
      prepared.state.resumable.has(`${serviceName}\n${field}`),
    );
    const url = prepared.state.subgraphUrls.get(serviceName) ?? '';
    const socket = this.socketFor(serviceName, identity, url);
    socket.refs += 1;
    const upstream: Upstream = {
      key,
      serviceName,
      socketKey: `${serviceName}\n${authScope(identity)}`,
      socket,
      groups: new Map(),
      dispose: () => undefined,
      closed: false,
      ...(resumable
        ? {
            resume: {
              variables: resumable.variables,
              responseKey: resumable.responseKey,
              initial: resumable.variables[RESUME_VARIABLE],
            },
          }
        : {}),
    };
    this.upstreams.set(key, upstream);
    this.openUpstreams.add(upstream);
    // Resuming relies on graphql-ws re-sending this very payload object (same id) on every
    // reconnect, serialized when it is sent: updating `variables.__resume_after` in place as
    // events arrive makes the re-sent subscription ask for what came after the last dispatched
    // event, on whichever replica the balancer picked. Events of the old socket are all handled
    // before its close starts the reconnect, so the value sent is the last cursor seen. (An
    // explicit resubscribe would need its own reconnect detection and a second subscription id
    // racing the first; this keeps the client's single retry loop and budget.)
    const resume = upstream.resume;
    upstream.dispose = socket.client.subscribe<Record<string, unknown>, Record<string, unknown>>(
      {
        query: resumable?.operation ?? primary.operation,
        variables: resume?.variables ?? upstreamVariables,
        ...(primary.operationName ? { operationName: primary.operationName } : {}),
      },
      {
        next: (event) => {
          if (upstream.closed) return;
          if (resume) {
            const cursor = takeCursor(event, resume.responseKey);
            if (cursor !== undefined) {
              // Second guard: a replica that repeats an item it was told we already have.
              if (resume.last !== undefined && !isAfter(cursor, resume.last)) {
                this.duplicatesDropped += 1;
                return;
              }
              resume.last = cursor;
              resume.variables[RESUME_VARIABLE] = cursor;
            }
          }
          this.upstreamEvents += 1;
          for (const group of upstream.groups.values()) this.dispatch(group, event);
        },
        error: (error) => this.upstreamFailed(upstream, error),
        complete: () => {
          if (upstream.closed) return;
          this.endUpstream(upstream, (subscription) => subscription.complete());
        },
      },
    );
    return upstream;
  }

  private upstreamFailed(upstream: Upstream, error: unknown): void {
    if (upstream.closed) return;
    if (Array.isArray(error)) {
      // The subgraph refused or ended the operation with GraphQL errors (e.g. FORBIDDEN).
      const errors = fromSubgraphErrors(error, upstream.serviceName);
      this.endUpstream(upstream, (subscription) => subscription.fail(errors));
      return;
    }
    this.logger.warn(
      `[subscriptions] subgraph "${upstream.serviceName}" unreachable; ending its subscriptions`,
    );
    // The socket gave up: forget it so the next subscriber starts a fresh one.
    if (this.sockets.get(upstream.socketKey) === upstream.socket) {
      this.sockets.delete(upstream.socketKey);
    }
    const unavailable = codedError(
      `Subgraph "${upstream.serviceName}" is unavailable; subscribe again later`,
      SUBSCRIPTION_ERROR_CODES.subgraphUnavailable,
      { serviceName: upstream.serviceName },
    );
    this.endUpstream(upstream, (subscription) => subscription.fail([unavailable]));
  }

  /** Ends every subscriber of an upstream after the hydrations already under way. */
  private endUpstream(upstream: Upstream, end: (subscription: ClientSubscription) => void): void {
    for (const group of upstream.groups.values()) {
      group.chain = group.chain.then(() => {
        for (const subscription of [...group.subscribers.keys()]) end(subscription);
      });
    }
    this.closeUpstream(upstream);
  }

  private closeUpstream(upstream: Upstream): void {
    if (upstream.closed) return;
    upstream.closed = true;
    this.openUpstreams.delete(upstream);
    if (this.upstreams.get(upstream.key) === upstream) this.upstreams.delete(upstream.key);
    upstream.dispose();
    upstream.socket.refs -= 1;
    if (upstream.socket.refs <= 0) {
      if (this.sockets.get(upstream.socketKey) === upstream.socket) {
        this.sockets.delete(upstream.socketKey);
      }
      upstream.socket.dispose();
    }
  }

  /** Hydrates one event for a group (in order) and fans the result out to its subscribers. */
  private dispatch(group: HydrationGroup, event: FormattedExecutionResult): void {
    if (group.pending >= this.limits.queueCapacity) {
      const error = codedError(
        'Events arrive faster than they can be resolved; resubscribe',
        SUBSCRIPTION_ERROR_CODES.backpressure,
      );
      for (const subscription of [...group.subscribers.keys()]) subscription.fail([error], true);
      return;
    }
    group.pending += 1;
    group.chain = group.chain
      .then(async () => {
        if (!group.subscribers.size) return;
        const result = await this.hydrate(group, event);
        if (group.replaysLatest && !result.errors?.length) group.latest = result;
        group.waiting.clear();
        // Large fan-outs are served a slice per event-loop turn (I/O runs in between).
        const subscribers = [...group.subscribers];
        for (let index = 0; index < subscribers.length; index += 1) {
          if (index > 0 && index % FAN_OUT_SLICE === 0) await this.turns.wait();
          const [subscription, shape] = subscribers[index]!;
          subscription.push(reshape(result, shape));
        }
      })
      .catch((error: unknown) => {
        this.logger.error('[subscriptions] hydration failed', error);
        const failure: ExecutionResult = {
          errors: [codedError('Internal server error', 'INTERNAL_SERVER_ERROR')],
        };
        for (const subscription of [...group.subscribers.keys()]) subscription.push(failure);
      })
      .finally(() => {
        group.pending -= 1;
      });
  }

  private async hydrate(
    group: HydrationGroup,
    event: FormattedExecutionResult,
  ): Promise<ExecutionResult> {
    this.hydrations += 1;
    const { prepared } = group;
    const seed: GraphQLDataSource = {
      // executeQueryPlan merges fetched data in place: hand every run its own copy.
      process: () =>
        Promise.resolve(
          structuredClone(event) as Awaited<ReturnType<GraphQLDataSource['process']>>,
        ),
    };
    const serviceMap: ServiceMap = {};
    for (const subgraph of prepared.state.subgraphUrls.keys()) {
      const source = this.options.dataSourceOf(subgraph);
      if (source) serviceMap[subgraph] = source;
    }
    serviceMap[SEED_SERVICE] = seed;
    const requestContext = {
      request: {
        query: prepared.source,
        variables: group.variables,
      },
      document: prepared.document,
      source: prepared.source,
      queryHash: prepared.key,
      operationName: null,
      operation: prepared.operation,
      schema: prepared.state.apiGraphQLSchema,
      context: { identity: group.identity },
      logger: this.logger,
      metrics: {},
      overallCachePolicy: undefined,
    };
    const result = await executeQueryPlan(
      prepared.seededPlan,
      serviceMap,
      requestContext as unknown as Parameters<typeof executeQueryPlan>[2],
      prepared.operationContext,
      prepared.state.supergraphGraphQLSchema,
      prepared.state.apiSchema,
    );
    const serviceName = prepared.primary.serviceName;
    const errors = result.errors?.map((error) =>
      error.extensions?.serviceName === SEED_SERVICE
        ? new GraphQLError(error.message, {
            ...(error.path ? { path: error.path } : {}),
            extensions: { ...error.extensions, serviceName },
          })
        : error,
    );
    return {
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(errors?.length ? { errors } : {}),
    };
  }

  private release(subscription: ClientSubscription): void {
    this.active.delete(subscription);
    const member = this.membership.get(subscription);
    if (!member) return;
    this.membership.delete(subscription);
    const { upstream, group, userId, connectionId, startedAt, operationName } = member;
    try {
      this.options.onSubscriptionEnd?.({
        operationName,
        subgraph: upstream.serviceName,
        startedAt,
        durationMs: Date.now() - startedAt.getTime(),
        identity: group.identity,
      });
    } catch (error) {
      this.logger.warn('[subscriptions] onSubscriptionEnd failed', error);
    }
    if (userId) decrement(this.perUser, userId);
    if (connectionId) decrement(this.perConnection, connectionId);
    group.subscribers.delete(subscription);
    if (group.subscribers.size === 0 && upstream.groups.get(group.key) === group) {
      upstream.groups.delete(group.key);
    }
    if (upstream.groups.size === 0) this.closeUpstream(upstream);
  }
}

/** Sets `key` in a cache bounded to `size` entries (the oldest insertion goes first). */
function remember<T>(cache: Map<string, T>, key: string, value: T, size: number): void {
  cache.delete(key);
  if (cache.size >= size) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, value);
}

function decrement(map: Map<string, number>, key: string): void {
  const next = (map.get(key) ?? 1) - 1;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}

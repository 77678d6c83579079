import { createRequire } from 'node:module';
import { HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import type * as GraphQL from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Identity } from '@shop/auth';
import { TOPICS, type EventBus, type Subscription } from '@shop/events';
import { PerDocumentCache } from './document-cache';

// The CommonJS graphql Apollo Server's API schema is built with (see subscriptions/graphql.ts).
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/**
 * Whole-response cache for anonymous queries over public catalog data (README "Performance").
 *
 * - Cacheable: a `query` from an anonymous caller whose every selected field, at every depth
 *   (fragments included, `@skip`/`@include` ignored), is resolved by the catalog subgraph
 *   (`product`) and carries no `@auth` (field or type), as read from the supergraph's
 *   `@join__field`/`@join__type`; `__typename` is fine, introspection is not.
 * - Key: Apollo's hash of the query text, the operation name and the variables (JSON).
 * - Stored: `data` of single responses without errors; bounded by bytes (LRU) and by a TTL.
 * - Invalidation: every event on the catalog and inventory topics clears the whole cache; a
 *   response computed while an event arrived is not stored (generation check).
 */
export interface ResponseCacheOptions {
  /** Catalog + inventory events clear the cache. Without a bus the cache is off unless `ttlOnly`. */
  bus?: EventBus | undefined;
  /** Entry lifetime; default 30 s. */
  ttlMs?: number;
  /** Bytes of cached JSON held at most (LRU eviction); default 32 MiB. */
  maxBytes?: number;
  /** Cache without a bus: entries only expire by TTL (stale for up to `ttlMs` after a change). */
  ttlOnly?: boolean;
  /** `false` turns the cache off. */
  enabled?: boolean;
  /** Subgraph whose data is cached; default `product`. */
  subgraph?: string;
}

export interface ResponseCacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
  /** Clears caused by bus events. */
  invalidations: number;
}

interface Entry {
  data: Record<string, unknown>;
  bytes: number;
  expiresAt: number;
}

/** The store: LRU by bytes, TTL per entry, a generation bumped by every clear. */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private generationValue = 0;
  private hits = 0;
  private misses = 0;
  private invalidations = 0;
  private readonly clearListeners = new Set<(invalidation: boolean) => void>();

  constructor(
    readonly ttlMs = 30_000,
    readonly maxBytes = 32 * 1024 * 1024,
    private readonly now: () => number = Date.now,
  ) {}

  /** Changes whenever the cache is cleared (responses computed across a clear are not stored). */
  get generation(): number {
    return this.generationValue;
  }

  get(key: string): Record<string, unknown> | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() < entry.expiresAt) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.hits += 1;
      return entry.data;
    }
    if (entry) this.remove(key, entry);
    this.misses += 1;
    return undefined;
  }

  /** Stores `data` unless the cache was cleared since `generation` or it is too big. */
  set(key: string, data: Record<string, unknown>, generation: number): boolean {
    if (generation !== this.generationValue) return false;
    const bytes = key.length + JSON.stringify(data).length;
    if (bytes > this.maxBytes / 4) return false;
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    this.entries.set(key, { data: deepFreeze(data), bytes, expiresAt: this.now() + this.ttlMs });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest, entry);
    }
    return true;
  }

  /** Drops everything (`invalidation`: caused by a domain event). */
  clear(invalidation = false): void {
    this.entries.clear();
    this.bytes = 0;
    this.generationValue += 1;
    if (invalidation) this.invalidations += 1;
    for (const listener of this.clearListeners) listener(invalidation);
  }

  /** Calls `listener` after every clear (the entity cache follows this cache's clears). */
  onClear(listener: (invalidation: boolean) => void): () => void {
    this.clearListeners.add(listener);
    return () => this.clearListeners.delete(listener);
  }

  stats(): ResponseCacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      entries: this.entries.size,
      bytes: this.bytes,
      invalidations: this.invalidations,
    };
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

/** Cached `data` is shared by every hit: freeze it so nothing can alter another's response. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The fields of a supergraph whose values come from `subgraph` alone and that no `@auth`
 * guards, as `Type.field` coordinates. A field counts when its `@join__field` graphs include
 * the subgraph, or (without `@join__field`) when its type's `@join__type` graphs do.
 */
export function publicFieldsOf(supergraphSdl: string, subgraph = 'product'): Set<string> {
  const document = graphql.parse(supergraphSdl);
  let graphName: string | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== 'EnumTypeDefinition' || definition.name.value !== 'join__Graph') {
      continue;
    }
    for (const value of definition.values ?? []) {
      const name = value.directives
        ?.find((directive) => directive.name.value === 'join__graph')
        ?.arguments?.find((argument) => argument.name.value === 'name')?.value;
      if (name?.kind === 'StringValue' && name.value === subgraph) graphName = value.name.value;
    }
  }
  const fields = new Set<string>();
  if (!graphName) return fields;
  const graphsOf = (
    directives: readonly GraphQL.ConstDirectiveNode[] | undefined,
    directiveName: string,
  ) =>
    (directives ?? [])
      .filter((directive) => directive.name.value === directiveName)
      .map((directive) => {
        const graph = directive.arguments?.find((argument) => argument.name.value === 'graph');
        return graph?.value.kind === 'EnumValue' ? graph.value.value : undefined;
      });
  const guarded = (directives: readonly GraphQL.ConstDirectiveNode[] | undefined) =>
    (directives ?? []).some((directive) => directive.name.value === 'auth');
  for (const definition of document.definitions) {
    if (
      definition.kind !== 'ObjectTypeDefinition' &&
      definition.kind !== 'InterfaceTypeDefinition' &&
      definition.kind !== 'ObjectTypeExtension' &&
      definition.kind !== 'InterfaceTypeExtension'
    ) {
      continue;
    }
    if (guarded(definition.directives)) continue;
    const typeGraphs = graphsOf(definition.directives, 'join__type');
    for (const field of definition.fields ?? []) {
      if (guarded(field.directives)) continue;
      const fieldGraphs = graphsOf(field.directives, 'join__field');
      const graphs = fieldGraphs.length > 0 ? fieldGraphs : typeGraphs;
      if (graphs.includes(graphName)) fields.add(`${definition.name.value}.${field.name.value}`);
    }
  }
  return fields;
}

/**
 * Whether the operation selects only public catalog fields (see {@link publicFieldsOf}); every
 * selection counts, whatever its `@skip`/`@include`.
 */
export function isPublicCatalogOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  publicFields: ReadonlySet<string>,
): boolean {
  const operation = graphql.getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'query') return false;
  let ok = true;
  const typeInfo = new graphql.TypeInfo(schema);
  const visitor = graphql.visitWithTypeInfo(typeInfo, {
    Field(node) {
      const name = node.name.value;
      if (name === '__typename') return undefined;
      const parent = typeInfo.getParentType();
      if (!parent || !publicFields.has(`${parent.name}.${name}`)) {
        ok = false;
        return graphql.BREAK;
      }
      return undefined;
    },
  });
  // Fragments are walked where they are defined, each against its own type condition (a
  // validated document has no unused fragment, so this covers exactly what the operation uses).
  for (const definition of document.definitions) {
    if (definition !== operation && definition.kind !== 'FragmentDefinition') continue;
    graphql.visit(definition, visitor);
    if (!ok) return false;
  }
  return ok;
}

/** The public fields of the supergraph currently served; `reload` follows supergraph updates. */
export class PublicCatalogFields {
  private fields: Set<string>;
  private sdl: string;

  constructor(
    supergraphSdl: string,
    readonly subgraph = 'product',
  ) {
    this.fields = publicFieldsOf(supergraphSdl, subgraph);
    this.sdl = supergraphSdl;
  }

  /** A new Set after every `reload` (callers memoizing on it can compare identities). */
  get current(): ReadonlySet<string> {
    return this.fields;
  }

  /** The supergraph `current` was read from. */
  get supergraphSdl(): string {
    return this.sdl;
  }

  /** Switches to the fields of a new supergraph; if it cannot be read, nothing is cacheable. */
  reload(supergraphSdl: string): void {
    this.sdl = supergraphSdl;
    try {
      this.fields = publicFieldsOf(supergraphSdl, this.subgraph);
    } catch (error) {
      this.fields = new Set();
      throw error;
    }
  }
}

interface CacheContext extends BaseContext {
  identity: Identity | null;
  cacheHit?: boolean;
}

/**
 * Serves cacheable operations (anonymous, public catalog fields only) from `cache` and stores
 * their error-free responses. Runs after the limits and `@auth` checks (`responseForOperation`
 * comes after `didResolveOperation`), so a cached answer is never given to a request those
 * would refuse. Sets `contextValue.cacheHit` for the usage record.
 */
export function responseCachePlugin<TContext extends CacheContext>(
  cache: ResponseCache,
  fields: PublicCatalogFields,
): ApolloServerPlugin<TContext> {
  let cacheable = new PerDocumentCache<boolean>();
  let cachedFields: ReadonlySet<string> | undefined;
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.identity) return;
      let key: string | undefined;
      let generation = 0;
      return {
        async responseForOperation({ document, operationName, schema, queryHash, request }) {
          if (fields.current !== cachedFields) {
            cachedFields = fields.current;
            cacheable = new PerDocumentCache();
          }
          const current = cachedFields;
          if (
            !cacheable.get(schema, document, operationName ?? '', () =>
              isPublicCatalogOperation(schema, document, operationName, current),
            )
          ) {
            return null;
          }
          key = `${queryHash}\u0000${operationName ?? ''}\u0000${JSON.stringify(request.variables ?? {})}`;
          generation = cache.generation;
          const data = cache.get(key);
          if (!data) return null;
          key = undefined;
          contextValue.cacheHit = true;
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { data } },
          };
        },
        async willSendResponse({ response }) {
          if (!key || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors?.length || !result.data || (response.http.status ?? 200) !== 200) {
            return;
          }
          cache.set(key, result.data, generation);
        },
      };
    },
  };
}

/**
 * Clears `cache` on every catalog or inventory event. Every gateway replica holds its own cache,
 * so every replica must see every event: an ephemeral group per process (`group` is its name's
 * prefix), which the bus removes again when the gateway stops or, after a crash, when a later
 * one starts. A fixed name shared by replicas would hand each event to one of them only.
 */
export function subscribeInvalidation(
  bus: EventBus,
  cache: ResponseCache,
  options: { group?: string } = {},
): Promise<Subscription> {
  return bus.subscribe({
    group: options.group ?? 'gateway-response-cache',
    ephemeral: true,
    topics: [TOPICS.catalog, TOPICS.inventory],
    handler: async () => cache.clear(true),
  });
}

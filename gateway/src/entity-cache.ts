import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import type * as GraphQL from 'graphql';
import type { Identity } from '@shop/auth';
import { ResponseCache, type PublicCatalogFields } from './response-cache';

// The CommonJS graphql (as in response-cache.ts); only `parse` and `Kind` values are used.
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

type ProcessOptions = GraphQLDataSourceProcessOptions<{ identity?: Identity | null }>;
type GatewayResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** What an entity fetch's query text allows (computed once per distinct text). */
interface Analysis {
  /** Whether every selected field is public data of the cached subgraph. */
  cacheable: boolean;
  /** Short stand-in for the query text in keys. */
  id: string;
}

const MAX_ANALYSES = 2_000;

/**
 * Per-representation cache of the `_entities` fetches the query planner sends to the catalog
 * subgraph (README "Performance"), so signed-in pages (order history, carts) get their public
 * Variant/Product data without a product request once it has been fetched.
 *
 * - Cacheable fetch: `query(...){ _entities(representations: $representations) { ... } }`
 *   whose selection (inline fragments and named fragments included) holds only public catalog
 *   fields (`PublicCatalogFields`: resolved by the subgraph, no `@auth`); anything else (an
 *   `@auth` field, a field unknown to the supergraph, another root field) is sent as is.
 * - Key: query text + the caller's roles (never the user id: product resolvers may depend on
 *   the ADMIN role, e.g. `Category.products` lists drafts to admins) + the other variables +
 *   the stable JSON of one representation.
 * - Hits are served from memory; only the misses are sent (same variables, `representations`
 *   = the misses in order) and merged back in the original order (error paths remapped); no
 *   request at all when every representation hits.
 * - Stored: each non-null entity of a response without `errors`, as JSON (every hit gets its
 *   own copy: the executor merges into and mutates the entities it receives).
 * - Invalidation: the store follows the response cache's clears (catalog/inventory events,
 *   supergraph updates); an entity fetched across a clear is not stored. Same TTL and byte
 *   bound as the response cache (a separate store, so hit/miss counts stay separate).
 */
export class EntityCache {
  readonly store: ResponseCache;
  private analyses = new Map<string, Analysis>();
  private analysedFor: ReadonlySet<string> | undefined;
  private fieldTypes = new Map<string, string>();

  constructor(
    private readonly fields: PublicCatalogFields,
    responseCache: ResponseCache,
    store?: ResponseCache,
  ) {
    this.store = store ?? new ResponseCache(responseCache.ttlMs, responseCache.maxBytes);
    responseCache.onClear((invalidation) => this.store.clear(invalidation));
  }

  /** The subgraph whose entity fetches are cached. */
  get subgraph(): string {
    return this.fields.subgraph;
  }

  /**
   * Runs one subgraph fetch through the cache: `send` is the real fetch (called with the
   * original options when the fetch is not cacheable or nothing hits).
   */
  async process<Options extends ProcessOptions>(
    options: Options,
    send: (options: Options) => Promise<GatewayResponse>,
  ): Promise<GatewayResponse> {
    // Only the fetches of operations (`GraphQLDataSourceRequestKind`, not exported as a value).
    if (!('incomingRequestContext' in options) || String(options.kind) !== 'incoming operation') {
      return send(options);
    }
    const { request } = options;
    const representations: unknown = request.variables?.['representations'];
    if (!request.query || !Array.isArray(representations) || representations.length === 0) {
      return send(options);
    }
    const analysis = this.analyze(request.query);
    if (!analysis.cacheable) return send(options);

    const { representations: _omitted, ...otherVariables } = request.variables ?? {};
    const context = options.context as { identity?: Identity | null } | undefined;
    const roles = [...(context?.identity?.roles ?? [])].sort().join(',');
    const prefix = `${analysis.id}\u0000${roles}\u0000${stableJson(otherVariables)}\u0000`;
    const keys = representations.map(
      (representation) => prefix + representationKey(representation),
    );
    const generation = this.store.generation;
    const entities: unknown[] = new Array(keys.length);
    const misses: number[] = [];
    keys.forEach((key, index) => {
      const hit = this.store.get(key);
      if (hit) entities[index] = JSON.parse(hit['json'] as string);
      else misses.push(index);
    });
    if (misses.length === 0) return { data: { _entities: entities } };

    const all = misses.length === keys.length;
    const response = await send(
      all
        ? options
        : {
            ...options,
            request: {
              ...request,
              variables: {
                ...request.variables,
                representations: misses.map((index) => representations[index]),
              },
            },
          },
    );
    const errors = all ? response.errors : remapErrorPaths(response.errors, misses);
    const received: unknown = response.data?.['_entities'];
    if (!Array.isArray(received) || received.length !== misses.length) {
      // Not an answer to merge: give it back as the executor would have seen it.
      return errors === response.errors ? response : { ...response, errors };
    }
    const store = !response.errors?.length;
    misses.forEach((index, position) => {
      const entity: unknown = received[position];
      entities[index] = entity;
      if (store && entity && typeof entity === 'object') {
        this.store.set(keys[index]!, { json: JSON.stringify(entity) }, generation);
      }
    });
    return {
      ...response,
      data: { ...response.data, _entities: entities },
      ...(errors ? { errors } : {}),
    };
  }

  /** Whether a query text is a cacheable entity fetch (memoized per text and field set). */
  analyze(query: string): Analysis {
    const current = this.fields.current;
    if (current !== this.analysedFor) {
      this.analysedFor = current;
      this.analyses = new Map();
      this.fieldTypes = fieldTypesOf(this.fields.supergraphSdl);
    }
    let analysis = this.analyses.get(query);
    if (!analysis) {
      if (this.analyses.size >= MAX_ANALYSES) this.analyses.clear();
      analysis = {
        cacheable: isPublicEntityFetch(query, current, this.fieldTypes),
        id: createHash('sha256').update(query).digest('base64url').slice(0, 22),
      };
      this.analyses.set(query, analysis);
    }
    return analysis;
  }
}

/** `Type.field` → the field's named return type, for the object and interface types of a SDL. */
export function fieldTypesOf(supergraphSdl: string): Map<string, string> {
  const types = new Map<string, string>();
  let document: GraphQL.DocumentNode;
  try {
    document = graphql.parse(supergraphSdl);
  } catch {
    return types;
  }
  for (const definition of document.definitions) {
    if (
      definition.kind !== graphql.Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== graphql.Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== graphql.Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== graphql.Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      let type: GraphQL.TypeNode = field.type;
      while (type.kind !== graphql.Kind.NAMED_TYPE) type = type.type;
      types.set(`${definition.name.value}.${field.name.value}`, type.name.value);
    }
  }
  return types;
}

/**
 * Whether `query` is exactly one `_entities(representations: $representations)` selection
 * whose every field (at every depth, through inline and named fragments) is in `publicFields`.
 */
export function isPublicEntityFetch(
  query: string,
  publicFields: ReadonlySet<string>,
  fieldTypes: ReadonlyMap<string, string>,
): boolean {
  let document: GraphQL.DocumentNode;
  try {
    document = graphql.parse(query);
  } catch {
    return false;
  }
  const operations = document.definitions.filter(
    (definition) => definition.kind === graphql.Kind.OPERATION_DEFINITION,
  );
  const operation = operations[0];
  if (operations.length !== 1 || !operation || operation.operation !== 'query') return false;
  const root = operation.selectionSet.selections;
  const entities = root[0];
  if (
    root.length !== 1 ||
    !entities ||
    entities.kind !== graphql.Kind.FIELD ||
    entities.name.value !== '_entities' ||
    entities.alias ||
    entities.directives?.length ||
    !entities.selectionSet
  ) {
    return false;
  }
  const argument = entities.arguments?.[0];
  if (
    entities.arguments?.length !== 1 ||
    argument?.name.value !== 'representations' ||
    argument.value.kind !== graphql.Kind.VARIABLE ||
    argument.value.name.value !== 'representations'
  ) {
    return false;
  }
  const fragments = new Map<string, GraphQL.FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === graphql.Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const visiting = new Set<string>();
  // `parent` undefined: directly under `_entities`, where only typed fragments and
  // `__typename` may appear.
  const walk = (selectionSet: GraphQL.SelectionSetNode, parent: string | undefined): boolean => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === graphql.Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename') continue;
        if (!parent) return false;
        const coordinate = `${parent}.${name}`;
        if (!publicFields.has(coordinate)) return false;
        if (selection.selectionSet) {
          const type = fieldTypes.get(coordinate);
          if (!type || !walk(selection.selectionSet, type)) return false;
        }
      } else if (selection.kind === graphql.Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition?.name.value ?? parent;
        if (!type || !walk(selection.selectionSet, type)) return false;
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) return false;
        visiting.add(name);
        const ok = walk(fragment.selectionSet, fragment.typeCondition.name.value);
        visiting.delete(name);
        if (!ok) return false;
      }
    }
    return true;
  };
  return walk(entities.selectionSet, undefined);
}

/** Errors of a fetch of `misses` only, with `_entities` indices mapped back to the full list. */
function remapErrorPaths<T extends { path?: ReadonlyArray<string | number> | undefined }>(
  errors: readonly T[] | undefined,
  misses: readonly number[],
): T[] | undefined {
  return errors?.map((error) => {
    const path = error.path;
    const index = path?.[1];
    if (path?.[0] !== '_entities' || typeof index !== 'number' || misses[index] === undefined) {
      return error;
    }
    return { ...error, path: ['_entities', misses[index], ...path.slice(2)] } as T;
  });
}

/**
 * The cache key of one representation: `Type\u0001id` for the usual `{ __typename, id }` (no
 * sorting or serialising — this ran for every entity of every cached fetch), else its stable
 * JSON. The two forms cannot collide: stable JSON starts with `{`, a type name never does.
 */
export function representationKey(representation: unknown): string {
  const value = representation as { __typename?: unknown; id?: unknown } | null;
  if (
    value &&
    typeof value.__typename === 'string' &&
    typeof value.id === 'string' &&
    Object.keys(value).length === 2
  ) {
    return `${value.__typename}\u0001${value.id}`;
  }
  return stableJson(representation);
}

/** JSON with object keys sorted (equal representations give equal keys). */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${stableJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

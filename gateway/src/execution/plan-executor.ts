/**
 * The gateway's query-plan executor (GATEWAY_EXECUTOR=plan, the default): replaces
 * @apollo/gateway's `executor` for queries and mutations whose plans it can run, and hands
 * everything else to @apollo/gateway's own (`fallback`): introspection, plans with data
 * rewrites (`@interfaceObject`, `@fromContext`), subscriptions, invalid variables. `@defer`
 * never reaches an executor: the HTTP step runs a deferred operation as plain ones
 * (gateway/src/defer/, docs/defer.md), which run here.
 *
 * Same plans (our own QueryPlanner over the same supergraph, like the subscription engine),
 * same data sources (so internal tokens, the entity cache, usage timing and tracing are
 * unchanged), same response. What it saves, per request (bench/gateway/profile.md):
 * - no federation-internals `Operation` rebuilt from the document: plan, variable handling and
 *   the result shaper are compiled once per operation SHAPE: the selected operation without its
 *   name, plus the fragments (`operationShape`), so a client renaming its operation per request
 *   (or sending it in different documents) does not buy a new plan each time;
 * - result shaping over plain arrays of steps (shape.ts) instead of federation-internals
 *   selection objects walked through getters;
 * - representations built and results merged by small loops without per-fetch spans or
 *   trace nodes (usage reporting to Apollo Studio is not used here).
 * apps/embedded/e2e/plan-executor.e2e.ts checks that both executors answer alike.
 */
import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import {
  QueryPlanner,
  type FetchNode,
  type PlanNode,
  type QueryPlan,
  type QueryPlanSelectionNode,
} from '@apollo/query-planner';
import {
  Kind,
  type GraphQLError as GraphQLErrorType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  print,
} from 'graphql';
import { Lru } from '@shop/primitives';
import { getVariableValues, GraphQLError } from './graphql-cjs';
import {
  booleanDefaults,
  compileShaper,
  isSubtypeOf,
  ShapeError,
  Unsupported,
  type Shaper,
} from './shape';
import { log } from '@shop/log';

type Executor = ApolloGateway['executor'];
type RequestContext = Parameters<Executor>[0];
type ExecutionResult = Awaited<ReturnType<Executor>>;

interface Compiled {
  plan: QueryPlan;
  shaper: Shaper;
  operation: OperationDefinitionNode;
  /** Boolean variable defaults, for the plan's Condition nodes (`@skip`/`@include`). */
  defaults: Record<string, boolean>;
}

/** Not runnable here: the reason, for stats and tests. */
interface Fallback {
  fallback: string;
}

interface SupergraphState {
  sdl: string;
  apiSchema: Schema;
  planner: QueryPlanner;
}

export interface PlanExecutorStats {
  /** Operations executed here. */
  executed: number;
  /** Operations handed to @apollo/gateway's executor, by reason. */
  fallbacks: Record<string, number>;
}

export interface PlanExecutorOptions {
  supergraphSdl: string;
  /** The data source that fetches from a subgraph, by subgraph name (undefined: none). */
  dataSourceOf: (subgraph: string) => GraphQLDataSource | undefined;
  /** @apollo/gateway's executor, for what is not run here. */
  fallback: Executor;
  /**
   * Asked before an operation shape that is not compiled yet gets planned (the costly step:
   * ~10–20 ms of CPU for 20 root fields); resolves a refusal to answer instead (the gateway's
   * per-IP budget of new operations), so new shapes per request cannot buy unbounded planning.
   */
  admitPlanning?: (requestContext: RequestContext) => Promise<PlanningRefusal | undefined>;
}

/** Why an operation is not planned now: answered as an error with this code. */
export interface PlanningRefusal {
  message: string;
  code: string;
  retryAfterSeconds?: number;
}

/** Compiled operations kept (LRU by operation shape), and shape keys of recent texts. */
const MAX_COMPILED = 2_000;

export class PlanExecutor {
  readonly stats: PlanExecutorStats = { executed: 0, fallbacks: {} };
  /** Undefined after a supergraph failed to load: everything goes to @apollo/gateway. */
  private state: SupergraphState | undefined;
  /** Compiled per operation shape (`operationShape`). */
  private readonly compiled = new Lru<Compiled | Fallback>(MAX_COMPILED);
  /** The shape of each recent (query text, operation name): repeated requests skip printing. */
  private readonly shapes = new Lru<OperationShape | Fallback>(MAX_COMPILED);

  constructor(private readonly options: PlanExecutorOptions) {
    this.state = PlanExecutor.load(options.supergraphSdl);
  }

  private static load(sdl: string): SupergraphState {
    const supergraph = Supergraph.build(sdl);
    return { sdl, apiSchema: supergraph.apiSchema(), planner: new QueryPlanner(supergraph) };
  }

  /**
   * A new supergraph (schema update): new planner, compiled operations dropped. When it cannot
   * be loaded, plans of the old one must not run against the schema @apollo/gateway now serves:
   * every operation goes to @apollo/gateway until a supergraph loads, and the error is rethrown.
   */
  reload(sdl: string): void {
    if (sdl === this.state?.sdl) return;
    this.compiled.clear();
    try {
      this.state = PlanExecutor.load(sdl);
    } catch (error) {
      this.state = undefined;
      throw error;
    }
  }

  /** The executor to install as the gateway's. */
  readonly execute: Executor = async (requestContext) => {
    const textKey = `${requestContext.queryHash}\u0000${requestContext.request.operationName ?? ''}`;
    const refusal =
      this.options.admitPlanning && this.isNew(textKey, requestContext)
        ? await this.options.admitPlanning(requestContext)
        : undefined;
    if (refusal) {
      const { message, ...extensions } = refusal;
      return { errors: [new GraphQLError(message, { extensions })] };
    }
    const compiled = this.compile(textKey, requestContext);
    if ('fallback' in compiled) {
      this.stats.fallbacks[compiled.fallback] = (this.stats.fallbacks[compiled.fallback] ?? 0) + 1;
      return this.options.fallback(requestContext);
    }
    const variables = requestContext.request.variables ?? {};
    if (compiled.operation.variableDefinitions?.length) {
      // Coercion errors are @apollo/gateway's to word (same response as without this executor).
      const { errors } = getVariableValues(
        requestContext.schema,
        compiled.operation.variableDefinitions,
        variables,
      );
      if (errors?.length) {
        this.stats.fallbacks.variables = (this.stats.fallbacks.variables ?? 0) + 1;
        return this.options.fallback(requestContext);
      }
    }
    this.stats.executed += 1;
    try {
      return await run(compiled, requestContext, variables, this.options.dataSourceOf);
    } catch (error) {
      // A fault of this executor (a subgraph's failures are errors in the response, not
      // exceptions). A query only reads: @apollo/gateway's executor answers it, now and from
      // now on. A mutation may already have run some fetches: it fails rather than run twice.
      if (compiled.operation.operation !== 'query') throw error;
      log.error(
        '[execution] the plan executor failed; @apollo/gateway runs this operation from now on',
        error,
      );
      const shape = this.shapes.get(textKey);
      if (shape && 'key' in shape) this.compiled.set(shape.key, { fallback: 'runtime error' });
      this.stats.fallbacks['runtime error'] = (this.stats.fallbacks['runtime error'] ?? 0) + 1;
      return this.options.fallback(requestContext);
    }
  };

  private shapeOf(textKey: string, requestContext: RequestContext): OperationShape | Fallback {
    let shape = this.shapes.get(textKey);
    if (!shape) {
      shape = operationShape(
        requestContext.document,
        requestContext.request.operationName ?? undefined,
      );
      this.shapes.set(textKey, shape);
    }
    return shape;
  }

  /** True when this request's operation shape would be planned now (not compiled yet). */
  private isNew(textKey: string, requestContext: RequestContext): boolean {
    if (!this.state) return false;
    const shape = this.shapeOf(textKey, requestContext);
    return !('fallback' in shape) && !this.compiled.get(shape.key);
  }

  private compile(textKey: string, requestContext: RequestContext): Compiled | Fallback {
    if (!this.state) return { fallback: 'supergraph' };
    const shape = this.shapeOf(textKey, requestContext);
    if ('fallback' in shape) return shape;
    const known = this.compiled.get(shape.key);
    if (known) return known;
    let compiled: Compiled | Fallback;
    try {
      compiled = this.build(shape, requestContext.schema);
    } catch (error) {
      compiled = { fallback: error instanceof Unsupported ? error.message : 'planning failed' };
    }
    this.compiled.set(shape.key, compiled);
    return compiled;
  }

  private build(shape: OperationShape, schema: GraphQLSchema): Compiled | Fallback {
    const { operation, fragments, document } = shape;
    if (operation.operation === 'subscription') return { fallback: 'subscription' };
    const shaper = compileShaper(schema, operation, fragments);
    const state = this.state!;
    const plan = state.planner.buildQueryPlan(operationFromDocument(state.apiSchema, document));
    const reason = plan.node ? unsupportedNode(plan.node as PlanNode) : undefined;
    if (reason) return { fallback: reason };
    return { plan, shaper, operation, defaults: booleanDefaults(operation) };
  }
}

/**
 * What a plan depends on: the selected operation WITHOUT its name, and the document's fragments.
 * Two requests with the same shape get the same plan, whatever their operation names or the
 * other operations of their documents (so a new name per request is not a new plan, and the
 * subgraphs receive the same anonymous fetch text, which their compiled-query caches reuse).
 */
interface OperationShape {
  /** The printed shape: the cache key. */
  key: string;
  /** The shape as a document of one anonymous operation plus the fragments. */
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
}

function operationShape(
  document: DocumentNode,
  operationName: string | undefined,
): OperationShape | Fallback {
  let selected: OperationDefinitionNode | undefined;
  let operations = 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      operations += 1;
      if (!operationName || definition.name?.value === operationName) selected = definition;
    } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  // Missing or ambiguous operations: @apollo/gateway's error.
  if (!selected || (!operationName && operations > 1)) return { fallback: 'operation' };
  const operation: OperationDefinitionNode = { ...selected, name: undefined };
  const shape: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...fragments.values()],
  };
  return { key: print(shape), document: shape, operation, fragments };
}

/** Why a plan is left to @apollo/gateway, or undefined when it runs here. */
function unsupportedNode(node: PlanNode): string | undefined {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) {
        const reason = unsupportedNode(child);
        if (reason) return reason;
      }
      return undefined;
    case 'Flatten':
      return unsupportedNode(node.node);
    case 'Condition':
      return (
        (node.ifClause && unsupportedNode(node.ifClause)) ||
        (node.elseClause && unsupportedNode(node.elseClause)) ||
        undefined
      );
    case 'Fetch':
      if (node.inputRewrites?.length || node.outputRewrites?.length) return 'rewrites';
      if (node.contextRewrites?.length) return 'context rewrites';
      if (node.hasDefers) return 'defer';
      return undefined;
    default:
      return node.kind.toLowerCase();
  }
}

// --- running a plan ---------------------------------------------------------------------------

type Data = Record<string, unknown>;

interface Run {
  requestContext: RequestContext;
  variables: Record<string, unknown>;
  defaults: Record<string, boolean>;
  dataSourceOf: PlanExecutorOptions['dataSourceOf'];
  schema: GraphQLSchema;
  errors: GraphQLErrorType[];
  root: Data;
}

/** Where a plan node works: the objects at `path` (`@` = every element of a list). */
interface Cursor {
  path: Array<string | number>;
  data: Data | Data[];
}

async function run(
  compiled: Compiled,
  requestContext: RequestContext,
  variables: Record<string, unknown>,
  dataSourceOf: PlanExecutorOptions['dataSourceOf'],
): Promise<ExecutionResult> {
  const root: Data = {};
  const state: Run = {
    requestContext,
    variables,
    defaults: compiled.defaults,
    dataSourceOf,
    schema: requestContext.schema,
    errors: [],
    root,
  };
  const node = compiled.plan.node as PlanNode | undefined;
  if (node) await runNode(state, node, { path: [], data: root });
  let shaped: ReturnType<Shaper['shape']>;
  try {
    shaped = compiled.shaper.shape(root, variables);
  } catch (error) {
    if (error instanceof ShapeError) return { errors: [new GraphQLError(error.message)] };
    throw error;
  }
  if (state.errors.length === 0) {
    // As @apollo/gateway: value-completion errors alone go to `extensions.valueCompletion`.
    return shaped.errors.length
      ? { data: shaped.data, extensions: { valueCompletion: shaped.errors } }
      : { data: shaped.data };
  }
  return { errors: state.errors, data: shaped.data };
}

async function runNode(state: Run, node: PlanNode, cursor: Cursor): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await runNode(state, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => runNode(state, child, cursor)));
      return;
    case 'Flatten': {
      const data = flatten(cursor.data, node.path, 0);
      if (data === undefined || data === null) return;
      await runNode(state, node.node, {
        path: [...cursor.path, ...node.path],
        data: data as Data | Data[],
      });
      return;
    }
    case 'Condition': {
      const branch = conditionValue(state, node.condition) ? node.ifClause : node.elseClause;
      if (branch) await runNode(state, branch, cursor);
      return;
    }
    case 'Fetch':
      try {
        await runFetch(state, node, cursor);
      } catch (error) {
        // As @apollo/gateway: the error as thrown (e.g. SUBGRAPH_TIMEOUT from the data source);
        // Apollo Server formats it. The rest of the plan still runs.
        state.errors.push(error as GraphQLErrorType);
      }
      return;
    default:
      throw new Error(`plan node ${node.kind} is not run here`);
  }
}

function conditionValue(state: Run, name: string): boolean {
  const provided = state.variables[name];
  if (typeof provided === 'boolean') return provided;
  return state.defaults[name] ?? false;
}

/** The values at `path` from `index` on, lists flattened (`@`); null/undefined stop it. */
function flatten(value: unknown, path: Array<string | number>, index: number): unknown {
  if (index === path.length || value === undefined || value === null) return value;
  const key = path[index]!;
  if (key === '@') {
    if (!Array.isArray(value)) return undefined;
    const out: unknown[] = [];
    for (const element of value) {
      const inner = flatten(element, path, index + 1);
      if (Array.isArray(inner)) for (const item of inner) out.push(item);
      else if (inner !== undefined) out.push(inner);
    }
    return out;
  }
  if (Array.isArray(value) || typeof value !== 'object') return undefined;
  const object = value as Data;
  return flatten(
    Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined,
    path,
    index + 1,
  );
}

async function runFetch(state: Run, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const source = state.dataSourceOf(fetch.serviceName);
  if (!source) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities: Data[] = [];
  if (Array.isArray(cursor.data)) {
    for (const entity of cursor.data)
      if (entity !== null && entity !== undefined) entities.push(entity);
  } else {
    entities.push(cursor.data);
  }
  if (entities.length === 0) return;
  const variables: Record<string, unknown> = {};
  for (const name of fetch.variableUsages ?? []) {
    if (state.variables[name] !== undefined) variables[name] = state.variables[name];
  }

  if (!fetch.requires) {
    const data = await send(state, fetch, cursor, { variables });
    if (data) for (const entity of entities) merge(entity, data);
    return;
  }

  const representations: Data[] = [];
  const targets: number[] = [];
  for (let i = 0; i < entities.length; i += 1) {
    const representation = select(state.schema, entities[i]!, fetch.requires);
    if (representation && representation.__typename) {
      representations.push(representation);
      targets.push(i);
    }
  }
  if (representations.length === 0) return;
  if ('representations' in variables) {
    throw new Error('Variables cannot contain key "representations"');
  }
  variables.representations = representations;
  const data = await send(state, fetch, cursor, { variables, targets });
  if (!data) return;
  const received = data._entities;
  if (!Array.isArray(received))
    throw new Error('Expected "data._entities" in response to be an array');
  if (received.length !== representations.length) {
    throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  }
  for (let i = 0; i < received.length; i += 1) {
    const entity = entities[targets[i]!]!;
    const value = received[i] as Data | null;
    if (value && value.__typename === undefined) value.__typename = entity.__typename;
    if (value) merge(entity, value);
  }
}

/** The requested fields of `source` (a representation); null when one is missing. */
function select(
  schema: GraphQLSchema,
  source: Data,
  selections: QueryPlanSelectionNode[],
): Data | null {
  const out: Data = {};
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const name = selection.alias ?? selection.name;
      const value = Object.prototype.hasOwnProperty.call(source, name) ? source[name] : undefined;
      if (value === undefined) return null;
      const nested = selection.selections;
      if (nested && Array.isArray(value)) {
        out[name] = value.map((item) =>
          item === null ? null : select(schema, item as Data, nested),
        );
      } else if (nested && value !== null) {
        out[name] = select(schema, value as Data, nested);
      } else {
        out[name] = value;
      }
    } else if (selection.typeCondition && isOfType(schema, source, selection.typeCondition)) {
      const inner = select(schema, source, selection.selections);
      if (inner) merge(out, inner);
    }
  }
  return out;
}

function isOfType(schema: GraphQLSchema, object: Data, typeName: string): boolean {
  const typename = object.__typename;
  if (typeof typename !== 'string') return false;
  if (typename === typeName) return true;
  const condition = schema.getType(typeName);
  const type = schema.getType(typename);
  return !!condition && !!type && isSubtypeOf(schema, condition, type);
}

/** Deep merge of a fetch's data into what earlier fetches put there (lists element-wise). */
function merge(target: Data, source: Data): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined || key === '__proto__') continue;
    const current = target[key];
    if (current && typeof current === 'object' && value !== null && typeof value === 'object') {
      if (Array.isArray(current) && Array.isArray(value)) {
        if (current.length === value.length) {
          for (let i = 0; i < value.length; i += 1) {
            const a = current[i];
            const b = value[i];
            if (a && typeof a === 'object' && b && typeof b === 'object' && !Array.isArray(a)) {
              merge(a as Data, b as Data);
            } else {
              current[i] = b;
            }
          }
          continue;
        }
      } else if (!Array.isArray(current) && !Array.isArray(value)) {
        merge(current as Data, value as Data);
        continue;
      }
    }
    target[key] = value;
  }
}

/**
 * One fetch through the subgraph's data source; its errors are added to the response with
 * their path in it (`targets`: the entity index of each representation sent).
 */
async function send(
  state: Run,
  fetch: FetchNode,
  cursor: Cursor,
  request: { variables: Record<string, unknown>; targets?: number[] },
): Promise<Data | undefined | null> {
  const { variables, targets } = request;
  const source = state.dataSourceOf(fetch.serviceName)!;
  const response = await source.process({
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION (an enum @apollo/gateway does not export).
    kind: 'incoming operation',
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: state.requestContext,
    context: state.requestContext.context,
    ...(fetch.operationDocumentNode ? { document: fetch.operationDocumentNode } : {}),
    pathInIncomingRequest: cursor.path,
  } as Parameters<GraphQLDataSource['process']>[0]);
  if (response.errors?.length) {
    let entityPaths: Array<Array<string | number>> | undefined;
    const pathOf = (path: ReadonlyArray<string | number> | undefined) => {
      if (!path) return undefined;
      if (targets && path[0] === '_entities' && typeof path[1] === 'number') {
        entityPaths ??= concretePaths(state.root, cursor.path);
        const base = entityPaths[targets[path[1]] ?? -1] ?? [];
        return [...base, ...path.slice(2)];
      }
      return [...cursor.path, ...path];
    };
    for (const error of response.errors)
      state.errors.push(downstream(error, fetch.serviceName, pathOf));
  }
  return response.data as Data | undefined | null;
}

/** Concrete paths of the non-null objects at `path` (`@` expanded), in flatten order. */
function concretePaths(root: unknown, path: Array<string | number>): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const walk = (value: unknown, index: number, at: Array<string | number>) => {
    if (value === null || value === undefined) return;
    if (index === path.length) {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, index, [...at, i]));
      else out.push(at);
      return;
    }
    const key = path[index]!;
    if (key === '@') {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, index + 1, [...at, i]));
      return;
    }
    if (typeof value === 'object' && !Array.isArray(value)) {
      walk((value as Data)[key], index + 1, [...at, key]);
    }
  };
  walk(root, 0, []);
  return out;
}

/** A subgraph's error as the client sees it: its path in the whole response, `serviceName`. */
function downstream(
  error: {
    message?: string;
    path?: ReadonlyArray<string | number>;
    extensions?: Record<string, unknown>;
  },
  serviceName: string,
  pathOf: (path: ReadonlyArray<string | number> | undefined) => Array<string | number> | undefined,
): GraphQLErrorType {
  const extensions = error.extensions ?? {};
  const path = pathOf(error.path);
  return new GraphQLError(
    error.message || `Error while fetching subquery from service "${serviceName}"`,
    {
      ...(path ? { path } : {}),
      originalError: error instanceof Error ? error : undefined,
      extensions: {
        ...extensions,
        serviceName,
        ...(extensions.code ? {} : { code: 'DOWNSTREAM_SERVICE_ERROR' }),
      },
    },
  );
}

import type {
  ArgumentNode,
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';
import type { ErrorCodeSubset } from '@shop/http';
import { GraphQLError, Kind, parse } from './graphql';
import type { ListSizeRule } from './list-sizes';
import type { ObservedSizes } from './observed-sizes';
import { newResponseListNode, pruneResponseLists, type ResponseListNode } from './response-lists';

export interface OperationLimits {
  /** Deepest field nesting, fragments expanded. Default 12. */
  maxDepth: number;
  /** Aliased fields, counted once per expansion of the fragments holding them. Default 30. */
  maxAliases: number;
  /** Directives written anywhere in the document. Default 50. */
  maxDirectives: number;
  /** Fields selected on the root type (fragments expanded). Default 20. */
  maxRootFields: number;
  /** Selections after fragment expansion; counting stops past it. Default 5,000. */
  maxSelections: number;
  /** Lexer tokens, when the document is given as text. Default 5,000. */
  maxTokens: number;
  /** Estimated cost (fields × list sizes). Default 10,000. */
  maxCost: number;
  /** Items assumed for a list without a `first`/`last`/`limit` argument. Default 10. */
  defaultListSize: number;
  /** Do not count or descend into `__schema`/`__type` (GraphiQL's introspection). Default true. */
  ignoreIntrospection: boolean;
}

export const DEFAULT_LIMITS: Readonly<OperationLimits> = Object.freeze({
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 50,
  maxRootFields: 20,
  maxSelections: 5_000,
  maxTokens: 5_000,
  maxCost: 10_000,
  defaultListSize: 10,
  ignoreIntrospection: true,
});

export interface AnalyzeOptions extends Partial<OperationLimits> {
  /** Used to tell list fields apart; without it, a field with a size argument is a list. */
  schema?: GraphQLSchema | undefined;
  variables?: Record<string, unknown> | null | undefined;
  /** The operation to analyze; absent → every operation in the document (worst one wins). */
  operationName?: string | null | undefined;
  /**
   * Per-field assumed list sizes (the supergraph's `@listSize(assumedSize:)`, list-sizes.ts),
   * used for a list without a size argument before `defaultListSize`.
   */
  listSizes?:
    | {
        assumedSize(typeName: string, fieldName: string): number | undefined;
        /** The field's whole `@listSize` (slicing arguments, sized fields), when known. */
        rule?(typeName: string, fieldName: string): ListSizeRule | undefined;
      }
    | undefined;
  /**
   * Sizes this gateway has seen the field return (observed-sizes.ts), used for a list that no
   * argument or `@listSize` sizes, clamped to [1, `defaultListSize`]: they can lower the
   * blanket default, never raise it.
   */
  observedSizes?: Pick<ObservedSizes, 'observedSize'> | undefined;
  /** Return `lists` (where the response holds lists to observe) with an accepted result. */
  collectLists?: boolean | undefined;
}

export type LimitErrorCode = ErrorCodeSubset<
  | 'QUERY_TOO_DEEP'
  | 'TOO_MANY_ALIASES'
  | 'TOO_MANY_DIRECTIVES'
  | 'TOO_MANY_ROOT_FIELDS'
  | 'QUERY_TOO_COMPLEX'
  | 'QUERY_TOO_COSTLY'
  | 'TOO_MANY_TOKENS'
  | 'GRAPHQL_PARSE_FAILED'
>;

export type AnalysisResult =
  | {
      ok: true;
      cost: number;
      /**
       * Where the response holds lists sized by observation or by the default (to record their
       * real lengths); absent when there are none or several operations were analyzed.
       */
      lists?: ResponseListNode;
    }
  | { ok: false; code: LimitErrorCode; message: string; status: 400; cost?: number };

const SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);

class Rejection extends Error {
  constructor(
    readonly code: LimitErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses `source` with a token limit. Returns the document, or a 400 result: TOO_MANY_TOKENS
 * past the limit, GRAPHQL_PARSE_FAILED for other syntax errors.
 */
export function parseWithLimit(
  source: string,
  maxTokens: number = DEFAULT_LIMITS.maxTokens,
): { ok: true; document: DocumentNode } | Extract<AnalysisResult, { ok: false }> {
  try {
    return { ok: true, document: parse(source, { maxTokens, noLocation: true }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/more th\w+ \d+ tokens/.test(message)) {
      return {
        ok: false,
        status: 400,
        code: 'TOO_MANY_TOKENS',
        message: `Document has more than ${maxTokens} tokens`,
      };
    }
    return { ok: false, status: 400, code: 'GRAPHQL_PARSE_FAILED', message };
  }
}

/**
 * Static checks on an operation, before anything is planned or fetched: depth, aliases,
 * directives, root fields, total selections and estimated cost. Fragments are expanded
 * (cycle-safe) and the walk stops at the first limit crossed, so an exponential fragment bomb
 * costs at most `maxSelections` steps.
 *
 * Cost: each field costs 1 per parent item (`__typename` is free); a list multiplies what is
 * selected inside it by its size, the first of (docs/cost.md):
 * 1. its slicing argument — `@listSize(slicingArguments:)` if declared, else `first`/`last`/
 *    `limit` — given as a literal, a variable, the variable's default or the argument's default
 *    in the schema (the largest when several are given);
 * 2. the size a connection-like parent passed down (its own slicing argument or, with
 *    `sizedFields`, its `assumedSize`): to the children named in `sizedFields`, else to the
 *    first list below it (`edges`/`nodes`);
 * 3. its `@listSize(assumedSize:)` (`listSizes`);
 * 4. the size this gateway observed it return (`observedSizes`), at most `defaultListSize`;
 * 5. `defaultListSize`.
 */
export function analyzeOperation(
  document: DocumentNode | string,
  options: AnalyzeOptions = {},
): AnalysisResult {
  const limits: OperationLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof OperationLimits>) {
    const value = options[key];
    if (value !== undefined) (limits as unknown as Record<string, unknown>)[key] = value;
  }
  let doc: DocumentNode;
  if (typeof document === 'string') {
    const parsed = parseWithLimit(document, limits.maxTokens);
    if (!parsed.ok) return parsed;
    doc = parsed.document;
  } else {
    doc = document;
  }

  const directives = countDirectives(doc);
  if (directives > limits.maxDirectives) {
    return reject(
      'TOO_MANY_DIRECTIVES',
      `Document has ${directives} directives; the limit is ${limits.maxDirectives}`,
    );
  }

  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of doc.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    } else if (definition.kind === Kind.OPERATION_DEFINITION) {
      operations.push(definition);
    }
  }
  const selected = options.operationName
    ? operations.filter((operation) => operation.name?.value === options.operationName)
    : operations;

  let worst = 0;
  let lists: ResponseListNode | undefined;
  try {
    for (const operation of selected) {
      const walker = new Walker(limits, fragments, options, operation);
      const cost = walker.run();
      worst = Math.max(worst, cost);
      if (options.collectLists && selected.length === 1 && !pruneResponseLists(walker.lists)) {
        lists = walker.lists;
      }
    }
  } catch (error) {
    if (error instanceof Rejection) return reject(error.code, error.message);
    throw error;
  }
  if (worst > limits.maxCost) {
    return {
      ...reject(
        'QUERY_TOO_COSTLY',
        `Operation cost ${Math.round(worst)} exceeds the limit of ${limits.maxCost}`,
      ),
      cost: Math.round(worst),
    };
  }
  return lists
    ? { ok: true, cost: Math.round(worst), lists }
    : { ok: true, cost: Math.round(worst) };
}

/** A 400 GraphQLError (Apollo's `extensions.http.status`) for a failed analysis. */
export function limitError(result: { code: string; message: string; status?: number }) {
  return new GraphQLError(result.message, {
    extensions: { code: result.code, http: { status: result.status ?? 400 } },
  });
}

function reject(code: LimitErrorCode, message: string): Extract<AnalysisResult, { ok: false }> {
  return { ok: false, status: 400, code, message };
}

function countDirectives(document: DocumentNode): number {
  let count = 0;
  const stack: unknown[] = [document];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
    } else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.kind === Kind.DIRECTIVE) count += 1;
      for (const key in record) {
        if (key === 'loc') continue;
        const value = record[key];
        if (value && typeof value === 'object') stack.push(value);
      }
    }
  }
  return count;
}

/** Named type of a field's output type, and whether it is a list (realm-independent). */
function describe(field: GraphQLField<unknown, unknown> | undefined) {
  if (!field) return { list: undefined, typeName: undefined };
  const text = String(field.type).replace(/!$/, '');
  return { list: text.startsWith('['), typeName: text.replace(/[[\]!]/g, '') };
}

interface Scope {
  typeName: string | undefined;
  depth: number;
  multiplier: number;
  sizeHint: number | undefined;
  /** The children `sizeHint` applies to (`sizedFields`); undefined → the first list below. */
  sizedFields: readonly string[] | undefined;
  path: ReadonlySet<string>;
  root: boolean;
  /** This level of the response, for the lists to observe. */
  lists: ResponseListNode;
}

class Walker {
  private selections = 0;
  private aliases = 0;
  private rootFields = 0;
  /** The response's lists sized by observation or by the default (see AnalysisResult). */
  readonly lists = newResponseListNode();

  constructor(
    private readonly limits: OperationLimits,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly options: AnalyzeOptions,
    private readonly operation: OperationDefinitionNode,
  ) {}

  run(): number {
    const rootType = this.options.schema?.getRootType(this.operation.operation);
    return this.walk(this.operation.selectionSet, {
      typeName: rootType?.name,
      depth: 0,
      multiplier: 1,
      sizeHint: undefined,
      sizedFields: undefined,
      path: new Set(),
      root: true,
      lists: this.lists,
    });
  }

  private count() {
    this.selections += 1;
    if (this.selections > this.limits.maxSelections) {
      throw new Rejection(
        'QUERY_TOO_COMPLEX',
        `Operation has more than ${this.limits.maxSelections} selections once fragments are expanded`,
      );
    }
  }

  private fieldOf(typeName: string | undefined, name: string) {
    if (!typeName || !this.options.schema) return undefined;
    const type = this.options.schema.getType(typeName);
    if (!type || !('getFields' in type)) return undefined;
    return (type.getFields() as Record<string, GraphQLField<unknown, unknown>>)[name];
  }

  private walk(selectionSet: SelectionSetNode, scope: Scope): number {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      this.count();
      if (selection.kind === Kind.FIELD) {
        cost += this.field(selection, scope);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += this.walk(selection.selectionSet, {
          ...scope,
          typeName: selection.typeCondition?.name.value ?? scope.typeName,
        });
      } else {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        if (!fragment || scope.path.has(name)) continue;
        cost += this.walk(fragment.selectionSet, {
          ...scope,
          typeName: fragment.typeCondition.name.value,
          path: new Set(scope.path).add(name),
        });
      }
    }
    return cost;
  }

  private field(field: FieldNode, scope: Scope): number {
    const name = field.name.value;
    const limits = this.limits;
    if (field.alias) {
      this.aliases += 1;
      if (this.aliases > limits.maxAliases) {
        throw new Rejection(
          'TOO_MANY_ALIASES',
          `Operation has more than ${limits.maxAliases} aliases`,
        );
      }
    }
    if (scope.root) {
      this.rootFields += 1;
      if (this.rootFields > limits.maxRootFields) {
        throw new Rejection(
          'TOO_MANY_ROOT_FIELDS',
          `Operation selects more than ${limits.maxRootFields} root fields`,
        );
      }
    }
    if (limits.ignoreIntrospection && (name === '__schema' || name === '__type')) return 0;
    const depth = scope.depth + 1;
    if (depth > limits.maxDepth) {
      throw new Rejection(
        'QUERY_TOO_DEEP',
        `Operation is deeper than the limit of ${limits.maxDepth}`,
      );
    }
    if (name === '__typename') return 0;
    let cost = scope.multiplier;
    if (!field.selectionSet) return cost;
    const definition = this.fieldOf(scope.typeName, name);
    const { list, typeName } = describe(definition);
    const rule =
      scope.typeName !== undefined
        ? this.options.listSizes?.rule?.(scope.typeName, name)
        : undefined;
    const own = this.sizeOf(field.arguments, definition, rule);
    const hinted =
      scope.sizeHint !== undefined && (!scope.sizedFields || scope.sizedFields.includes(name))
        ? scope.sizeHint
        : undefined;
    let multiplier = scope.multiplier;
    let sizeHint = own ?? (rule?.sizedFields ? rule.assumedSize : undefined) ?? hinted;
    let sizedFields =
      own !== undefined || rule?.sizedFields ? rule?.sizedFields : scope.sizedFields;
    const responseKey = field.alias?.value ?? name;
    let lists = scope.lists.children.get(responseKey);
    if (!lists) scope.lists.children.set(responseKey, (lists = newResponseListNode()));
    // Without a schema, a field taking a size argument is taken to be the list.
    if (list === true || (list === undefined && own !== undefined)) {
      multiplier *= own ?? hinted ?? this.guessedSize(scope.typeName, name, lists);
      sizeHint = undefined;
      sizedFields = undefined;
    }
    cost += this.walk(field.selectionSet, {
      typeName,
      depth,
      multiplier,
      sizeHint,
      sizedFields,
      path: scope.path,
      root: false,
      lists,
    });
    return cost;
  }

  /**
   * The size of a list no argument sizes: declared, else observed (clamped to the default),
   * else the default. A list sized by observation or default is marked to be observed.
   */
  private guessedSize(typeName: string | undefined, name: string, lists: ResponseListNode) {
    const defaultSize = this.limits.defaultListSize;
    if (typeName === undefined) return defaultSize;
    const declared = this.options.listSizes?.assumedSize(typeName, name);
    if (declared !== undefined) return declared;
    lists.fields.add(`${typeName}.${name}`);
    const observed = this.options.observedSizes?.observedSize(typeName, name);
    if (observed === undefined || !Number.isFinite(observed)) return defaultSize;
    return Math.min(defaultSize, Math.max(1, Math.ceil(observed)));
  }

  /**
   * The size a field's slicing arguments give (the largest given one): `rule.slicingArguments`
   * or `first`/`last`/`limit`; a literal, a variable, its default, or the schema's default.
   */
  private sizeOf(
    args: readonly ArgumentNode[] | undefined,
    definition: GraphQLField<unknown, unknown> | undefined,
    rule: ListSizeRule | undefined,
  ): number | undefined {
    const slicing = rule?.slicingArguments ?? SIZE_ARGUMENTS;
    const isSlicing = (name: string) =>
      Array.isArray(slicing) ? slicing.includes(name) : (slicing as Set<string>).has(name);
    let size: number | undefined;
    const consider = (value: unknown) => {
      if (typeof value === 'number' && Number.isFinite(value)) {
        size = Math.max(size ?? 0, Math.max(0, value));
      }
    };
    for (const argument of definition?.args ?? []) {
      if (!isSlicing(argument.name)) continue;
      const written = args?.find((candidate) => candidate.name.value === argument.name);
      // Not written, or a variable the request leaves unset: the schema's default applies.
      if (
        !written ||
        (written.value.kind === Kind.VARIABLE && this.valueOf(written.value) === undefined)
      ) {
        consider(argument.defaultValue);
      }
    }
    for (const argument of args ?? []) {
      if (isSlicing(argument.name.value)) consider(this.valueOf(argument.value));
    }
    return size;
  }

  private valueOf(value: ValueNode): unknown {
    if (value.kind === Kind.INT || value.kind === Kind.FLOAT) return Number(value.value);
    if (value.kind !== Kind.VARIABLE) return undefined;
    const name = value.name.value;
    const given = this.options.variables?.[name];
    if (given !== undefined && given !== null) return given;
    const definition = this.operation.variableDefinitions?.find(
      (candidate) => candidate.variable.name.value === name,
    );
    const fallback = definition?.defaultValue;
    return fallback ? this.valueOf(fallback) : undefined;
  }
}

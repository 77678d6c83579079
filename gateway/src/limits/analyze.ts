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
  listSizes?: { assumedSize(typeName: string, fieldName: string): number | undefined } | undefined;
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
  | { ok: true; cost: number }
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
 * selected inside it by its `first`/`last`/`limit` argument (literal or variable), else by the
 * field's declared `@listSize(assumedSize:)` (`listSizes`), else by `defaultListSize`. A size argument on a non-list field (a connection) applies to the first
 * list below it (`edges`/`nodes`).
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
  try {
    for (const operation of selected) {
      const cost = new Walker(limits, fragments, options, operation).run();
      worst = Math.max(worst, cost);
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
  return { ok: true, cost: Math.round(worst) };
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
  path: ReadonlySet<string>;
  root: boolean;
}

class Walker {
  private selections = 0;
  private aliases = 0;
  private rootFields = 0;

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
      path: new Set(),
      root: true,
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
    const { list, typeName } = describe(this.fieldOf(scope.typeName, name));
    const own = this.sizeOf(field.arguments);
    let multiplier = scope.multiplier;
    let sizeHint = own ?? scope.sizeHint;
    // Without a schema, a field taking a size argument is taken to be the list.
    if (list === true || (list === undefined && own !== undefined)) {
      multiplier *=
        own ??
        scope.sizeHint ??
        (scope.typeName !== undefined
          ? this.options.listSizes?.assumedSize(scope.typeName, name)
          : undefined) ??
        limits.defaultListSize;
      sizeHint = undefined;
    }
    cost += this.walk(field.selectionSet, {
      typeName,
      depth,
      multiplier,
      sizeHint,
      path: scope.path,
      root: false,
    });
    return cost;
  }

  private sizeOf(args: readonly ArgumentNode[] | undefined): number | undefined {
    for (const argument of args ?? []) {
      if (!SIZE_ARGUMENTS.has(argument.name.value)) continue;
      const value = this.valueOf(argument.value);
      if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value);
    }
    return undefined;
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

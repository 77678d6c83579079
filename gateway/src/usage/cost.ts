import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';

// The CommonJS `graphql` shared with Apollo (see subscriptions/graphql.ts): the schemas we get
// come from it, and the ESM build's type predicates would reject them.
const { Kind, getNamedType, getNullableType, isInterfaceType, isListType, isObjectType } =
  createRequire(import.meta.url)('graphql') as typeof GraphQL;

/** Items assumed for a list field without a `first`/`last`/`limit` argument. */
export const DEFAULT_LIST_SIZE = 10;
const SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);

export interface CostOptions {
  operationName?: string | null | undefined;
  listSize?: number;
}

/**
 * A static estimate of what an operation asks for: every selected field costs 1 per parent
 * item (`__typename` is free); a list multiplies the cost of what is selected inside it by its
 * `first`/`last`/`limit` argument, or by {@link DEFAULT_LIST_SIZE}. A size argument on a
 * non-list field (a Relay connection) applies to the first list below it (`edges`/`nodes`).
 * Fields unknown to the schema cost 1 and their selections are counted as scalars.
 */
export function estimateCost(
  document: DocumentNode,
  schema: GraphQLSchema,
  variables: Record<string, unknown> | undefined,
  options: CostOptions = {},
): number {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = options.operationName
    ? operations.find((candidate) => candidate.name?.value === options.operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const root = schema.getRootType(operation.operation) ?? undefined;
  const defaultSize = options.listSize ?? DEFAULT_LIST_SIZE;

  const sizeOf = (field: FieldNode): number | undefined => {
    for (const argument of field.arguments ?? []) {
      if (!SIZE_ARGUMENTS.has(argument.name.value)) continue;
      const value = literal(argument.value, variables);
      if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value);
    }
    return undefined;
  };

  const walk = (selectionSet: SelectionSetNode, scope: Scope): number => {
    const { parent, multiplier, sizeHint, path } = scope;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename') continue;
        cost += multiplier;
        if (!selection.selectionSet) continue;
        const fieldType =
          parent && isObjectOrInterface(parent) ? parent.getFields()[name]?.type : undefined;
        const own = sizeOf(selection);
        let childMultiplier = multiplier;
        let childHint = own ?? sizeHint;
        if (fieldType && isListType(getNullableType(fieldType))) {
          childMultiplier = multiplier * (own ?? sizeHint ?? defaultSize);
          childHint = undefined;
        }
        const named = fieldType ? getNamedType(fieldType) : undefined;
        cost += walk(selection.selectionSet, {
          parent: named,
          multiplier: childMultiplier,
          sizeHint: childHint,
          path,
        });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? (schema.getType(selection.typeCondition.name.value) ?? undefined)
          : parent;
        cost += walk(selection.selectionSet, { ...scope, parent: condition });
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || path.has(name)) continue;
        const condition = schema.getType(fragment.typeCondition.name.value) ?? undefined;
        cost += walk(fragment.selectionSet, {
          ...scope,
          parent: condition,
          path: new Set(path).add(name),
        });
      }
    }
    return cost;
  };

  const scope: Scope = { parent: root, multiplier: 1, sizeHint: undefined, path: new Set() };
  return Math.round(walk(operation.selectionSet, scope));
}

/** Where a selection set is being counted. */
interface Scope {
  /** The type the selections apply to (undefined when unknown to the schema). */
  parent: GraphQLNamedType | undefined;
  /** Items of `parent` the selections are resolved for. */
  multiplier: number;
  /** A connection's size argument, waiting for the list below it. */
  sizeHint: number | undefined;
  /** Fragments being expanded (guards against cycles in unvalidated documents). */
  path: ReadonlySet<string>;
}

function isObjectOrInterface(
  type: GraphQLNamedType,
): type is GraphQL.GraphQLObjectType | GraphQL.GraphQLInterfaceType {
  return isObjectType(type) || isInterfaceType(type);
}

function literal(value: ValueNode, variables: Record<string, unknown> | undefined): unknown {
  if (value.kind === Kind.VARIABLE) return variables?.[value.name.value];
  if (value.kind === Kind.INT || value.kind === Kind.FLOAT) return Number(value.value);
  return undefined;
}

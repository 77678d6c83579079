import { createHash } from 'node:crypto';
import type {
  DirectiveNode,
  DocumentNode,
  ExecutionResult,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLInputType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import type { ErrorCode } from '@shop/http';
import {
  GraphQLError,
  Kind,
  getNamedType,
  isCompositeType,
  isObjectType,
  parse,
  valueFromAST,
} from './graphql';

/**
 * How to turn a result of the canonical operation into the client's own result: one entry per
 * selection of the client's operation, in its order.
 */
export type Shape = readonly ShapeEntry[];

type ShapeEntry =
  | {
      kind: 'field';
      /** The client's response key (its alias, or the field name). */
      responseKey: string;
      /** The canonical operation's field with the same name and arguments (its `alias`). */
      field: { readonly alias: string };
      shape?: Shape;
    }
  | {
      kind: 'fragment';
      /** Object types the fragment applies to (its type condition's possible types). */
      types: ReadonlySet<string>;
      shape: Shape;
    };

/** A subscription in canonical form, with the way back to the client's shape. */
export interface CanonicalOperation {
  /** Operation text: no name, one alias scheme, sorted selections, every argument a variable. */
  text: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Values of the canonical variables (`$v0`, `$v1`… in text order). */
  variables: Record<string, unknown>;
  shape: Shape;
}

interface CanonicalField {
  /** Response key in the canonical text (see `assignAliases`). */
  alias: string;
  /** `<name>_<hash of parent type, name and argument names>`. */
  base: string;
  /** The argument values, as JSON: fields with the same `base` differ by these. */
  values: string;
  name: string;
  args: ReadonlyArray<{ name: string; type: GraphQLInputType; value: unknown }>;
  selection?: CanonicalSelection;
}

interface CanonicalSelection {
  fields: Map<string, CanonicalField>;
  fragments: Map<string, CanonicalSelection>;
}

/** Selections walked at most per operation (fragments expanded), so a fragment bomb stops. */
const MAX_SELECTIONS = 10_000;

/** JSON with sorted object keys, so equal values give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : inner,
  );
}

const newSelection = (): CanonicalSelection => ({ fields: new Map(), fragments: new Map() });

/**
 * The canonical form of a (validated) subscription operation for the given coerced variables:
 * aliases, selection order, fragments (named or inline), the operation and variable names, and
 * literal-versus-variable arguments make no difference to it, and neither do argument values
 * (they become the variables, so one text — one plan — serves every cart). Each field gets the
 * alias `<name>_<hash of its parent type, name and argument names>` (with `_<n>` when the same
 * field is selected with other argument values), every argument becomes a variable,
 * `@include`/`@skip` are applied, and every object selection also selects `__typename` (so the
 * client's fragments can be applied to results). Subscribers whose operations mean the same
 * thing share one plan, one upstream subscription and one hydration per event; `reshape` gives
 * each its own response keys back. Throws a GraphQLError (BAD_REQUEST) for directives other
 * than `@include`/`@skip`, or when the operation expands to more than 10,000 selections.
 */
export function canonicalize(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): CanonicalOperation {
  const root = schema.getSubscriptionType();
  if (!root) throw new GraphQLError('The schema has no subscriptions');
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  let budget = MAX_SELECTIONS;

  const included = (directives: readonly DirectiveNode[] | undefined): boolean => {
    let include = true;
    for (const directive of directives ?? []) {
      const name = directive.name.value;
      if (name !== 'include' && name !== 'skip') {
        throw new GraphQLError(`@${name} is not supported in subscriptions`, {
          extensions: { code: 'BAD_REQUEST' satisfies ErrorCode },
        });
      }
      const condition = directive.arguments?.find((argument) => argument.name.value === 'if');
      const value = condition
        ? valueFromAST(condition.value, booleanType(schema), variables)
        : true;
      if ((name === 'include') !== (value === true)) include = false;
    }
    return include;
  };

  const walk = (
    selectionSet: SelectionSetNode,
    scope: GraphQLCompositeType,
    into: CanonicalSelection,
    shape: ShapeEntry[],
  ): void => {
    for (const selection of selectionSet.selections) {
      if (--budget < 0) {
        throw new GraphQLError('The subscription selects too many fields', {
          extensions: { code: 'BAD_REQUEST' satisfies ErrorCode },
        });
      }
      if (!included(selection.directives)) continue;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const responseKey = selection.alias?.value ?? name;
        if (name === '__typename') {
          shape.push({ kind: 'field', responseKey, field: typenameOf(into) });
          continue;
        }
        const fieldDef = 'getFields' in scope ? scope.getFields()[name] : undefined;
        if (!fieldDef) throw new GraphQLError(`Unknown field "${scope.name}.${name}"`);
        const args: Array<{ name: string; type: GraphQLInputType; value: unknown }> = [];
        for (const argument of selection.arguments ?? []) {
          const argDef = fieldDef.args.find((arg) => arg.name === argument.name.value);
          if (!argDef) continue;
          const value = valueFromAST(argument.value, argDef.type, variables);
          if (value !== undefined) args.push({ name: argDef.name, type: argDef.type, value });
        }
        args.sort((a, b) => (a.name < b.name ? -1 : 1));
        const names = args.map((arg) => arg.name).join(',');
        const base = `${name}_${hash(`${scope.name}\n${name}\n${names}`)}`;
        const values = stableJson(args.map((arg) => arg.value));
        const key = `${base}\n${values}`;
        let field = into.fields.get(key);
        if (!field) {
          field = { alias: base, base, values, name, args };
          into.fields.set(key, field);
        }
        const entry: ShapeEntry = { kind: 'field', responseKey, field };
        const named = getNamedType(fieldDef.type);
        if (selection.selectionSet && isCompositeType(named)) {
          field.selection ??= withTypename(newSelection());
          const inner: ShapeEntry[] = [];
          walk(selection.selectionSet, named, field.selection, inner);
          entry.shape = inner;
        }
        shape.push(entry);
        continue;
      }
      const fragment =
        selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const conditionName = fragment.typeCondition?.name.value;
      const condition = conditionName ? schema.getType(conditionName) : scope;
      if (!condition || !isCompositeType(condition)) continue;
      if (condition === scope) {
        walk(fragment.selectionSet, scope, into, shape);
        continue;
      }
      let target = into.fragments.get(condition.name);
      if (!target) {
        target = newSelection();
        into.fragments.set(condition.name, target);
      }
      const inner: ShapeEntry[] = [];
      walk(fragment.selectionSet, condition, target, inner);
      const types = isObjectType(condition)
        ? [condition.name]
        : schema.getPossibleTypes(condition).map((type) => type.name);
      shape.push({ kind: 'fragment', types: new Set(types), shape: inner });
    }
  };

  const top = newSelection();
  const shape: ShapeEntry[] = [];
  walk(operation.selectionSet, root, top, shape);
  assignAliases(top);

  const definitions: string[] = [];
  const values: Record<string, unknown> = {};
  const print = (selection: CanonicalSelection): string => {
    const parts: string[] = [];
    for (const field of sortedFields(selection)) {
      let head = field.name === '__typename' ? field.name : `${field.alias}: ${field.name}`;
      if (field.args.length) {
        const args = field.args.map((arg) => {
          const variable = `v${definitions.length}`;
          definitions.push(`$${variable}: ${String(arg.type)}`);
          values[variable] = arg.value;
          return `${arg.name}: $${variable}`;
        });
        head += `(${args.join(', ')})`;
      }
      parts.push(field.selection ? `${head} { ${print(field.selection)} }` : head);
    }
    for (const [type, fragment] of [...selection.fragments].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const body = print(fragment);
      if (body) parts.push(`... on ${type} { ${body} }`);
    }
    return parts.join(' ');
  };
  const body = print(top);
  const text = `subscription${definitions.length ? `(${definitions.join(', ')})` : ''} { ${body} }`;
  const canonical = parse(text, { noLocation: true });
  const definition = canonical.definitions[0] as OperationDefinitionNode;
  return { text, document: canonical, operation: definition, variables: values, shape };
}

/** A result of the canonical operation in the client's shape (error paths included). */
export function reshape(result: ExecutionResult, shape: Shape): ExecutionResult {
  const reshaped: ExecutionResult = {};
  if (result.data !== undefined) {
    reshaped.data = result.data === null ? null : reshapeObject(result.data, shape, {});
  }
  if (result.errors?.length) {
    reshaped.errors = result.errors.map((error) =>
      error.path
        ? new GraphQLError(error.message, {
            path: remapPath(error.path, shape),
            extensions: error.extensions,
          })
        : error,
    );
  }
  return reshaped;
}

function reshapeObject(
  source: Record<string, unknown>,
  shape: Shape,
  out: Record<string, unknown>,
): Record<string, unknown> {
  for (const entry of shape) {
    if (entry.kind === 'fragment') {
      if (entry.types.has(source.__typename as string)) reshapeObject(source, entry.shape, out);
      continue;
    }
    const value = source[entry.field.alias];
    if (value === undefined) continue;
    out[entry.responseKey] = entry.shape
      ? reshapeValue(value, entry.shape, out[entry.responseKey])
      : value;
  }
  return out;
}

/** Reshapes a field's value, merged into what the same response key already holds. */
function reshapeValue(value: unknown, shape: Shape, existing: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const previous = Array.isArray(existing) ? existing : [];
    return value.map((item, index) => reshapeValue(item, shape, previous[index]));
  }
  const target =
    existing && typeof existing === 'object' ? (existing as Record<string, unknown>) : {};
  return reshapeObject(value as Record<string, unknown>, shape, target);
}

function remapPath(path: ReadonlyArray<string | number>, shape: Shape): Array<string | number> {
  const mapped: Array<string | number> = [];
  let current: Shape | undefined = shape;
  for (const segment of path) {
    const entry: FieldEntry | undefined =
      typeof segment === 'string' && current ? findField(current, segment) : undefined;
    if (typeof segment === 'string' && current) current = entry?.shape;
    mapped.push(entry ? entry.responseKey : segment);
  }
  return mapped;
}

type FieldEntry = Extract<ShapeEntry, { kind: 'field' }>;

function findField(shape: Shape, from: string): FieldEntry | undefined {
  for (const entry of shape) {
    if (entry.kind === 'field' && entry.field.alias === from) return entry;
    if (entry.kind === 'fragment') {
      const found = findField(entry.shape, from);
      if (found) return found;
    }
  }
  return undefined;
}

/** The selection's `__typename` field (added once). */
function typenameOf(selection: CanonicalSelection): CanonicalField {
  let field = selection.fields.get('__typename');
  if (!field) {
    const name = '__typename';
    field = { alias: name, base: name, values: '[]', name, args: [] };
    selection.fields.set(name, field);
  }
  return field;
}

function withTypename(selection: CanonicalSelection): CanonicalSelection {
  typenameOf(selection);
  return selection;
}

/**
 * Fields selected with the same name and argument names but other values (`a: weight(unit: G)
 * b: weight(unit: KG)`) get `<base>_0`, `<base>_1`… in the order of their values, so the text
 * does not depend on the values or on the client's order.
 */
function assignAliases(selection: CanonicalSelection): void {
  const byBase = new Map<string, CanonicalField[]>();
  for (const field of selection.fields.values()) {
    const group = byBase.get(field.base) ?? [];
    group.push(field);
    byBase.set(field.base, group);
    if (field.selection) assignAliases(field.selection);
  }
  for (const group of byBase.values()) {
    if (group.length === 1) continue;
    group.sort((a, b) => (a.values < b.values ? -1 : 1));
    group.forEach((field, index) => (field.alias = `${field.base}_${index}`));
  }
  for (const fragment of selection.fragments.values()) assignAliases(fragment);
}

function sortedFields(selection: CanonicalSelection): CanonicalField[] {
  return [...selection.fields.values()].sort((a, b) => (a.alias < b.alias ? -1 : 1));
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

function booleanType(schema: GraphQLSchema): GraphQLInputType {
  return schema.getType('Boolean') as GraphQLInputType;
}

import type {
  ArgumentNode,
  FieldNode,
  FormattedExecutionResult,
  OperationDefinitionNode,
  VariableDefinitionNode,
} from 'graphql';
import {
  baseType,
  isInterfaceType,
  isObjectType,
  type Supergraph,
} from '@apollo/federation-internals';
import { Kind, parse, print, visit } from './graphql';

/**
 * The resume convention (docs/SUBSCRIPTIONS.md §6.1): a subscription root field is resumable
 * when, in the subgraph that owns it, it takes `after: String` and its item type (an object or
 * interface type, not a list) has `cursor: String!`. Given `after`, the subgraph sends exactly the items
 * after that cursor, in order, without a snapshot (unless that history is gone).
 */
export const RESUME_ARGUMENT = 'after';
export const RESUME_CURSOR_FIELD = 'cursor';
/** The variable the upstream operation passes as `after` (updated after every event). */
export const RESUME_VARIABLE = '__resume_after';
/** The alias the upstream operation selects the cursor under (stripped before hydration). */
export const RESUME_CURSOR_ALIAS = '__resume_cursor';

/** `<subgraph>\n<root field>` of every resumable subscription field of a supergraph. */
export function resumableFields(supergraph: Supergraph): Set<string> {
  const found = new Set<string>();
  for (const subgraph of supergraph.subgraphs().values()) {
    const root = subgraph.schema.schemaDefinition.rootType('subscription');
    for (const field of root?.fields() ?? []) {
      if (field.argument(RESUME_ARGUMENT)?.type?.toString() !== 'String') continue;
      // One item per event: a list has no single cursor to resume from.
      if (!field.type || field.type.toString().includes('[')) continue;
      const item = baseType(field.type);
      if (!(isObjectType(item) || isInterfaceType(item))) continue;
      if (item.field(RESUME_CURSOR_FIELD)?.type?.toString() !== 'String!') continue;
      found.add(`${subgraph.name}\n${field.name}`);
    }
  }
  return found;
}

/** A subgraph subscription operation rewritten to resume (see {@link resumableOperation}). */
export interface ResumableOperation {
  /** The operation text sent upstream. */
  operation: string;
  /** The upstream variables: the original ones plus `__resume_after`. */
  variables: Record<string, unknown>;
  /** Response key of the root field in the upstream result. */
  responseKey: string;
}

/**
 * Rewrites the planner's primary fetch of a resumable root field: its `after` argument becomes
 * `$__resume_after` (initially the value the client asked for, or null) and its selection gets
 * `__resume_cursor: cursor`. Undefined when the root field is not resumable (`isResumable`).
 */
export function resumableOperation(
  operationText: string,
  variables: Record<string, unknown>,
  isResumable: (rootField: string) => boolean,
): ResumableOperation | undefined {
  const document = parse(operationText, { noLocation: true });
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation || document.definitions.length !== 1) return undefined;
  const roots = operation.selectionSet.selections;
  const root = roots[0];
  if (roots.length !== 1 || root?.kind !== Kind.FIELD || !root.selectionSet) return undefined;
  if (!isResumable(root.name.value)) return undefined;

  const asked = root.arguments?.find((argument) => argument.name.value === RESUME_ARGUMENT);
  let initial: unknown = null;
  if (asked?.value.kind === Kind.VARIABLE) initial = variables[asked.value.name.value] ?? null;
  else if (asked?.value.kind === Kind.STRING) initial = asked.value.value;

  const variable = { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: RESUME_VARIABLE } };
  const argument: ArgumentNode = {
    kind: Kind.ARGUMENT,
    name: { kind: Kind.NAME, value: RESUME_ARGUMENT },
    value: variable,
  } as ArgumentNode;
  const cursor: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: RESUME_CURSOR_ALIAS },
    name: { kind: Kind.NAME, value: RESUME_CURSOR_FIELD },
  } as FieldNode;
  const rewrittenRoot: FieldNode = {
    ...root,
    arguments: [
      ...(root.arguments ?? []).filter((arg) => arg.name.value !== RESUME_ARGUMENT),
      argument,
    ],
    selectionSet: { ...root.selectionSet, selections: [...root.selectionSet.selections, cursor] },
  };
  const definition = {
    kind: Kind.VARIABLE_DEFINITION,
    variable,
    type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'String' } },
  } as VariableDefinitionNode;
  const rewritten: OperationDefinitionNode = {
    ...operation,
    selectionSet: { ...operation.selectionSet, selections: [rewrittenRoot] },
  };
  // The client's own `after` variable (if any) is no longer used: drop its definition and value.
  const used = new Set<string>();
  visit(rewritten.selectionSet, {
    Variable: (node) => void used.add(node.name.value),
  });
  const definitions = (operation.variableDefinitions ?? []).filter((def) =>
    used.has(def.variable.name.value),
  );
  const upstreamVariables: Record<string, unknown> = {};
  for (const def of definitions) {
    const name = def.variable.name.value;
    if (variables[name] !== undefined) upstreamVariables[name] = variables[name];
  }
  upstreamVariables[RESUME_VARIABLE] = initial;
  return {
    operation: print({
      ...document,
      definitions: [{ ...rewritten, variableDefinitions: [...definitions, definition] }],
    }),
    variables: upstreamVariables,
    responseKey: root.alias?.value ?? root.name.value,
  };
}

/**
 * Takes the reserved cursor out of an upstream event (so hydration and clients never see it)
 * and returns it; undefined when the event has no item or the item no cursor.
 */
export function takeCursor(
  event: FormattedExecutionResult,
  responseKey: string,
): string | undefined {
  const item = (event.data as Record<string, unknown> | null | undefined)?.[responseKey];
  if (!item || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const cursor = record[RESUME_CURSOR_ALIAS];
  delete record[RESUME_CURSOR_ALIAS];
  return typeof cursor === 'string' ? cursor : undefined;
}

const DECIMAL = /^\d+$/;

/**
 * Whether `cursor` comes after `last`: numerically when both are decimal strings (versions and
 * sequence numbers of any size), otherwise any cursor other than `last` does (opaque cursors
 * have no order the gateway could know).
 */
export function isAfter(cursor: string, last: string): boolean {
  if (DECIMAL.test(cursor) && DECIMAL.test(last)) return BigInt(cursor) > BigInt(last);
  return cursor !== last;
}

/**
 * The documents a deferred operation runs as (docs/defer.md). A client's operation with active
 * `@defer` fragments becomes two plain operations that Apollo Server and the plan executor run
 * as usual (validation, @auth, cost limits, the plan executor's own plans):
 * - `initial`: the operation without its deferred fragments, answered as the first part;
 * - `full`: the operation with every `@defer` removed (its fragments kept), whose data the
 *   deferred parts are cut from (defer/parts.ts), with `__typename` added under
 *   {@link TYPENAME_ALIAS} wherever a fragment's type condition must be checked.
 * `@defer(if: false)` (a literal or a variable) is an ordinary fragment in both.
 */
import {
  Kind,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  visit,
  BREAK,
} from 'graphql';
import type { ErrorCodeSubset } from '@shop/http';

/** The alias of the `__typename` the split adds (never a response name the client chose). */
export const TYPENAME_ALIAS = 'shopgraphDeferTypename';

export interface SplitOperation {
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** The operation's literal boolean variable defaults (for `if:` arguments). */
  defaults: Record<string, unknown>;
  /** At least one `@defer` is active (else the operation runs as one plain response). */
  deferring: boolean;
  initial: DocumentNode;
  full: DocumentNode;
}

/** A client error found before anything runs (answered with its code). */
export class DeferRequestError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCodeSubset<'STREAM_NOT_SUPPORTED' | 'DEFER_BAD_LABEL'>,
  ) {
    super(message);
  }
}

/** Whether `document` uses `@defer` or `@stream` anywhere (cheap pre-check on the AST). */
export function usesIncrementalDirectives(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'defer' || node.name.value === 'stream') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function booleanArgument(
  args: readonly ArgumentNode[] | undefined,
  name: string,
  variables: Record<string, unknown>,
  defaults: Record<string, unknown>,
): boolean | undefined {
  const arg = args?.find((candidate) => candidate.name.value === name);
  if (!arg) return undefined;
  if (arg.value.kind === Kind.BOOLEAN) return arg.value.value;
  if (arg.value.kind === Kind.VARIABLE) {
    const value = variables[arg.value.name.value] ?? defaults[arg.value.name.value];
    return typeof value === 'boolean' ? value : undefined;
  }
  return undefined;
}

/** Selects the operation and reports `@stream` (refused) and active `@defer` fragments. */
export function splitOperation(
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): SplitOperation | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((candidate) => candidate.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  // Missing or ambiguous operations: Apollo Server's error (with @defer stripped it is the same).
  if (!operation) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const defaults: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const value = definition.defaultValue;
    if (value?.kind === Kind.BOOLEAN) defaults[definition.variable.name.value] = value.value;
  }
  const active = (directives: readonly DirectiveNode[] | undefined) =>
    isDeferActive(directives, variables, defaults);

  const labels = new Set<string>();
  let deferring = false;
  const check = (node: { directives?: readonly DirectiveNode[] }) => {
    for (const directive of node.directives ?? []) {
      if (directive.name.value === 'stream') {
        throw new DeferRequestError(
          '@stream is not supported by this gateway: select the whole list, or @defer a fragment inside it',
          'STREAM_NOT_SUPPORTED',
        );
      }
      if (directive.name.value !== 'defer') continue;
      const label = directive.arguments?.find((arg) => arg.name.value === 'label')?.value;
      if (label && label.kind !== Kind.STRING) {
        throw new DeferRequestError('@defer(label:) must be a string literal', 'DEFER_BAD_LABEL');
      }
      if (label) {
        if (labels.has(label.value)) {
          throw new DeferRequestError(
            `@defer label "${label.value}" is used more than once`,
            'DEFER_BAD_LABEL',
          );
        }
        labels.add(label.value);
      }
      if (active(node.directives)) deferring = true;
    }
  };
  const walked = new Set<string>();
  const walk = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      check(selection);
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (walked.has(name)) continue;
        walked.add(name);
        walk(fragments.get(name)?.selectionSet);
      } else {
        walk(selection.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);

  const strip = (node: SelectionNode) => ({
    ...node,
    directives: node.directives?.filter((directive) => directive.name.value !== 'defer'),
  });
  // The full operation: every @defer removed, typenames added for the type conditions.
  const full = rebuild(operation, fragments, (selection) => strip(selection), true);
  // The initial operation: active deferred fragments removed.
  const initial = rebuild(
    operation,
    fragments,
    (selection) =>
      selection.kind !== Kind.FIELD && active(selection.directives) ? null : strip(selection),
    false,
  );
  return { operation, fragments, variables, defaults, deferring, initial, full };
}

/** `@defer` present and not turned off by `if:` (an unknown variable defers). */
export function isDeferActive(
  directives: readonly DirectiveNode[] | undefined,
  variables: Record<string, unknown>,
  defaults: Record<string, unknown>,
): boolean {
  const defer = directives?.find((directive) => directive.name.value === 'defer');
  if (!defer) return false;
  return booleanArgument(defer.arguments, 'if', variables, defaults) !== false;
}

const typenameField = (alias: string | undefined): FieldNode => ({
  kind: Kind.FIELD,
  ...(alias ? { alias: { kind: Kind.NAME, value: alias } } : {}),
  name: { kind: Kind.NAME, value: '__typename' },
});

/**
 * The operation with each selection mapped (null: removed), as a document of that operation
 * and the fragments it still uses, without the variable definitions it no longer uses.
 * A selection set left empty gets `__typename` under {@link TYPENAME_ALIAS} (removed from the
 * answer again); `typenames` adds it where fragments' type conditions are checked.
 */
function rebuild(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  map: (selection: SelectionNode) => SelectionNode | null,
  typenames: boolean,
): DocumentNode {
  const usedFragments = new Set<string>();
  const usedVariables = new Set<string>();
  const mapSet = (selectionSet: SelectionSetNode): SelectionSetNode => {
    const selections: SelectionNode[] = [];
    let hasFragments = false;
    for (const original of selectionSet.selections) {
      const selection = map(original);
      if (!selection) continue;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        hasFragments = true;
        usedFragments.add(selection.name.value);
        selections.push(selection);
      } else if (selection.selectionSet) {
        if (selection.kind === Kind.INLINE_FRAGMENT && selection.typeCondition) {
          hasFragments = true;
        }
        selections.push({ ...selection, selectionSet: mapSet(selection.selectionSet) });
      } else {
        selections.push(selection);
      }
    }
    if (selections.length === 0 || (typenames && hasFragments)) {
      selections.push(typenameField(TYPENAME_ALIAS));
    }
    return { ...selectionSet, selections };
  };
  const mappedOperation = { ...operation, selectionSet: mapSet(operation.selectionSet) };
  const mappedFragments: FragmentDefinitionNode[] = [];
  const done = new Set<string>();
  for (let pending = [...usedFragments]; pending.length > 0; pending = [...usedFragments]) {
    pending = pending.filter((name) => !done.has(name));
    if (pending.length === 0) break;
    for (const name of pending) {
      done.add(name);
      const fragment = fragments.get(name);
      // An unknown fragment stays unknown: Apollo Server's validation names it.
      if (fragment) {
        mappedFragments.push({ ...fragment, selectionSet: mapSet(fragment.selectionSet) });
      }
    }
  }
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [mappedOperation, ...mappedFragments],
  };
  visit(document, {
    Variable(node) {
      usedVariables.add(node.name.value);
    },
    VariableDefinition() {
      return false;
    },
  });
  return {
    ...document,
    definitions: [
      {
        ...mappedOperation,
        variableDefinitions: mappedOperation.variableDefinitions?.filter((definition) =>
          usedVariables.has(definition.variable.name.value),
        ),
      },
      ...mappedFragments,
    ],
  };
}

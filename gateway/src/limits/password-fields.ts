import type {
  DirectiveNode,
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { normalizeEmail } from '@shop/auth';
import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getVariableValues,
  parse,
} from './graphql';

/**
 * Password fields: root fields marked `@passwordHashing` in a subgraph's SDL (login, register,
 * and any later field that hashes or verifies a password). Composed into the supergraph
 * (`@composeDirective`), read from there by coordinate, like `@auth` (auth-directive.ts).
 */
export interface PasswordFieldRule {
  /** `Type.field`, e.g. `Mutation.login`. */
  coordinate: string;
  /** Where the account's email sits in the arguments (`["input", "email"]`); none → per IP only. */
  emailPath: readonly string[] | undefined;
  /** The field creates an account: the account-creation budget per IP applies too. */
  createsAccount: boolean;
}

/** The password fields of a supergraph, by coordinate. */
export type PasswordFieldRules = ReadonlyMap<string, PasswordFieldRule>;

export const PASSWORD_DIRECTIVE = 'passwordHashing';

const argument = (directive: DirectiveNode, name: string) =>
  directive.arguments?.find((arg) => arg.name.value === name)?.value;

/** Reads the `@passwordHashing` fields of a supergraph SDL. */
export function readPasswordFields(supergraphSdl: string): PasswordFieldRules {
  const rules = new Map<string, PasswordFieldRule>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      const directive = field.directives?.find((d) => d.name.value === PASSWORD_DIRECTIVE);
      if (!directive) continue;
      const coordinate = `${definition.name.value}.${field.name.value}`;
      const email = argument(directive, 'email');
      const createsAccount = argument(directive, 'createsAccount');
      rules.set(coordinate, {
        coordinate,
        emailPath: email?.kind === Kind.STRING ? email.value.split('.') : undefined,
        createsAccount: createsAccount?.kind === Kind.BOOLEAN && createsAccount.value,
      });
    }
  }
  return rules;
}

/** The password fields of the supergraph currently served; `reload` follows updates. */
export class SupergraphPasswordFields {
  private rules: PasswordFieldRules;

  constructor(supergraphSdl: string) {
    this.rules = readPasswordFields(supergraphSdl);
  }

  get current(): PasswordFieldRules {
    return this.rules;
  }

  reload(supergraphSdl: string): void {
    this.rules = readPasswordFields(supergraphSdl);
  }
}

/** One password field an operation executes (fields merged under one response key count once). */
export interface ExecutedPasswordField {
  rule: PasswordFieldRule;
  /** The field's name, e.g. `login`: the rate-limit counters are per field. */
  field: string;
  /** Where its result sits in `data` (the alias, else the name). */
  responseKey: string;
  /** The account's email after variable defaults and coercion, normalized like the user subgraph. */
  email: string | undefined;
  /** Response keys of its payload's `accessToken` selections (how a success is recognised). */
  accessTokenKeys: string[];
}

export type PasswordFieldsResult =
  { ok: true; fields: ExecutedPasswordField[] } | { ok: false; message: string };

export interface PasswordFieldsInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  /** The operation Apollo selected (by `operationName`). */
  operation: OperationDefinitionNode;
  variables: Readonly<Record<string, unknown>> | null | undefined;
  rules: PasswordFieldRules;
}

/**
 * The password fields the selected operation will execute — exactly what graphql-js executes:
 * only this operation, fragments and inline fragments expanded, `@skip`/`@include` evaluated with
 * the coerced variables (defaults applied), fields merged by response key, and each field's
 * arguments coerced (variable defaults, nested input-object variables, literal values). Not ok
 * when the variables do not coerce (then nothing would execute).
 */
export function executedPasswordFields(input: PasswordFieldsInput): PasswordFieldsResult {
  try {
    return collectPasswordFields(input);
  } catch (error) {
    // What graphql-js would refuse too (e.g. a directive argument that does not coerce).
    return { ok: false, message: error instanceof GraphQLError ? error.message : 'Bad input' };
  }
}

function collectPasswordFields(input: PasswordFieldsInput): PasswordFieldsResult {
  const { schema, document, operation, rules } = input;
  const root = schema.getRootType(operation.operation);
  if (!root) return { ok: true, fields: [] };
  const names = new Set<string>();
  for (const rule of rules.values()) {
    const [type, field] = rule.coordinate.split('.');
    if (type === root.name && field) names.add(field);
  }
  if (names.size === 0) return { ok: true, fields: [] };

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  // Cheap first pass (most mutations are not sign-ins): does any password field appear at all?
  if (!mentions(operation.selectionSet, names, fragments)) return { ok: true, fields: [] };

  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    (input.variables ?? {}) as Record<string, unknown>,
    { maxErrors: 1 },
  );
  if (coerced.errors) return { ok: false, message: coerced.errors[0]!.message };
  const variables = coerced.coerced;

  const grouped = new Map<string, FieldNode[]>();
  collectFields(
    operation.selectionSet,
    { typeName: root.name, fragments, variables, visited: new Set() },
    grouped,
  );
  const fields: ExecutedPasswordField[] = [];
  for (const [responseKey, nodes] of grouped) {
    const first = nodes[0]!;
    const rule = rules.get(`${root.name}.${first.name.value}`);
    const definition = root.getFields()[first.name.value];
    if (!rule || !definition) continue;
    let value: unknown = getArgumentValues(definition, first, variables);
    for (const key of rule.emailPath ?? []) {
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : null;
    }
    // graphql-js merges the sub-selections of every node under one response key.
    const subFields = new Map<string, FieldNode[]>();
    const payload: Collecting = { typeName: undefined, fragments, variables, visited: new Set() };
    for (const node of nodes) {
      if (node.selectionSet) collectFields(node.selectionSet, payload, subFields);
    }
    fields.push({
      rule,
      field: first.name.value,
      responseKey,
      email: rule.emailPath && typeof value === 'string' ? normalizeEmail(value) : undefined,
      accessTokenKeys: [...subFields]
        .filter(([, sub]) => sub[0]!.name.value === 'accessToken')
        .map(([key]) => key),
    });
  }
  return { ok: true, fields };
}

/** True when a field named in `names` appears anywhere in the selection set (no conditions). */
function mentions(
  selectionSet: SelectionSetNode,
  names: ReadonlySet<string>,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): boolean {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (names.has(selection.name.value)) return true;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (mentions(selection.selectionSet, names, fragments, seen)) return true;
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment && mentions(fragment.selectionSet, names, fragments, seen)) return true;
    }
  }
  return false;
}

/** graphql-js' `shouldIncludeNode`: `@skip(if: true)` or `@include(if: false)` drop the node. */
function included(
  node: { directives?: readonly DirectiveNode[] | undefined },
  variables: Record<string, unknown>,
): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/** What collecting one selection set needs besides the selections. */
interface Collecting {
  /** The root type: fragments on other types are dropped; `undefined` keeps them all. */
  typeName: string | undefined;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** Fragments already spread into this selection set (each is spread once). */
  visited: Set<string>;
}

/**
 * graphql-js' `collectFields` for one selection set: fields grouped by response key, fragments
 * spread once each. Inside a payload (`typeName` undefined) every fragment is kept
 * (conservative).
 */
function collectFields(
  selectionSet: SelectionSetNode,
  context: Collecting,
  into: Map<string, FieldNode[]>,
): void {
  const { typeName, fragments, variables, visited } = context;
  const applies = (condition: { name: { value: string } } | undefined) =>
    !condition || !typeName || condition.name.value === typeName;
  for (const selection of selectionSet.selections) {
    if (!included(selection, variables)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const nodes = into.get(key);
      if (nodes) nodes.push(selection);
      else into.set(key, [selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(selection.typeCondition)) collectFields(selection.selectionSet, context, into);
    } else {
      const name = selection.name.value;
      if (visited.has(name)) continue;
      visited.add(name);
      const fragment = fragments.get(name);
      if (fragment && applies(fragment.typeCondition)) {
        collectFields(fragment.selectionSet, context, into);
      }
    }
  }
}

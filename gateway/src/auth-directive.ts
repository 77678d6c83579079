import { createRequire } from 'node:module';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type * as GraphQL from 'graphql';
import type {
  DirectiveNode,
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLSchema,
  OperationDefinitionNode,
} from 'graphql';
import type { Identity } from '@shop/auth';
import type { ErrorCode } from '@shop/http';
import {
  authOutcomeOfAll,
  describeRule,
  readAuthRules,
  rulesForObjectField,
  type AuthRule,
  type AuthRules,
} from '@shop/subgraph';
import { documentVariables, PerDocumentCache, variablesKey } from './document-cache';

/**
 * The CommonJS graphql that Apollo Server and @apollo/gateway use: their API schema must be
 * walked, and our errors thrown, with the same instance (see `subscriptions/graphql.ts`).
 */
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/**
 * Gateway side of `@auth(requires: [...])` — Apollo Router's "reject unauthorized" mode, which
 * `@apollo/gateway` does not have (it refuses `@authenticated`/`@requiresScopes`):
 *
 * The directive is composed into the supergraph (`@composeDirective`) but, like every
 * non-built-in directive, is not part of the API schema Apollo Server executes against. So the
 * rules are read from the supergraph SDL by type and field name, and each resolved operation is
 * walked against the API schema (fragments, inline fragments, aliases, `@skip`/`@include`);
 * if any selected field is guarded and the caller does not satisfy its rule, the whole
 * operation is refused before the gateway plans or fetches anything: anonymous → HTTP 401
 * `UNAUTHENTICATED`, signed in without the role → HTTP 403 `FORBIDDEN`; the message and
 * `extensions.fields` name the guarded fields (`Type.field`). Subgraphs enforce the same rules
 * again (`enforceAuthDirective` in `@shop/subgraph`).
 */

/** Reads the `@auth` rules of a supergraph SDL (throws on an unknown role). */
export function authRulesFromSupergraph(supergraphSdl: string): AuthRules {
  return readAuthRules(graphql.parse(supergraphSdl));
}

/** The rules of the supergraph currently served; `reload` follows supergraph updates. */
export class SupergraphAuthRules {
  private rules: AuthRules;

  constructor(supergraphSdl: string) {
    this.rules = authRulesFromSupergraph(supergraphSdl);
  }

  get current(): AuthRules {
    return this.rules;
  }

  /** Switches to the rules of a new supergraph; keeps the current ones (and throws) if invalid. */
  reload(supergraphSdl: string): void {
    this.rules = authRulesFromSupergraph(supergraphSdl);
  }
}

export interface AuthViolation {
  /** `Type.field`. */
  coordinate: string;
  outcome: 'unauthenticated' | 'forbidden';
  /** The rule the caller does not satisfy. */
  rule: AuthRule;
}

export interface OperationAuthInput {
  /** The API schema the operation was validated against. */
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables?: Readonly<Record<string, unknown>> | null | undefined;
  rules: AuthRules;
  identity: Identity | null;
}

type Guard = readonly [coordinate: string, rules: readonly AuthRule[]];

/**
 * The guards of `parent.field`. On an interface the field may resolve on any implementation,
 * so every implementation's rules apply too (conservative: the operation is refused if any
 * possible type's field is refused).
 */
function guardsOf(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  field: string,
  rules: AuthRules,
): Guard[] {
  const objectGuard = (type: GraphQL.GraphQLObjectType): Guard => [
    `${type.name}.${field}`,
    rulesForObjectField(
      rules,
      type.name,
      field,
      type.getInterfaces().map((iface) => iface.name),
    ),
  ];
  if (graphql.isObjectType(parent)) return [objectGuard(parent)];
  if (graphql.isInterfaceType(parent)) {
    return [
      [`${parent.name}.${field}`, rules.fields.get(`${parent.name}.${field}`) ?? []],
      ...schema.getPossibleTypes(parent).map(objectGuard),
    ];
  }
  return []; // unions select only __typename directly
}

/** True when `@skip`/`@include` certainly exclude the node (unknown values include it). */
function excluded(
  directives: readonly DirectiveNode[] | undefined,
  variables: Readonly<Record<string, unknown>>,
): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const arg = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
    let value: unknown;
    if (arg?.kind === 'BooleanValue') value = arg.value;
    else if (arg?.kind === 'Variable') value = variables[arg.name.value];
    if ((name === 'skip' && value === true) || (name === 'include' && value === false)) return true;
  }
  return false;
}

/**
 * Every guarded field the operation selects that `identity` may not read, once per coordinate
 * (fragments are expanded once; aliases and repeated selections count once).
 */
export function findAuthViolations(input: OperationAuthInput): AuthViolation[] {
  const { schema, document, operation, rules, identity } = input;
  if (rules.fields.size === 0 && rules.types.size === 0) return [];

  const variables: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue?.kind === 'BooleanValue') {
      variables[definition.variable.name.value] = definition.defaultValue.value;
    }
  }
  Object.assign(variables, input.variables ?? {});

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === 'FragmentDefinition') fragments.set(definition.name.value, definition);
  }
  const violations = new Map<string, AuthViolation>();
  const pending: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];
  const queued = new Set<string>();
  while (pending.length > 0) {
    const root = pending.pop()!;
    const typeInfo = new graphql.TypeInfo(schema);
    graphql.visit(
      root,
      graphql.visitWithTypeInfo(typeInfo, {
        Field(node) {
          if (excluded(node.directives, variables)) return false;
          const parent = typeInfo.getParentType();
          if (!parent || node.name.value.startsWith('__')) return undefined;
          for (const [coordinate, fieldRules] of guardsOf(schema, parent, node.name.value, rules)) {
            if (fieldRules.length === 0 || violations.has(coordinate)) continue;
            const result = authOutcomeOfAll(identity, fieldRules);
            if (result.outcome !== 'ok') {
              violations.set(coordinate, {
                coordinate,
                outcome: result.outcome,
                rule: result.rule,
              });
            }
          }
          return undefined;
        },
        InlineFragment(node) {
          return excluded(node.directives, variables) ? false : undefined;
        },
        FragmentSpread(node) {
          if (excluded(node.directives, variables)) return;
          const name = node.name.value;
          const fragment = fragments.get(name);
          if (fragment && !queued.has(name)) {
            queued.add(name);
            pending.push(fragment);
          }
        },
      }),
    );
  }
  return [...violations.values()];
}

/**
 * The error refusing an operation with violations: UNAUTHENTICATED (401) for an anonymous
 * caller, FORBIDDEN (403) otherwise, naming every refused field in the message and in
 * `extensions.fields`. `http: false` leaves the HTTP status out (for WebSocket/multipart).
 */
export function authRejection(
  violations: readonly AuthViolation[],
  options: { http?: boolean } = {},
): GraphQL.GraphQLError | undefined {
  if (violations.length === 0) return undefined;
  const fields = violations.map((violation) => violation.coordinate);
  const withHttp = options.http !== false;
  if (violations.some((violation) => violation.outcome === 'unauthenticated')) {
    return new graphql.GraphQLError(`Authentication required to access ${fields.join(', ')}`, {
      extensions: {
        code: 'UNAUTHENTICATED' satisfies ErrorCode,
        fields,
        ...(withHttp ? { http: { status: 401 } } : {}),
      },
    });
  }
  const reasons = violations.map((v) => `${v.coordinate} requires ${describeRule(v.rule)}`);
  return new graphql.GraphQLError(`Not allowed: ${reasons.join('; ')}`, {
    extensions: {
      code: 'FORBIDDEN' satisfies ErrorCode,
      fields,
      ...(withHttp ? { http: { status: 403 } } : {}),
    },
  });
}

/**
 * `findAuthViolations` memoized per (schema, rules, parsed document, operation, caller class,
 * values of the `@skip`/`@include` variables). The caller class is what rules can tell apart:
 * anonymous, or signed in with a given set of roles (never the user id); the rules object
 * changes on every supergraph reload, which drops the old results.
 */
export function cachedAuthViolations() {
  let cache = new PerDocumentCache<AuthViolation[]>();
  let cachedRules: AuthRules | undefined;
  return (input: OperationAuthInput): AuthViolation[] => {
    if (input.rules !== cachedRules) {
      cache = new PerDocumentCache();
      cachedRules = input.rules;
    }
    const who = input.identity ? [...new Set(input.identity.roles)].sort().join(',') : '-';
    const operation = input.operation.name?.value ?? '';
    const conditions = variablesKey(documentVariables(input.document).conditions, input.variables);
    // An anonymous operation (no name) is only ever one per document; named ones by name.
    const key = `${operation}\u0000${input.identity ? 'user' : 'anonymous'}\u0000${who}\u0000${conditions}`;
    return cache.get(input.schema, input.document, key, () => findAuthViolations(input));
  };
}

/**
 * Refuses, once Apollo Server has resolved the operation and before the gateway plans or calls
 * any subgraph, every operation selecting an `@auth` field its caller may not read.
 */
export function authDirectivePlugin<TContext extends BaseContext & { identity: Identity | null }>(
  rules: SupergraphAuthRules,
): ApolloServerPlugin<TContext> {
  const violationsOf = cachedAuthViolations();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, request, contextValue }) {
          if (!operation) return;
          const rejection = authRejection(
            violationsOf({
              schema,
              document,
              operation,
              variables: request.variables,
              rules: rules.current,
              identity: contextValue.identity ?? null,
            }),
          );
          if (rejection) throw rejection;
        },
      };
    },
  };
}

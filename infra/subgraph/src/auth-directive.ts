import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type {
  ConstDirectiveNode,
  DirectiveDefinitionNode,
  DocumentNode,
  GraphQLField,
  GraphQLFieldResolver,
  GraphQLSchema,
  ValueNode,
} from 'graphql';
import { ROLES, type Identity } from '@shop/auth';
import { forbidden, unauthenticated, type BaseSubgraphContext } from './errors';

/**
 * The same `graphql` instance as @apollo/subgraph (its CommonJS build): `isObjectType` and
 * friends refuse types built by another instance, which a plain ESM import is under vitest.
 */
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/**
 * `@auth(requires: [String!]! = ["AUTHENTICATED"]) on FIELD_DEFINITION | OBJECT` — imported by
 * every subgraph from this spec (`https://shopgraph.dev/auth/v1.0`) and kept in the supergraph
 * with `@composeDirective`.
 */
const AUTH_SPEC_PREFIX = 'https://shopgraph.dev/auth/';

/** The value of `requires` that any signed-in caller satisfies, whatever its roles. */
export const AUTHENTICATED = 'AUTHENTICATED';

/** Every value `requires` may list: `AUTHENTICATED` and the roles of `@shop/auth`. */
const AUTH_REQUIREMENTS: readonly string[] = [AUTHENTICATED, ...ROLES];

/** One `@auth` application: the caller needs ANY one of these (a role, or `AUTHENTICATED`). */
export type AuthRule = readonly string[];

/**
 * The `@auth` applications of a schema. `types` holds object-level rules (they apply to every
 * field of the type), `fields` field-level rules by coordinate (`Type.field`). A field guarded
 * by several rules (its type's and its own) needs ALL of them.
 */
export interface AuthRules {
  types: ReadonlyMap<string, readonly AuthRule[]>;
  fields: ReadonlyMap<string, readonly AuthRule[]>;
}

export type AuthOutcome = 'ok' | 'unauthenticated' | 'forbidden';

/** Whether `identity` satisfies `rule`: anonymous callers never do. */
export function authOutcome(identity: Identity | null, rule: AuthRule): AuthOutcome {
  if (!identity) return 'unauthenticated';
  if (rule.includes(AUTHENTICATED)) return 'ok';
  return identity.roles.some((role) => rule.includes(role)) ? 'ok' : 'forbidden';
}

/** The first failing outcome of `rules` for `identity`, or `ok`. */
export function authOutcomeOfAll(identity: Identity | null, rules: readonly AuthRule[]) {
  for (const rule of rules) {
    const outcome = authOutcome(identity, rule);
    if (outcome !== 'ok') return { outcome, rule } as const;
  }
  return { outcome: 'ok' } as const;
}

/** `ADMIN`, `ADMIN or SERVICE`, `a signed-in caller`. */
export const describeRule = (rule: AuthRule) =>
  rule.includes(AUTHENTICATED) ? 'a signed-in caller' : rule.join(' or ');

type Unknown = Record<string, unknown>;

function argument(directive: ConstDirectiveNode, name: string): ValueNode | undefined {
  return directive.arguments?.find((arg) => arg.name.value === name)?.value;
}

/**
 * The name `@auth` has in this document: the `@link` to the auth spec imports it (possibly
 * renamed with `as`); linked without importing it, it is `<prefix>__auth`. Without any link to
 * the spec the name is `auth` (so a schema that forgets the link is still enforced).
 */
function authDirectiveName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind !== 'SchemaDefinition' && definition.kind !== 'SchemaExtension') continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const url = argument(directive, 'url');
      if (url?.kind !== 'StringValue' || !url.value.startsWith(AUTH_SPEC_PREFIX)) continue;
      const imports = argument(directive, 'import');
      for (const entry of imports?.kind === 'ListValue' ? imports.values : []) {
        const value = graphql.valueFromASTUntyped(entry) as unknown;
        if (value === '@auth') return 'auth';
        if (value && typeof value === 'object' && (value as Unknown).name === '@auth') {
          const alias = (value as Unknown).as;
          return typeof alias === 'string' ? alias.replace(/^@/, '') : 'auth';
        }
      }
      const prefix = argument(directive, 'as');
      return `${prefix?.kind === 'StringValue' ? prefix.value : 'auth'}__auth`;
    }
  }
  return 'auth';
}

function toRule(value: unknown, where: string): AuthRule {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error(`@auth on ${where}: "requires" must list at least one role`);
  }
  for (const entry of list) {
    if (typeof entry !== 'string' || !AUTH_REQUIREMENTS.includes(entry)) {
      throw new Error(
        `@auth on ${where}: unknown role ${JSON.stringify(entry)} ` +
          `(expected one of ${AUTH_REQUIREMENTS.join(', ')})`,
      );
    }
  }
  return list as string[];
}

/**
 * Reads every `@auth` application of a subgraph or supergraph SDL. Throws when a rule names an
 * unknown role (a typo must stop the service at startup, not silently lock a field or open it).
 */
export function readAuthRules(document: DocumentNode): AuthRules {
  const name = authDirectiveName(document);
  const definition = document.definitions.find(
    (node): node is DirectiveDefinitionNode =>
      node.kind === 'DirectiveDefinition' && node.name.value === name,
  );
  const defaultNode = definition?.arguments?.find((arg) => arg.name.value === 'requires');
  const defaultValue: unknown = defaultNode?.defaultValue
    ? graphql.valueFromASTUntyped(defaultNode.defaultValue)
    : [AUTHENTICATED];

  const types = new Map<string, AuthRule[]>();
  const fields = new Map<string, AuthRule[]>();
  const add = (map: Map<string, AuthRule[]>, key: string, rule: AuthRule) =>
    map.set(key, [...(map.get(key) ?? []), rule]);
  const ruleOf = (directive: ConstDirectiveNode, where: string) => {
    const value = argument(directive, 'requires');
    return toRule(value ? graphql.valueFromASTUntyped(value) : defaultValue, where);
  };

  for (const node of document.definitions) {
    if (
      node.kind !== 'ObjectTypeDefinition' &&
      node.kind !== 'ObjectTypeExtension' &&
      node.kind !== 'InterfaceTypeDefinition' &&
      node.kind !== 'InterfaceTypeExtension'
    ) {
      continue;
    }
    const typeName = node.name.value;
    for (const directive of node.directives ?? []) {
      if (directive.name.value === name) add(types, typeName, ruleOf(directive, typeName));
    }
    for (const field of node.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      for (const directive of field.directives ?? []) {
        if (directive.name.value === name) add(fields, coordinate, ruleOf(directive, coordinate));
      }
    }
  }
  return { types, fields };
}

/** Every rule guarding `Type.field` on an object type: the type's, the field's, its interfaces'. */
export function rulesForObjectField(
  rules: AuthRules,
  typeName: string,
  fieldName: string,
  interfaceNames: readonly string[] = [],
): AuthRule[] {
  return [
    ...(rules.types.get(typeName) ?? []),
    ...(rules.fields.get(`${typeName}.${fieldName}`) ?? []),
    ...interfaceNames.flatMap((name) => rules.fields.get(`${name}.${fieldName}`) ?? []),
  ];
}

/** The thrown error for a failed rule: UNAUTHENTICATED or FORBIDDEN, naming the field. */
function authError(outcome: Exclude<AuthOutcome, 'ok'>, coordinate: string, rule: AuthRule): Error {
  return outcome === 'unauthenticated'
    ? unauthenticated(`Authentication required to access ${coordinate}`)
    : forbidden(`${coordinate} requires ${describeRule(rule)}`);
}

function check(context: unknown, coordinate: string, rules: readonly AuthRule[]): void {
  const identity = (context as Partial<BaseSubgraphContext> | undefined)?.identity ?? null;
  const result = authOutcomeOfAll(identity, rules);
  if (result.outcome !== 'ok') throw authError(result.outcome, coordinate, result.rule);
}

type Resolver = GraphQLFieldResolver<unknown, unknown>;
type ResolveReference = (reference: unknown, context: unknown, info: unknown) => unknown;

/** Federation's own fields, never guarded (the gateway needs them to plan and fetch). */
const FEDERATION_FIELDS = new Set(['_entities', '_service']);

/**
 * Enforces the `@auth` rules of `typeDefs` on a schema built by `buildSubgraphSchema`: the
 * resolver of every guarded field (or `subscribe`, for subscription fields) is wrapped so the
 * rule is checked before it runs — no identity → UNAUTHENTICATED, no listed role → FORBIDDEN —
 * and so is `__resolveReference` of an object type guarded as a whole (that entity's failing
 * representations resolve to that error, the others still resolve). Rules naming an unknown
 * role, or a type or field the schema does not have, throw. Returns the rules applied.
 */
export function enforceAuthDirective(schema: GraphQLSchema, typeDefs: DocumentNode): AuthRules {
  const rules = readAuthRules(typeDefs);
  for (const typeName of rules.types.keys()) {
    if (!graphql.isObjectType(schema.getType(typeName))) {
      throw new Error(`@auth on ${typeName}: no such object type in the schema`);
    }
  }
  for (const coordinate of rules.fields.keys()) {
    const [typeName = '', fieldName = ''] = coordinate.split('.');
    const type = schema.getType(typeName);
    const known =
      (graphql.isObjectType(type) || graphql.isInterfaceType(type)) &&
      !!type.getFields()[fieldName];
    if (!known) throw new Error(`@auth on ${coordinate}: no such field in the schema`);
  }

  const subscriptionType = schema.getSubscriptionType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!graphql.isObjectType(type) || type.name.startsWith('__')) continue;
    const interfaces = type.getInterfaces().map((iface) => iface.name);
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      if (type === schema.getQueryType() && FEDERATION_FIELDS.has(field.name)) continue;
      const fieldRules = rulesForObjectField(rules, type.name, field.name, interfaces);
      if (fieldRules.length === 0) continue;
      const coordinate = `${type.name}.${field.name}`;
      if (type === subscriptionType && field.subscribe) {
        const subscribe = field.subscribe;
        field.subscribe = (source, args, context, info) => {
          check(context, coordinate, fieldRules);
          return subscribe(source, args, context, info);
        };
      } else {
        const resolve: Resolver = field.resolve ?? graphql.defaultFieldResolver;
        field.resolve = (source, args, context, info) => {
          check(context, coordinate, fieldRules);
          return resolve(source, args, context, info);
        };
      }
    }

    const typeRules = rules.types.get(type.name);
    if (!typeRules) continue;
    const extensions = (type.extensions ?? {}) as {
      apollo?: { subgraph?: { resolveReference?: ResolveReference } & Unknown } & Unknown;
    } & Unknown;
    const original = extensions.apollo?.subgraph?.resolveReference;
    const guarded: ResolveReference = (reference, context, info) => {
      try {
        check(context, type.name, typeRules);
      } catch (error) {
        return Promise.reject(error);
      }
      return original ? original(reference, context, info) : reference;
    };
    (type as { extensions: unknown }).extensions = {
      ...extensions,
      apollo: {
        ...extensions.apollo,
        subgraph: { ...extensions.apollo?.subgraph, resolveReference: guarded },
      },
    };
  }
  return rules;
}

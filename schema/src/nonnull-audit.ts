import {
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type ConstValueNode,
  type FieldDefinitionNode,
  type TypeNode,
} from 'graphql';

/**
 * Nullability at subgraph boundaries: a static audit of a supergraph SDL, read from its
 * `@join__graph` / `@join__type` / `@join__field` directives (docs/SECURITY.md §6 B3; Apollo's
 * guidance "make fields nullable at subgraph boundaries").
 *
 * Why: when a subgraph fails (down, timeout, open breaker), the gateway leaves every field it
 * would have resolved `null` and applies GraphQL null propagation: a `null` in a non-null (`!`)
 * position nulls the nearest nullable ancestor. The goal is that this null never travels past
 * the failing subgraph's own data into data a healthy subgraph returned — `{ products {…} me {…} }`
 * with product down still returns `me`; an order whose `payments` come from the payment subgraph
 * is still returned when payment is down. A boundary is a place where the query planner starts a
 * new fetch to another subgraph; it is enough that the FIRST position at every boundary is
 * nullable, because the null stops there. Three rules say where those positions are:
 *
 * - (a) `root-field`: every `Query` / `Mutation` / `Subscription` field is nullable. Each root
 *   field is a fetch of its own (often to a different subgraph); a null in a non-null root field
 *   nulls the whole `data`, i.e. every other root field of the operation (for mutations: the
 *   results of mutations that were already performed).
 * - (b) `foreign-entity-field`: a field that a subgraph contributes to an entity type OWNED by
 *   another subgraph (`Order.payments` from payment on order's `Order`, `User.orders` from order
 *   on user's `User`) is nullable. It is fetched with `_entities` after the owner's data, so its
 *   null must stop at the field and not null the owner's object.
 * - (c) `entity-reference`: a field resolved by subgraph X whose type, unwrapped from lists, is an
 *   entity owned by another subgraph Y is nullable in the entity's position (`OrderLine.variant:
 *   Variant`, `[Variant]`; the list around it may stay non-null, it is X's own data). X only
 *   returns the key; the entity's other fields come from Y, and when Y is down its non-null
 *   fields are null, which nulls the entity — and must stop there, not at X's parent object.
 *
 * What is NOT a violation: a non-null field of an entity resolved by its OWNER (`Order.number`,
 * `Variant.product`). Wherever the entity is reached from another subgraph, rule (c) makes that
 * reference nullable, so a failing owner nulls the reference and nothing above it; wherever it is
 * reached from the owner itself (`Query.order`, `OrderEdge.node`), the field is fetched together
 * with its parent, which is lost with the same failure anyway. Likewise fields of value types
 * (`Money`, `PageInfo`) and of a subgraph's own non-entity types, key fields (they travel in the
 * reference itself), and `@inaccessible` fields and types (not in the API schema: clients cannot
 * select them through the gateway; only services call them, one root field per request, straight
 * at the subgraph).
 *
 * Ownership of an entity (a type with a `@key` in some subgraph): the subgraph that resolves the
 * most of its non-key fields. An explicit `owners` entry (the registry's `owns` lists,
 * `entityOwners()`) takes precedence; an entity whose owner is neither declared nor a single
 * majority (a tie), or whose declared owner cannot resolve it, is reported as `no-owner`, since
 * rules (b) and (c) cannot be checked without it.
 */
export type ViolationKind = 'root-field' | 'foreign-entity-field' | 'entity-reference' | 'no-owner';

export interface Violation {
  kind: ViolationKind;
  /** `Type.field: Type!` (for `no-owner`: the entity type's name). */
  field: string;
  /** Subgraphs (registry names, e.g. `order`) that resolve the field (or the entity's fields). */
  resolvedBy: string[];
  /**
   * The owner of the entity involved: of the parent type (`foreign-entity-field`) or of the
   * returned type (`entity-reference`); absent for `root-field` and `no-owner`.
   */
  owner?: string;
}

export interface AuditOptions {
  /** Declared owners: entity type name → subgraph name (as in `join__graph(name:)`). */
  owners?: Readonly<Record<string, string>>;
}

interface FieldInfo {
  name: string;
  type: TypeNode;
  /** Subgraphs that resolve the field (not `@external`, not overridden). */
  graphs: string[];
  /** Part of a `@key` of the type. */
  key: boolean;
  inaccessible: boolean;
}

interface TypeInfo {
  name: string;
  /** Subgraphs that define the type. */
  graphs: string[];
  /** Subgraphs that can resolve the entity by its key (`@key` without `resolvable: false`). */
  resolvable: string[];
  entity: boolean;
  inaccessible: boolean;
  fields: FieldInfo[];
}

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

const value = (node: ConstValueNode | undefined): unknown => {
  if (!node) return undefined;
  if (node.kind === Kind.ENUM || node.kind === Kind.STRING || node.kind === Kind.BOOLEAN)
    return node.value;
  return undefined;
};

const argument = (directive: ConstDirectiveNode, name: string): unknown =>
  value(directive.arguments?.find((arg) => arg.name.value === name)?.value);

const directives = (node: { directives?: readonly ConstDirectiveNode[] }, name: string) =>
  (node.directives ?? []).filter((d) => d.name.value === name);

const namedType = (type: TypeNode): string =>
  type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);

/** True when the named type itself (inside any lists) is wrapped in `!`. */
const innermostNonNull = (type: TypeNode): boolean => {
  if (type.kind === Kind.NAMED_TYPE) return false;
  if (type.kind === Kind.NON_NULL_TYPE && type.type.kind === Kind.NAMED_TYPE) return true;
  return innermostNonNull(type.type);
};

function collect(supergraphSdl: string): Map<string, TypeInfo> {
  const document = parse(supergraphSdl);
  // `join__Graph` enum value (USER) → subgraph name ("user").
  const graphNames = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph')
      continue;
    for (const enumValue of definition.values ?? []) {
      const [graph] = directives(enumValue, 'join__graph');
      const name = graph ? argument(graph, 'name') : undefined;
      graphNames.set(enumValue.name.value, typeof name === 'string' ? name : enumValue.name.value);
    }
  }
  const graphOf = (directive: ConstDirectiveNode) => {
    const graph = String(argument(directive, 'graph'));
    return graphNames.get(graph) ?? graph;
  };

  const types = new Map<string, TypeInfo>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const joinTypes = directives(definition, 'join__type');
    const graphs = [...new Set(joinTypes.map(graphOf))];
    const keyFields = new Set<string>();
    const resolvable = new Set<string>();
    let entity = false;
    for (const joinType of joinTypes) {
      const key = argument(joinType, 'key');
      if (typeof key !== 'string') continue;
      entity = true;
      if (argument(joinType, 'resolvable') !== false) resolvable.add(graphOf(joinType));
      // Nested key selections (`product { id } sku`) are listed by their top-level fields.
      const fields = key.replace(/\{[^{}]*\}/g, ' ').split(/\s+/);
      for (const name of fields) if (name) keyFields.add(name);
    }
    const fields = (definition.fields ?? []).map((field: FieldDefinitionNode): FieldInfo => {
      const joinFields = directives(field, 'join__field');
      const resolving = joinFields.length
        ? joinFields
            .filter(
              (d) =>
                argument(d, 'graph') !== undefined &&
                argument(d, 'external') !== true &&
                argument(d, 'usedOverridden') !== true,
            )
            .map(graphOf)
        : graphs;
      return {
        name: field.name.value,
        type: field.type,
        graphs: [...new Set(resolving)].sort(),
        key: keyFields.has(field.name.value),
        inaccessible: directives(field, 'inaccessible').length > 0,
      };
    });
    types.set(definition.name.value, {
      name: definition.name.value,
      graphs,
      resolvable: [...resolvable].sort(),
      entity,
      inaccessible: directives(definition, 'inaccessible').length > 0,
      fields,
    });
  }
  return types;
}

type Ownership = { owner: string } | { owner: undefined; candidates: string[] };

function ownerOf(type: TypeInfo, declared: string | undefined): Ownership {
  const counts = new Map<string, number>();
  for (const field of type.fields) {
    if (field.key) continue;
    for (const graph of field.graphs) counts.set(graph, (counts.get(graph) ?? 0) + 1);
  }
  if (declared !== undefined) {
    // A declared owner must be able to resolve the entity and serve its own fields.
    if (type.resolvable.includes(declared) && (counts.get(declared) ?? 0) > 0)
      return { owner: declared };
    return { owner: undefined, candidates: [declared] };
  }
  if (counts.size === 0) {
    // Only key fields: the one subgraph that can resolve it, if there is exactly one.
    return type.resolvable.length === 1
      ? { owner: type.resolvable[0]! }
      : { owner: undefined, candidates: type.resolvable };
  }
  const most = Math.max(...counts.values());
  const top = [...counts].filter(([, count]) => count === most).map(([graph]) => graph);
  return top.length === 1 ? { owner: top[0]! } : { owner: undefined, candidates: top.sort() };
}

const label = (type: TypeInfo, field: FieldInfo) =>
  `${type.name}.${field.name}: ${print(field.type)}`;

/**
 * The owner of every entity type of a supergraph (declared owners first, then the majority of
 * non-key fields); entities without a determinable owner are left out (the audit reports them).
 */
export function entityOwnership(
  supergraphSdl: string,
  options: AuditOptions = {},
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const type of collect(supergraphSdl).values()) {
    if (!type.entity) continue;
    const ownership = ownerOf(type, options.owners?.[type.name]);
    if (ownership.owner !== undefined) result[type.name] = ownership.owner;
  }
  return result;
}

/** Lists every violation of rules (a)–(c) and every entity without an owner, sorted by field. */
export function auditNonNullFields(supergraphSdl: string, options: AuditOptions = {}): Violation[] {
  const types = collect(supergraphSdl);
  const violations: Violation[] = [];
  const owners = new Map<string, string>();

  for (const [name, declared] of Object.entries(options.owners ?? {})) {
    const type = types.get(name);
    if (!type?.entity) violations.push({ kind: 'no-owner', field: name, resolvedBy: [declared] }); // stale entry
  }
  for (const type of types.values()) {
    if (!type.entity) continue;
    const ownership = ownerOf(type, options.owners?.[type.name]);
    if (ownership.owner !== undefined) owners.set(type.name, ownership.owner);
    else violations.push({ kind: 'no-owner', field: type.name, resolvedBy: ownership.candidates });
  }

  for (const type of types.values()) {
    if (type.inaccessible) continue;
    for (const field of type.fields) {
      if (field.inaccessible) continue;
      // (a) root fields.
      if (ROOTS.has(type.name)) {
        if (field.type.kind === Kind.NON_NULL_TYPE)
          violations.push({
            kind: 'root-field',
            field: label(type, field),
            resolvedBy: field.graphs,
          });
        continue;
      }
      // (b) fields another subgraph contributes to an entity.
      const parentOwner = owners.get(type.name);
      if (
        parentOwner !== undefined &&
        !field.key &&
        field.type.kind === Kind.NON_NULL_TYPE &&
        !field.graphs.includes(parentOwner)
      ) {
        violations.push({
          kind: 'foreign-entity-field',
          field: label(type, field),
          resolvedBy: field.graphs,
          owner: parentOwner,
        });
      }
      // (c) references to an entity owned by another subgraph.
      const targetOwner = owners.get(namedType(field.type));
      if (
        targetOwner !== undefined &&
        innermostNonNull(field.type) &&
        field.graphs.some((graph) => graph !== targetOwner)
      ) {
        violations.push({
          kind: 'entity-reference',
          field: label(type, field),
          resolvedBy: field.graphs,
          owner: targetOwner,
        });
      }
    }
  }
  return violations.sort((a, b) => a.field.localeCompare(b.field) || a.kind.localeCompare(b.kind));
}

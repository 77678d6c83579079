/**
 * Result shaping of the plan executor (plan-executor.ts): turns the data merged from the
 * subgraph fetches into the client's response — only the fields the operation selected, in its
 * aliases, `__typename` resolved, fragments applied by runtime type, `@skip`/`@include`
 * honoured, leaf values checked against their types and nulls in non-null positions bubbled up
 * to the nearest nullable parent with an error.
 *
 * The semantics are those of @apollo/gateway's post-processing (its `computeResponse`), so a
 * client sees the same response with either executor (apps/embedded/e2e/plan-executor.e2e.ts compares
 * them). The difference is cost: the operation is compiled once per document into plain arrays
 * of steps over graphql-js types, where @apollo/gateway rebuilds a federation-internals
 * operation per request and walks it through getters (bench/gateway/profile.md).
 */
import {
  Kind,
  type GraphQLError,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLEnumType,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { GraphQLError as CjsGraphQLError } from './graphql-cjs';

// The schema comes from @apollo/gateway, which loads graphql as CommonJS while this module gets
// its ES build: graphql's `instanceof`-based predicates (`isObjectType`…) reject the other
// build's objects. Types are therefore told apart by their `Symbol.toStringTag`, once, at
// compile time; at run time the shaper only follows plain descriptors.
const tagOf = (type: unknown) => Object.prototype.toString.call(type).slice(8, -1);
const isComposite = (type: unknown): type is GraphQLCompositeType => {
  const tag = tagOf(type);
  return (
    tag === 'GraphQLObjectType' || tag === 'GraphQLInterfaceType' || tag === 'GraphQLUnionType'
  );
};
const isObject = (type: unknown) => tagOf(type) === 'GraphQLObjectType';
const isAbstract = (type: unknown) => {
  const tag = tagOf(type);
  return tag === 'GraphQLInterfaceType' || tag === 'GraphQLUnionType';
};

/**
 * Whether `type` is `condition` or one of its subtypes (graphql's `isSubType`, without its
 * realm checks): a member of the union, an implementation of the interface.
 */
export function isSubtypeOf(
  schema: GraphQLSchema,
  condition: GraphQLNamedType,
  type: GraphQLNamedType,
): boolean {
  if (condition.name === type.name) return true;
  if (!isAbstract(condition)) return false;
  if (isObject(type)) {
    return schema
      .getPossibleTypes(condition as GraphQLInterfaceType)
      .some((possible) => possible.name === type.name);
  }
  return (
    tagOf(type) === 'GraphQLInterfaceType' &&
    (type as GraphQLInterfaceType).getInterfaces().some((i) => i.name === condition.name)
  );
}

/** An output type as the shaper walks it. `label`: the type as printed in error messages. */
type TypeRef =
  | { kind: 'nonNull'; of: TypeRef; label: string }
  | { kind: 'list'; of: TypeRef; label: string }
  | { kind: 'composite'; type: GraphQLCompositeType; label: string }
  | { kind: 'leaf'; valid: (value: unknown) => boolean; label: string };

function typeRef(type: GraphQLOutputType): TypeRef {
  const tag = tagOf(type);
  if (tag === 'GraphQLNonNull' || tag === 'GraphQLList') {
    const of = (type as { ofType: GraphQLOutputType }).ofType;
    return {
      kind: tag === 'GraphQLNonNull' ? 'nonNull' : 'list',
      of: typeRef(of),
      label: String(type),
    };
  }
  if (isComposite(type)) return { kind: 'composite', type, label: String(type) };
  return { kind: 'leaf', valid: leafCheck(type), label: String(type) };
}

/** The check of a leaf value as a subgraph may send it (custom scalars: anything). */
function leafCheck(type: GraphQLOutputType): (value: unknown) => boolean {
  if (tagOf(type) === 'GraphQLEnumType') {
    const values = new Set((type as GraphQLEnumType).getValues().map((v) => v.name));
    return (value) => typeof value === 'string' && values.has(value);
  }
  const isInteger = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) && /^-?\d+$/.test(String(value));
  switch ((type as GraphQLNamedType).name) {
    case 'Boolean':
      return (value) => typeof value === 'boolean';
    case 'Int':
      return isInteger;
    case 'ID':
      return (value) => typeof value === 'string' || isInteger(value);
    case 'Float':
      return (value) => typeof value === 'number' && Number.isFinite(value);
    case 'String':
      return (value) => typeof value === 'string';
    default:
      return () => true;
  }
}

/** `@skip(if:)` / `@include(if:)`: a literal, or the name of a variable. */
type Flag = boolean | { variable: string };

interface Conditions {
  skip?: Flag;
  include?: Flag;
}

interface FieldStep extends Conditions {
  kind: 'field';
  responseName: string;
  /** `__typename` (under any alias): answered from the runtime type. */
  typename: boolean;
  /** The field's type in the selection's static parent type. */
  type: TypeRef;
  /** Steps of the field's selection set (composite fields only). */
  steps: Step[] | undefined;
}

interface FragmentStep extends Conditions {
  kind: 'fragment';
  /** Absent: applies to every type (`... @include(if: $x) { … }`). */
  typeCondition: GraphQLCompositeType | undefined;
  steps: Step[];
}

type Step = FieldStep | FragmentStep;

/** Why an operation cannot be shaped here (the executor then hands it to @apollo/gateway). */
export class Unsupported extends Error {}

/** A compiled operation: shape(merged data, variables) → data and value-completion errors. */
export interface Shaper {
  /** Whether `@skip`/`@include` read variables (then defaults are merged in per request). */
  readonly usesVariables: boolean;
  shape(
    input: Record<string, unknown>,
    variables: Record<string, unknown>,
  ): { data: Record<string, unknown> | null; errors: GraphQLError[] };
}

/**
 * Compiles `operation` (of a validated document) against the API schema. Throws `Unsupported`
 * for what only @apollo/gateway answers: introspection (`__schema`, `__type`) and response
 * names that would be unsafe as plain object keys.
 */
export function compileShaper(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): Shaper {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) throw new Unsupported(`no ${operation.operation} root type`);
  let usesVariables = false;
  // One step list per (selection set, static parent type): fragments spread in many places
  // share theirs.
  const memo = new Map<SelectionSetNode, Map<string, Step[]>>();

  const flag = (value: ValueNode | undefined): Flag | undefined => {
    if (!value) return undefined;
    if (value.kind === Kind.BOOLEAN) return value.value;
    if (value.kind === Kind.VARIABLE) {
      usesVariables = true;
      return { variable: value.name.value };
    }
    throw new Unsupported(`@skip/@include with a ${value.kind} argument`);
  };
  const conditionsOf = (node: {
    directives?: ReadonlyArray<{
      name: { value: string };
      arguments?: ReadonlyArray<{ name: { value: string }; value: ValueNode }>;
    }>;
  }): Conditions => {
    const out: Conditions = {};
    for (const directive of node.directives ?? []) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const value = flag(directive.arguments?.find((a) => a.name.value === 'if')?.value);
      if (value !== undefined) out[name] = value;
    }
    return out;
  };

  const compile = (set: SelectionSetNode, parent: GraphQLCompositeType): Step[] => {
    let byType = memo.get(set);
    if (!byType) memo.set(set, (byType = new Map()));
    const known = byType.get(parent.name);
    if (known) return known;
    const steps: Step[] = [];
    byType.set(parent.name, steps);
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const responseName = selection.alias?.value ?? name;
        if (responseName === '__proto__' || responseName === 'constructor') {
          throw new Unsupported(`response name ${responseName}`);
        }
        if (name === '__schema' || name === '__type') throw new Unsupported('introspection');
        if (name === '__typename') {
          steps.push({
            kind: 'field',
            responseName,
            typename: true,
            type: { kind: 'composite', type: parent, label: parent.name },
            steps: undefined,
            ...conditionsOf(selection),
          });
          continue;
        }
        if ('getFields' in parent) {
          const definition = (
            parent as { getFields(): Record<string, { type: GraphQLOutputType }> }
          ).getFields()[name];
          if (!definition) throw new Unsupported(`unknown field ${parent.name}.${name}`);
          const named = unwrap(definition.type);
          let steps_: Step[] | undefined;
          if (selection.selectionSet) {
            if (!isComposite(named)) throw new Unsupported(`selection on leaf ${name}`);
            steps_ = compile(selection.selectionSet, named);
          }
          steps.push({
            kind: 'field',
            responseName,
            typename: false,
            type: typeRef(definition.type),
            steps: steps_,
            ...conditionsOf(selection),
          });
        } else {
          // Unions have no fields but __typename.
          throw new Unsupported(`field ${name} on union ${parent.name}`);
        }
        continue;
      }
      const definition =
        selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : undefined;
      if (selection.kind === Kind.FRAGMENT_SPREAD && !definition) {
        throw new Unsupported(`unknown fragment ${selection.name.value}`);
      }
      const typeConditionName =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.typeCondition?.name.value
          : definition!.typeCondition.name.value;
      const typeCondition =
        typeConditionName === undefined ? undefined : schema.getType(typeConditionName);
      if (typeCondition !== undefined && !isComposite(typeCondition)) {
        throw new Unsupported(`type condition ${typeConditionName}`);
      }
      const selectionSet =
        selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : definition!.selectionSet;
      steps.push({
        kind: 'fragment',
        typeCondition,
        steps: compile(selectionSet, typeCondition ?? parent),
        // A spread's own directives; the fragment definition's are not @skip/@include.
        ...conditionsOf(selection),
      });
    }
    return steps;
  };

  const rootSteps = compile(operation.selectionSet, rootType);
  const defaults = booleanDefaults(operation);

  return {
    usesVariables,
    shape(input, variables) {
      const run: Run = {
        schema,
        variables: usesVariables ? { ...defaults, ...variables } : variables,
        errors: [],
        path: [],
        invalid: false,
        errored: false,
      };
      const data: Record<string, unknown> = {};
      const ok = applySteps(run, input, rootSteps, data, rootType);
      return { data: ok ? data : null, errors: run.errors };
    },
  };
}

/** The boolean default values of `operation`'s variables (what `@skip`/`@include` may read). */
export function booleanDefaults(operation: OperationDefinitionNode): Record<string, boolean> {
  const defaults: Record<string, boolean> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const value = definition.defaultValue;
    if (value?.kind === Kind.BOOLEAN) defaults[definition.variable.name.value] = value.value;
  }
  return defaults;
}

function unwrap(type: GraphQLOutputType) {
  let current: GraphQLOutputType = type;
  while ('ofType' in current) current = current.ofType as GraphQLOutputType;
  return current;
}

/** Per-request state. `invalid`/`errored` are `complete`'s second and third results. */
interface Run {
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  path: Array<string | number>;
  /** The value completed is null where null is not allowed: the parent must become null. */
  invalid: boolean;
  /** An error was already recorded for this null (no second error up the chain). */
  errored: boolean;
}

/** A value the shaper cannot make sense of (wrong shape from a subgraph): fails the response. */
export class ShapeError extends Error {}

function flagValue(flag: Flag, run: Run): boolean {
  if (typeof flag === 'boolean') return flag;
  const value = run.variables[flag.variable];
  if (typeof value !== 'boolean') {
    throw new ShapeError(`Unexpected value ${String(value)} for variable $${flag.variable}`);
  }
  return value;
}

function skipped(step: Conditions, run: Run): boolean {
  if (step.skip !== undefined && flagValue(step.skip, run)) return true;
  return step.include !== undefined && !flagValue(step.include, run);
}

function typeConditionApplies(
  run: Run,
  condition: GraphQLCompositeType | undefined,
  typename: unknown,
  parent: GraphQLCompositeType,
): boolean {
  if (!condition) return true;
  let type: GraphQLCompositeType = parent;
  if (typename !== undefined && typename !== null) {
    if (typeof typename !== 'string') throw new ShapeError(`Unexpected __typename ${typename}`);
    const named = run.schema.getType(typename);
    if (!named || !isComposite(named)) return false;
    type = named;
  }
  return condition === type || isSubtypeOf(run.schema, condition, type);
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Applies `steps` to `input` into `output`; false: a non-null field was null (bubble up). */
// eslint-disable-next-line max-params -- per field of the response: no argument object
function applySteps(
  run: Run,
  input: Record<string, unknown>,
  steps: Step[],
  output: Record<string, unknown>,
  parent: GraphQLCompositeType,
): boolean {
  for (let i = 0; i < steps.length; i += 1) {
    const step = steps[i]!;
    if ((step.skip !== undefined || step.include !== undefined) && skipped(step, run)) continue;
    if (step.kind === 'fragment') {
      if (typeConditionApplies(run, step.typeCondition, input.__typename, parent)) {
        if (!applySteps(run, input, step.steps, output, step.typeCondition ?? parent)) return false;
      }
      continue;
    }
    const name = step.responseName;
    const existing = output[name];
    if (step.typename) {
      if (existing === undefined) {
        let value = hasOwn.call(input, name) ? input[name] : undefined;
        if ((value === undefined || value === null) && name !== '__typename') {
          value = input.__typename;
        }
        const named = typeof value === 'string' ? (run.schema.getType(value) ?? parent) : parent;
        if (!isObject(named)) return false;
        output[name] = named.name;
      }
      continue;
    }
    const value = hasOwn.call(input, name) ? input[name] : undefined;
    run.path.push(name);
    output[name] = complete(run, existing, step.type, value ?? null, step.steps, parent);
    run.path.pop();
    if (run.invalid) return false;
  }
  return true;
}

function describeLast(path: Array<string | number>, type: TypeRef, parent: string) {
  const last = path[path.length - 1];
  return typeof last === 'string'
    ? `field ${parent}.${last}`
    : `array element of type ${type.label} at index ${last}`;
}

function invalidGraphQL(run: Run, message: string) {
  run.errors.push(
    new CjsGraphQLError(message, { path: [...run.path], extensions: { code: 'INVALID_GRAPHQL' } }),
  );
}

/**
 * The completed value of one position (`existing`: what earlier selections of the same
 * response name already put there). Sets `run.invalid` (null where null is not allowed) and
 * `run.errored` (an error was recorded for it).
 */
// eslint-disable-next-line max-params -- per value of the response: no argument object
function complete(
  run: Run,
  existing: unknown,
  type: TypeRef,
  value: unknown,
  steps: Step[] | undefined,
  parent: GraphQLCompositeType,
): unknown {
  if (existing === null || (existing !== undefined && steps === undefined)) {
    run.invalid = false;
    run.errored = false;
    return existing;
  }
  if (type.kind === 'nonNull') {
    const inner = complete(run, existing, type.of, value, steps, parent);
    if (inner === null) {
      if (!run.errored) {
        invalidGraphQL(
          run,
          `Cannot return null for non-nullable ${describeLast(run.path, type.of, parent.name)}.`,
        );
      }
      run.invalid = true;
      run.errored = true;
      return null;
    }
    run.invalid = false;
    run.errored = false;
    return inner;
  }
  if (value === null || value === undefined) {
    run.invalid = false;
    run.errored = false;
    return null;
  }
  if (type.kind === 'list') {
    if (!Array.isArray(value)) {
      throw new ShapeError(
        `Invalid non-list value returned by subgraph for list type ${type.label}`,
      );
    }
    const previous = existing as unknown[] | undefined;
    if (previous !== undefined && (!Array.isArray(previous) || previous.length !== value.length)) {
      throw new ShapeError(`Mismatched list lengths for list type ${type.label}`);
    }
    const out = previous ?? new Array<unknown>(value.length);
    let nullify = false;
    let errored = false;
    for (let i = 0; i < value.length; i += 1) {
      run.path.push(i);
      out[i] = complete(run, previous?.[i], type.of, value[i], steps, parent);
      run.path.pop();
      if (run.invalid) nullify = true;
      if (run.errored) errored = true;
    }
    run.invalid = false;
    run.errored = errored;
    return nullify ? null : out;
  }
  if (type.kind === 'composite') {
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ShapeError(`Invalid non-object value returned by subgraph for type ${type.label}`);
    }
    const object = value as Record<string, unknown>;
    const typename = object.__typename;
    let runtime = type.type;
    if (typename !== undefined) {
      if (typeof typename !== 'string') throw new ShapeError(`Invalid __typename ${typename}`);
      const named = run.schema.getType(typename);
      if (!named || !isComposite(named)) {
        invalidGraphQL(
          run,
          `Invalid __typename found for object at ${describeLast(run.path, type, parent.name)}.`,
        );
        run.invalid = false;
        run.errored = true;
        return null;
      }
      runtime = named;
    }
    const out = (existing as Record<string, unknown> | undefined) ?? {};
    const ok = applySteps(run, object, steps ?? [], out, runtime);
    run.invalid = false;
    run.errored = !ok;
    return ok ? out : null;
  }
  const valid = type.valid(value);
  if (!valid) {
    invalidGraphQL(run, `Invalid value found for ${describeLast(run.path, type, parent.name)}.`);
  }
  run.invalid = false;
  run.errored = !valid;
  return valid ? value : null;
}

import type {
  ArgumentNode,
  ConstArgumentNode,
  ConstValueNode,
  DirectiveNode,
  DocumentNode,
  GraphQLArgument,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';
import type { ErrorCodeSubset } from '@shop/http';
import {
  getNamedType,
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  typeFromAST,
} from './graphql';

/**
 * Input bounds, checked by the gateway before anything is planned or fetched:
 *
 * - every String/ID (and custom-scalar string) given to an argument or input field, as a literal,
 *   a variable, a variable's default, inside input objects and lists, in fragments and in every
 *   operation of the document, has at most `@maxLength(max:)` characters (UTF-16 code units) —
 *   the directive of `https://shopgraph.dev/input/v1.0`, composed into the supergraph — else
 *   `maxStringLength` (String and custom scalars) or `maxIdLength` (ID);
 * - no string (literal, variable value or variable name/key) holds U+0000 or an unpaired
 *   surrogate, which Postgres cannot store and which are never meaningful text;
 * - the request's variables — all of them, used by the operation or not — are at most
 *   `maxVariablesBytes` of JSON and nest at most `maxVariablesDepth` objects/lists deep.
 *
 * Refusals are HTTP 400: `BAD_USER_INPUT` naming the argument path (`products.filter.nameContains`,
 * `$q`, `$input.lines[0].variantId`), `VARIABLES_TOO_LARGE`, `VARIABLES_TOO_DEEP`.
 */
export interface InputLimits {
  /** Characters of a String (or custom scalar) without `@maxLength`. Default 1,000. */
  maxStringLength: number;
  /** Characters of an ID without `@maxLength`. Default 255. */
  maxIdLength: number;
  /**
   * Size of the variables as JSON text. Default 1 MiB: the HTTP body limit, so this bound is
   * what holds on the other ways in (graphql-ws messages, in-process `executeOperation`); the
   * strings themselves are bounded by `@maxLength` and the defaults.
   */
  maxVariablesBytes: number;
  /** Objects/lists nested in one variable's value. Default 32. */
  maxVariablesDepth: number;
}

export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = Object.freeze({
  maxStringLength: 1_000,
  maxIdLength: 255,
  maxVariablesBytes: 1024 * 1024,
  maxVariablesDepth: 32,
});

export type InputErrorCode = ErrorCodeSubset<
  'BAD_USER_INPUT' | 'VARIABLES_TOO_LARGE' | 'VARIABLES_TOO_DEEP'
>;

export interface InputRefusal {
  code: InputErrorCode;
  message: string;
  /** Where the bad value is: `field.argument.inputField`, `$variable.key[index]`. */
  argumentPath?: string;
}

/** The spec whose `@maxLength` the subgraphs import (`@link` + `@composeDirective`). */
const INPUT_SPEC = /^https:\/\/shopgraph\.dev\/input\/v\d+\.\d+$/;

/** A surrogate half without its other half. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `text` holds U+0000 or an unpaired surrogate. */
export const isInvalidText = (text: string) =>
  text.includes('\u0000') || UNPAIRED_SURROGATE.test(text);

/**
 * `@maxLength(max:)` of the served supergraph by coordinate: `Type.field(argument)` for field
 * arguments, `Input.field` for input fields. `reload` follows supergraph updates.
 */
export class SupergraphInputBounds {
  private bounds: ReadonlyMap<string, number> = new Map();

  constructor(supergraphSdl: string) {
    this.reload(supergraphSdl);
  }

  /** Re-reads the bounds from a new supergraph (all or nothing: a bad one throws, keeping these). */
  reload(supergraphSdl: string): void {
    this.bounds = readMaxLengths(parse(supergraphSdl));
  }

  /** The current bounds (a new object after each reload). */
  get current(): ReadonlyMap<string, number> {
    return this.bounds;
  }
}

/** Coordinate → `max` for every argument and input field carrying the input spec's `@maxLength`. */
export function readMaxLengths(document: DocumentNode): Map<string, number> {
  const directive = maxLengthDirectiveName(document);
  const bounds = new Map<string, number>();
  const read = (coordinate: string, directives: readonly DirectiveNode[] | undefined) => {
    for (const applied of directives ?? []) {
      if (applied.name.value !== directive) continue;
      const max = constArgument(applied.arguments, 'max');
      const value = max?.kind === Kind.INT ? Number(max.value) : NaN;
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new Error(`@${directive} on ${coordinate} needs a non-negative Int max`);
      }
      bounds.set(coordinate, value);
    }
  };
  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION:
        for (const field of definition.fields ?? []) {
          for (const arg of field.arguments ?? []) {
            read(`${definition.name.value}.${field.name.value}(${arg.name.value})`, arg.directives);
          }
        }
        break;
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_EXTENSION:
        for (const field of definition.fields ?? []) {
          read(`${definition.name.value}.${field.name.value}`, field.directives);
        }
        break;
      default:
        break;
    }
  }
  return bounds;
}

/** The name `@maxLength` has in this supergraph (`@link` import, alias or `input__maxLength`). */
function maxLengthDirectiveName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) {
      continue;
    }
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = constArgument(link.arguments, 'url');
      if (url?.kind !== Kind.STRING || !INPUT_SPEC.test(url.value)) continue;
      const imports = constArgument(link.arguments, 'import');
      for (const item of imports?.kind === Kind.LIST ? imports.values : []) {
        if (item.kind === Kind.STRING && item.value === '@maxLength') return 'maxLength';
        if (item.kind === Kind.OBJECT) {
          const name = item.fields.find((f) => f.name.value === 'name')?.value;
          const alias = item.fields.find((f) => f.name.value === 'as')?.value;
          if (name?.kind === Kind.STRING && name.value === '@maxLength') {
            return alias?.kind === Kind.STRING ? alias.value.replace(/^@/, '') : 'maxLength';
          }
        }
      }
      const as = constArgument(link.arguments, 'as');
      return `${as?.kind === Kind.STRING ? as.value : 'input'}__maxLength`;
    }
  }
  return 'input__maxLength';
}

function constArgument(
  args: readonly (ConstArgumentNode | ArgumentNode)[] | undefined,
  name: string,
): ValueNode | undefined {
  return args?.find((arg) => arg.name.value === name)?.value;
}

/** A place a value is given to: its input type, its own `@maxLength` and its path for errors. */
interface Position {
  type: GraphQLInputType | undefined;
  maxLength: number | undefined;
  path: string;
}

/** What a variable of the operation must satisfy: its type and the positions' length bound. */
interface VariablePlan {
  name: string;
  type: GraphQLInputType;
  /** Bound of the strings given directly (or in lists) to the positions it is used in. */
  maxLength: number | undefined;
}

/**
 * The document-dependent part of the check, compiled once per (schema, document, operation):
 * a refusal found in the document's literals and variable defaults, or the plan for the
 * variables' values.
 */
export type CompiledInputCheck =
  { ok: false; refusal: InputRefusal } | { ok: true; variables: readonly VariablePlan[] };

class Refused extends Error {
  constructor(readonly refusal: InputRefusal) {
    super(refusal.message);
  }
}

/** Where a variable is used: the bound of that position (explicit `@maxLength`, if any). */
interface VariableUse {
  name: string;
  maxLength: number | undefined;
  /** The named type of the position (ID or String or …), for the default bound. */
  namedType: GraphQLNamedType | undefined;
}

/**
 * Compiles the check of `document` for the operation `operationName` (or the only one):
 * the literals of EVERY operation and fragment are checked now (bounds and text); the
 * operation's variables get the bound of every position they are used in (its own selections
 * and the fragments it reaches), and their default values are checked against it.
 */
export function compileInputCheck(input: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | null | undefined;
  bounds: ReadonlyMap<string, number>;
  limits?: Partial<InputLimits>;
}): CompiledInputCheck {
  const limits = { ...DEFAULT_INPUT_LIMITS, ...input.limits };
  const walker = new LiteralWalker(input.schema, input.bounds, limits);
  const uses = new Map<string, { variables: VariableUse[]; spreads: Set<string> }>();
  let operation: OperationDefinitionNode | undefined;
  try {
    for (const definition of input.document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) {
        const root = input.schema.getRootType(definition.operation) ?? undefined;
        uses.set(`operation ${definition.name?.value ?? ''}`, walker.definition(definition, root));
        const wanted = input.operationName ?? undefined;
        if (wanted === undefined ? !operation : definition.name?.value === wanted) {
          operation = definition;
        }
      } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        const type = input.schema.getType(definition.typeCondition.name.value) ?? undefined;
        uses.set(`fragment ${definition.name.value}`, walker.definition(definition, type));
      }
    }
    if (!operation) return { ok: true, variables: [] };
    // Variable uses of the operation and of every fragment it reaches.
    const reached = new Set<string>();
    const pending = [`operation ${operation.name?.value ?? ''}`];
    const positions: VariableUse[] = [];
    while (pending.length) {
      const key = pending.pop() as string;
      if (reached.has(key)) continue;
      reached.add(key);
      const found = uses.get(key);
      if (!found) continue;
      positions.push(...found.variables);
      for (const spread of found.spreads) pending.push(`fragment ${spread}`);
    }
    const variables: VariablePlan[] = [];
    for (const definition of operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      const type = typeFromAST(input.schema, definition.type) as GraphQLInputType | undefined;
      if (!type) continue;
      let maxLength: number | undefined;
      for (const use of positions) {
        if (use.name !== name) continue;
        const bound = use.maxLength ?? walker.defaultBound(use.namedType);
        maxLength = maxLength === undefined ? bound : Math.min(maxLength, bound);
      }
      const plan = { name, type, maxLength };
      if (definition.defaultValue) walker.defaultValue(plan, definition.defaultValue);
      variables.push(plan);
    }
    return { ok: true, variables };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, refusal: error.refusal };
    throw error;
  }
}

/** List type → its item type (undefined for anything else). */
function listItemType(type: GraphQLInputType | undefined): GraphQLInputType | undefined {
  return type && isListType(type) ? (type.ofType as GraphQLInputType) : undefined;
}

function unwrapNonNull(type: GraphQLInputType | undefined): GraphQLInputType | undefined {
  return type && isNonNullType(type) ? (type.ofType as GraphQLInputType) : type;
}

const tooLong = (path: string, max: number): InputRefusal => ({
  code: 'BAD_USER_INPUT',
  message: `"${path}" is longer than ${max} characters`,
  argumentPath: path,
});

const invalidText = (path: string): InputRefusal => ({
  code: 'BAD_USER_INPUT',
  message: `"${path}" contains a NUL character or an unpaired surrogate, which is not valid text`,
  argumentPath: path,
});

/** Walks the literals of operations and fragments against the schema's argument types. */
class LiteralWalker {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly bounds: ReadonlyMap<string, number>,
    private readonly limits: InputLimits,
  ) {}

  /** The bound of a string at a position of `namedType` without `@maxLength`. */
  defaultBound(namedType: GraphQLNamedType | undefined): number {
    return namedType?.name === 'ID' ? this.limits.maxIdLength : this.limits.maxStringLength;
  }

  /** Checks one definition's literals; returns its variable uses and the fragments it spreads. */
  definition(
    definition: { selectionSet: SelectionSetNode; directives?: readonly DirectiveNode[] },
    type: GraphQLNamedType | undefined,
  ) {
    const found = { variables: [] as VariableUse[], spreads: new Set<string>() };
    this.directives(definition.directives, found.variables);
    this.selections(definition.selectionSet, type, found);
    return found;
  }

  /** A variable's default value, checked as its value would be. */
  defaultValue(plan: VariablePlan, value: ConstValueNode) {
    this.value(value, { type: plan.type, maxLength: plan.maxLength, path: `$${plan.name}` }, []);
  }

  private selections(
    selectionSet: SelectionSetNode,
    type: GraphQLNamedType | undefined,
    found: { variables: VariableUse[]; spreads: Set<string> },
  ) {
    for (const selection of selectionSet.selections) {
      this.directives(selection.directives, found.variables);
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        found.spreads.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = selection.typeCondition
          ? (this.schema.getType(selection.typeCondition.name.value) ?? undefined)
          : type;
        this.selections(selection.selectionSet, inner, found);
      } else {
        const fields =
          type && 'getFields' in type && !isInputObjectType(type) ? type.getFields() : undefined;
        const field = fields?.[selection.name.value] as
          { args: readonly GraphQLArgument[]; type: GraphQLInputType } | undefined;
        const key = selection.alias?.value ?? selection.name.value;
        for (const argument of selection.arguments ?? []) {
          const definition = field?.args.find((arg) => arg.name === argument.name.value);
          const coordinate = `${type?.name}.${selection.name.value}(${argument.name.value})`;
          const position = {
            type: definition?.type,
            maxLength: this.bounds.get(coordinate),
            path: `${key}.${argument.name.value}`,
          };
          this.value(argument.value, position, found.variables);
        }
        if (selection.selectionSet) {
          const named = field ? getNamedType(field.type) : undefined;
          this.selections(selection.selectionSet, named ?? undefined, found);
        }
      }
    }
  }

  private directives(directives: readonly DirectiveNode[] | undefined, uses: VariableUse[]) {
    for (const directive of directives ?? []) {
      const definition = this.schema.getDirective(directive.name.value);
      for (const argument of directive.arguments ?? ([] as readonly ArgumentNode[])) {
        const arg = definition?.args.find((candidate) => candidate.name === argument.name.value);
        const path = `@${directive.name.value}.${argument.name.value}`;
        this.value(argument.value, { type: arg?.type, maxLength: undefined, path }, uses);
      }
    }
  }

  /**
   * One literal at a position (its type is undefined when unknown: strings get the String
   * bound). The position's `maxLength` applies to strings here and in lists, not inside input
   * objects (their fields have their own).
   */
  private value(node: ValueNode, position: Position, uses: VariableUse[]): void {
    const { maxLength, path } = position;
    const type = unwrapNonNull(position.type);
    if (node.kind === Kind.VARIABLE) {
      const namedType = type ? (getNamedType(type) ?? undefined) : undefined;
      uses.push({ name: node.name.value, maxLength, namedType });
      return;
    }
    const item = listItemType(type);
    if (node.kind === Kind.LIST) {
      node.values.forEach((value, index) =>
        this.value(value, { type: item, maxLength, path: `${path}[${index}]` }, uses),
      );
      return;
    }
    if (item) {
      // A single value given where a list is expected is coerced to a one-item list.
      this.value(node, { type: item, maxLength, path }, uses);
      return;
    }
    if (node.kind === Kind.OBJECT) {
      const inputType = type && isInputObjectType(type) ? type : undefined;
      for (const field of node.fields) {
        const name = field.name.value;
        this.value(
          field.value,
          {
            type: inputType?.getFields()[name]?.type,
            maxLength: inputType ? this.bounds.get(`${inputType.name}.${name}`) : undefined,
            path: `${path}.${name}`,
          },
          uses,
        );
      }
      return;
    }
    if (node.kind === Kind.STRING) {
      if (isInvalidText(node.value)) throw new Refused(invalidText(path));
      const max = maxLength ?? this.defaultBound(type ? getNamedType(type) : undefined);
      if (node.value.length > max) throw new Refused(tooLong(path, max));
    }
  }
}

/**
 * Checks the values of the operation's variables against the compiled plan: every string
 * under a String/ID position within its bound (a variable's own position bound, input fields'
 * `@maxLength` or the defaults). Run after `checkVariablesShape`, which bounds the walk.
 */
export function checkVariableValues(
  plans: readonly VariablePlan[],
  variables: Readonly<Record<string, unknown>> | null | undefined,
  bounds: ReadonlyMap<string, number>,
  limits: Partial<InputLimits> = {},
): InputRefusal | undefined {
  if (!variables) return undefined;
  const resolved = { ...DEFAULT_INPUT_LIMITS, ...limits };
  const defaultBound = (named: GraphQLNamedType | undefined) =>
    named?.name === 'ID' ? resolved.maxIdLength : resolved.maxStringLength;
  const walk = (value: unknown, position: Position, depth: number): InputRefusal | undefined => {
    // Deeper values are refused by `checkVariablesShape` (this bound only keeps the recursion
    // short should an input type ever be recursive).
    if (value === null || value === undefined || depth > resolved.maxVariablesDepth) {
      return undefined;
    }
    const { maxLength, path } = position;
    const type = unwrapNonNull(position.type);
    const item = listItemType(type);
    if (item) {
      if (!Array.isArray(value)) return walk(value, { type: item, maxLength, path }, depth);
      for (let index = 0; index < value.length; index += 1) {
        const at = { type: item, maxLength, path: `${path}[${index}]` };
        const refusal = walk(value[index], at, depth + 1);
        if (refusal) return refusal;
      }
      return undefined;
    }
    if (type && isInputObjectType(type)) {
      if (typeof value !== 'object' || Array.isArray(value)) return undefined;
      const fields = type.getFields();
      for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
        const definition = fields[name];
        if (!definition) continue;
        const at = {
          type: definition.type,
          maxLength: bounds.get(`${type.name}.${name}`),
          path: `${path}.${name}`,
        };
        const refusal = walk(field, at, depth + 1);
        if (refusal) return refusal;
      }
      return undefined;
    }
    if (typeof value !== 'string') return undefined;
    const max = maxLength ?? defaultBound(type ? (getNamedType(type) ?? undefined) : undefined);
    return value.length > max ? tooLong(path, max) : undefined;
  };
  for (const plan of plans) {
    const position = { type: plan.type, maxLength: plan.maxLength, path: `$${plan.name}` };
    const refusal = walk(variables[plan.name], position, 0);
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * Bounds the request's variables whatever the operation uses: nesting depth and valid text in
 * every string and key (refused at the first problem), then JSON size (reported last, so a
 * caller can first name an over-long argument). Iterative, so a variable nested 5,000 deep
 * costs one short walk and never reaches code that recurses; the walk itself is bounded by the
 * body limit.
 */
export function checkVariablesShape(
  variables: unknown,
  limits: Partial<InputLimits> = {},
): InputRefusal | undefined {
  if (variables === null || variables === undefined) return undefined;
  const { maxVariablesBytes, maxVariablesDepth } = { ...DEFAULT_INPUT_LIMITS, ...limits };
  interface Entry {
    value: unknown;
    depth: number;
    key: string;
    parent: Entry | undefined;
  }
  const pathOf = (entry: Entry): string => {
    const parts: string[] = [];
    for (let at: Entry | undefined = entry; at?.parent; at = at.parent) parts.push(at.key);
    return parts.reverse().join('').replace(/^\./, '$');
  };
  const root: Entry = { value: variables, depth: -1, key: '', parent: undefined };
  const stack: Entry[] = [root];
  let bytes = 0;
  while (stack.length) {
    const entry = stack.pop() as Entry;
    const { value } = entry;
    if (typeof value === 'string') {
      bytes += value.length + 2;
      if (isInvalidText(value)) return invalidText(pathOf(entry));
      continue;
    }
    if (value === null || typeof value !== 'object') {
      bytes += typeof value === 'number' ? String(value).length : 5;
      continue;
    }
    if (entry.depth + 1 > maxVariablesDepth) {
      return {
        code: 'VARIABLES_TOO_DEEP',
        message: `Variables nest more than ${maxVariablesDepth} levels deep`,
        argumentPath: pathOf(entry),
      };
    }
    bytes += 2;
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) {
        bytes += 1;
        stack.push({
          value: value[index],
          depth: entry.depth + 1,
          key: `[${index}]`,
          parent: entry,
        });
      }
    } else {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        bytes += key.length + 4;
        const childEntry = { value: child, depth: entry.depth + 1, key: `.${key}`, parent: entry };
        if (isInvalidText(key)) return invalidText(pathOf(childEntry));
        stack.push(childEntry);
      }
    }
  }
  if (bytes > maxVariablesBytes) {
    return {
      code: 'VARIABLES_TOO_LARGE',
      message: `Variables are larger than ${maxVariablesBytes} bytes of JSON`,
    };
  }
  return undefined;
}

/**
 * The whole check of one request, in order: variables' depth and text, the document's literals
 * and defaults, the variables' lengths, then the variables' size (so an over-long argument is
 * named rather than reported as oversized variables). `cached` memoizes the compiled part
 * (the gateway keeps it on the document); undefined when the request passes.
 */
export function checkInput(input: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | null | undefined;
  variables: Readonly<Record<string, unknown>> | null | undefined;
  bounds: ReadonlyMap<string, number>;
  limits?: Partial<InputLimits>;
  cached?: (compile: () => CompiledInputCheck) => CompiledInputCheck;
}): InputRefusal | undefined {
  const limits = input.limits ?? {};
  const shape = checkVariablesShape(input.variables, limits);
  if (shape && shape.code !== 'VARIABLES_TOO_LARGE') return shape;
  const compile = () => compileInputCheck(input);
  const compiled = input.cached ? input.cached(compile) : compile();
  if (!compiled.ok) return compiled.refusal;
  return checkVariableValues(compiled.variables, input.variables, input.bounds, limits) ?? shape;
}

/** A 400 GraphQLError for a refusal (the shared graphql instance, so Apollo keeps its status). */
export function inputError(refusal: InputRefusal) {
  return new GraphQLError(refusal.message, {
    extensions: {
      code: refusal.code,
      ...(refusal.argumentPath ? { argumentPath: refusal.argumentPath } : {}),
      http: { status: 400 },
    },
  });
}

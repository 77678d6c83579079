/**
 * Cuts a deferred operation's answer into the parts of incremental delivery (docs/defer.md):
 * walks the client's operation (its `@defer` fragments included) over the data of the `full`
 * operation (defer/split.ts) and returns the non-deferred data and, for every active `@defer`
 * fragment and every object it applies to, `{ data, path, label? }`: the fragment's own fields
 * at that object (deferred fragments nested in it are parts of their own, listed after it).
 */
import {
  Kind,
  type DirectiveNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { isSubtypeOf } from '../execution/shape';
import { isDeferActive, TYPENAME_ALIAS } from './split';

type Data = Record<string, unknown>;
type Path = Array<string | number>;

export interface IncrementalPart {
  data: Data;
  path: Path;
  label?: string;
  errors?: unknown[];
}

export interface CutOptions {
  schema: GraphQLSchema | undefined;
  selectionSet: SelectionSetNode;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** The operation's boolean variable defaults (for `@skip`/`@include`/`@defer(if:)`). */
  defaults: Record<string, unknown>;
}

const isData = (value: unknown): value is Data =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function cutIncremental(
  options: CutOptions,
  data: Data,
): { initial: Data; parts: IncrementalPart[] } {
  const { schema, fragments, variables, defaults } = options;
  const parts: IncrementalPart[] = [];

  const flag = (directives: readonly DirectiveNode[] | undefined, name: string) => {
    const directive = directives?.find((candidate) => candidate.name.value === name);
    if (!directive) return undefined;
    const arg = directive.arguments?.find((candidate) => candidate.name.value === 'if');
    if (arg?.value.kind === Kind.BOOLEAN) return arg.value.value;
    if (arg?.value.kind === Kind.VARIABLE) {
      const value = variables[arg.value.name.value] ?? defaults[arg.value.name.value];
      return value === true;
    }
    return undefined;
  };
  const included = (directives: readonly DirectiveNode[] | undefined) =>
    flag(directives, 'skip') !== true && flag(directives, 'include') !== false;

  const applies = (object: Data, typeCondition: string | undefined) => {
    if (!typeCondition || !schema) return true;
    const typename = object[TYPENAME_ALIAS] ?? object.__typename;
    if (typeof typename !== 'string') return true;
    const condition = schema.getType(typeCondition);
    const type = schema.getType(typename);
    return !condition || !type || isSubtypeOf(schema, condition, type);
  };

  const labelOf = (directives: readonly DirectiveNode[] | undefined) => {
    const defer = directives?.find((directive) => directive.name.value === 'defer');
    const label = defer?.arguments?.find((arg) => arg.name.value === 'label')?.value;
    return label?.kind === Kind.STRING ? label.value : undefined;
  };

  /** Copies the selected fields of `source` into `target`; deferred fragments become parts. */
  const collect = (selectionSet: SelectionSetNode, source: Data, path: Path, target: Data) => {
    // Deferred fragments are filled after this level, so a part's nested parts follow it.
    const nested: Array<() => void> = [];
    for (const selection of selectionSet.selections) {
      if (!included(selection.directives)) continue;
      if (selection.kind === Kind.FIELD) {
        const name = selection.alias?.value ?? selection.name.value;
        if (!Object.prototype.hasOwnProperty.call(source, name)) continue;
        const value = source[name];
        if (!selection.selectionSet || value === null || typeof value !== 'object') {
          target[name] = value;
          continue;
        }
        target[name] = copy(selection.selectionSet, value, [...path, name], target[name]);
        continue;
      }
      const fragment =
        selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment || !applies(source, fragment.typeCondition?.name.value)) continue;
      if (isDeferActive(selection.directives, variables, defaults)) {
        const label = labelOf(selection.directives);
        // Listed in document order; filled (and its own nested parts listed) after this level.
        const part: IncrementalPart = { data: {}, path, ...(label ? { label } : {}) };
        parts.push(part);
        nested.push(() => collect(fragment.selectionSet, source, path, part.data));
      } else {
        collect(fragment.selectionSet, source, path, target);
      }
    }
    for (const cut of nested) cut();
  };

  const copy = (
    selectionSet: SelectionSetNode,
    value: unknown,
    path: Path,
    existing: unknown,
  ): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      const previous = Array.isArray(existing) ? existing : [];
      return value.map((item, index) =>
        copy(selectionSet, item, [...path, index], previous[index]),
      );
    }
    const target = isData(existing) ? existing : {};
    collect(selectionSet, value as Data, path, target);
    return target;
  };

  const initial: Data = {};
  collect(options.selectionSet, data, [], initial);
  return { initial, parts };
}

/** `data` without the `__typename`s the split added (defer/split.ts), in place. */
export function withoutAddedTypenames(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (const item of value) withoutAddedTypenames(item);
  } else if (isData(value)) {
    delete value[TYPENAME_ALIAS];
    for (const key of Object.keys(value)) withoutAddedTypenames(value[key]);
  }
  return value;
}

/**
 * Gives each error of the full answer to the part it belongs to: the part at the longest path
 * that leads to the error's field; errors already sent with the initial part are dropped; the
 * others (no path, or outside every part) go with the last part.
 */
export function assignErrors(
  parts: IncrementalPart[],
  errors: ReadonlyArray<{ message?: string; path?: ReadonlyArray<string | number> }>,
  sentInitially: ReadonlyArray<{ message?: string; path?: ReadonlyArray<string | number> }>,
): unknown[] {
  const keyOf = (error: { message?: string; path?: ReadonlyArray<string | number> }) =>
    JSON.stringify([error.message, error.path ?? null]);
  const sent = new Set(sentInitially.map(keyOf));
  const unassigned: unknown[] = [];
  for (const error of errors) {
    if (sent.has(keyOf(error))) continue;
    const path = error.path ?? [];
    let best: IncrementalPart | undefined;
    for (const part of parts) {
      if (part.path.length >= path.length) continue;
      if (!part.path.every((key, index) => path[index] === key)) continue;
      if (!Object.prototype.hasOwnProperty.call(part.data, path[part.path.length]!)) continue;
      if (!best || part.path.length >= best.path.length) best = part;
    }
    if (best) (best.errors ??= []).push(error);
    else unassigned.push(error);
  }
  return unassigned;
}

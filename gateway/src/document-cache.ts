import type { ArgumentNode, DocumentNode, ValueNode } from 'graphql';

/**
 * Per-document memoization for the static checks every request runs (limits analysis, `@auth`
 * check, usage cost). Apollo Server keeps one parsed `DocumentNode` per query text (and schema),
 * so results are stored in a `WeakMap` on that node (and on the schema it was checked against),
 * under a key holding ONLY what else the result depends on: the operation name, plus the values
 * of the variables the check reads (size arguments for cost, `@skip`/`@include` conditions for
 * `@auth`) and, for `@auth`, the caller's roles. Each document keeps a bounded number of keys.
 */
export class PerDocumentCache<T> {
  private readonly byScope = new WeakMap<object, WeakMap<DocumentNode, Map<string, T>>>();

  constructor(private readonly maxKeysPerDocument = 64) {}

  /** The cached result for (scope, document, key), computed and stored on a miss. */
  get(scope: object, document: DocumentNode, key: string, compute: () => T): T {
    let documents = this.byScope.get(scope);
    if (!documents) this.byScope.set(scope, (documents = new WeakMap()));
    let results = documents.get(document);
    if (!results) documents.set(document, (results = new Map()));
    if (results.has(key)) return results.get(key) as T;
    const value = compute();
    if (results.size >= this.maxKeysPerDocument) {
      results.delete(results.keys().next().value as string);
    }
    results.set(key, value);
    return value;
  }
}

const SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);

interface DocumentVariables {
  /** Variables given directly to a `first`/`last`/`limit` argument anywhere in the document. */
  size: readonly string[];
  /** Variables given to the `if` of a `@skip`/`@include` anywhere in the document. */
  conditions: readonly string[];
}

const variablesOfDocument = new WeakMap<DocumentNode, DocumentVariables>();

/** The variables a document's static checks can depend on (computed once per document). */
export function documentVariables(document: DocumentNode): DocumentVariables {
  const known = variablesOfDocument.get(document);
  if (known) return known;
  const size = new Set<string>();
  const conditions = new Set<string>();
  const variableOf = (argument: ArgumentNode): string | undefined => {
    const value: ValueNode = argument.value;
    return value.kind === 'Variable' ? value.name.value : undefined;
  };
  const stack: unknown[] = [document];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    const record = node as { kind?: string } & Record<string, unknown>;
    if (record.kind === 'Field') {
      for (const argument of (record.arguments as ArgumentNode[] | undefined) ?? []) {
        const name = SIZE_ARGUMENTS.has(argument.name.value) ? variableOf(argument) : undefined;
        if (name) size.add(name);
      }
    } else if (record.kind === 'Directive') {
      const directive = (record.name as { value: string }).value;
      if (directive === 'skip' || directive === 'include') {
        for (const argument of (record.arguments as ArgumentNode[] | undefined) ?? []) {
          const name = argument.name.value === 'if' ? variableOf(argument) : undefined;
          if (name) conditions.add(name);
        }
      }
    }
    for (const key in record) {
      if (key === 'loc') continue;
      const value = record[key];
      if (value && typeof value === 'object') stack.push(value);
    }
  }
  const result = { size: [...size].sort(), conditions: [...conditions].sort() };
  variablesOfDocument.set(document, result);
  return result;
}

/**
 * A key part for the values of `names` in `variables` (missing and `null` are the same to the
 * checks: both fall back to the default).
 */
export function variablesKey(
  names: readonly string[],
  variables: Readonly<Record<string, unknown>> | null | undefined,
): string {
  if (names.length === 0) return '';
  return JSON.stringify(names.map((name) => variables?.[name] ?? null));
}

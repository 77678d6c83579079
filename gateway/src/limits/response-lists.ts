/**
 * Where, in an operation's response, the lists whose size the cost estimate had to guess are
 * (built by analyze.ts while it walks the operation), and the walk of a response's `data` that
 * reports their real lengths to the observed-size recorder (observed-sizes.ts).
 */
export interface ResponseListNode {
  /** `Type.field` keys to record when the value under this response key is a list. */
  readonly fields: Set<string>;
  /** Object-valued selections below, by response key. */
  readonly children: Map<string, ResponseListNode>;
}

export const newResponseListNode = (): ResponseListNode => ({
  fields: new Set(),
  children: new Map(),
});

/** Removes the branches that hold no list to observe; true when `node` holds none. */
export function pruneResponseLists(node: ResponseListNode): boolean {
  for (const [key, child] of node.children) {
    if (pruneResponseLists(child)) node.children.delete(key);
  }
  return node.fields.size === 0 && node.children.size === 0;
}

/** Objects visited at most per response (a response past it reports what was seen). */
const MAX_VISITS = 100_000;

/** One child of a compiled node: response key, fields to record, compiled children. */
type CompiledChild = [key: string, fields: readonly string[], children: CompiledChild[]];

const compiled = new WeakMap<ResponseListNode, CompiledChild[]>();

/** The children of `node` as arrays (compiled once per analyzed operation: the walk is hot). */
function compile(node: ResponseListNode): CompiledChild[] {
  let children = compiled.get(node);
  if (!children) {
    children = [...node.children].map(([key, child]) => [key, [...child.fields], compile(child)]);
    compiled.set(node, children);
  }
  return children;
}

/**
 * Calls `record(Type.field, length)` once per field found in `data`, with the longest list of
 * that field in this response.
 */
export function observeResponseLists(
  root: ResponseListNode,
  data: unknown,
  record: (key: string, length: number) => void,
): void {
  const longest = new Map<string, number>();
  let visits = 0;
  const visit = (children: CompiledChild[], value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(children, item);
      return;
    }
    if (!value || typeof value !== 'object' || ++visits > MAX_VISITS) return;
    for (const [key, fields, below] of children) {
      const inner = (value as Record<string, unknown>)[key];
      if (inner === null || inner === undefined) continue;
      if (fields.length && Array.isArray(inner)) {
        for (const field of fields) {
          const known = longest.get(field);
          if (known === undefined || inner.length > known) longest.set(field, inner.length);
        }
      }
      if (below.length) visit(below, inner);
    }
  };
  visit(compile(root), data);
  for (const [field, length] of longest) record(field, length);
}

import {
  Kind,
  parse,
  type ConstArgumentNode,
  type ConstValueNode,
  type DocumentNode,
} from 'graphql';

/** The demand-control spec whose `@listSize` composition carries into the supergraph. */
const COST_SPEC = /^https:\/\/specs\.apollo\.dev\/cost\/v\d+\.\d+$/;

/**
 * Assumed list sizes of the served supergraph: `@listSize(assumedSize: N)` on a field
 * definition (Apollo's demand-control directive; a subgraph imports it from
 * `https://specs.apollo.dev/federation/v2.9` and composition keeps it), so the cost estimate of
 * a list without a `first`/`last`/`limit` argument uses what the owning team knows — an order has
 * a handful of lines — instead of the gateway-wide default.
 */
export class SupergraphListSizes {
  private rules = new Map<string, ListSizeRule>();
  private slicing = false;

  constructor(supergraphSdl: string) {
    this.reload(supergraphSdl);
  }

  /** Re-reads the sizes from a new supergraph (all or nothing: a bad one throws, keeping these). */
  reload(supergraphSdl: string): void {
    const rules = readListSizeRules(parse(supergraphSdl));
    this.rules = rules;
    this.slicing = [...rules.values()].some((rule) => rule.slicingArguments !== undefined);
  }

  /** The assumed size of `typeName.fieldName`, if its definition declares one. */
  assumedSize(typeName: string, fieldName: string): number | undefined {
    return this.rules.get(`${typeName}.${fieldName}`)?.assumedSize;
  }

  /** Everything `@listSize` declares on `typeName.fieldName`, if anything. */
  rule(typeName: string, fieldName: string): ListSizeRule | undefined {
    return this.rules.get(`${typeName}.${fieldName}`);
  }

  /** Whether a field declares `slicingArguments` (then any variable may size a list). */
  get customSlicing(): boolean {
    return this.slicing;
  }

  /** How many fields declare a size (diagnostics and tests). */
  get size(): number {
    return this.rules.size;
  }
}

/** What one `@listSize` says about its field. */
export interface ListSizeRule {
  /** `assumedSize:` — the size when no slicing argument gives one. */
  assumedSize?: number;
  /**
   * `slicingArguments:` — the arguments whose value is the size (instead of the gateway's
   * `first`/`last`/`limit`); the largest given one counts.
   */
  slicingArguments?: readonly string[];
  /**
   * `sizedFields:` — on a connection-like field (not itself a list), the child lists the size
   * applies to (`edges`, `nodes`); the other children are not multiplied by it.
   */
  sizedFields?: readonly string[];
}

/** `Type.field` → `assumedSize` for every field definition carrying the cost spec's `@listSize`. */
export function readListSizes(document: DocumentNode): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const [key, rule] of readListSizeRules(document)) {
    if (rule.assumedSize !== undefined) sizes.set(key, rule.assumedSize);
  }
  return sizes;
}

/** `Type.field` → its `@listSize` arguments, for every field definition carrying one. */
export function readListSizeRules(document: DocumentNode): Map<string, ListSizeRule> {
  const directive = listSizeDirectiveName(document);
  const rules = new Map<string, ListSizeRule>();
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      for (const applied of field.directives ?? []) {
        if (applied.name.value !== directive) continue;
        const rule: ListSizeRule = {};
        const assumed = argument(applied.arguments, 'assumedSize');
        const value = assumed?.kind === Kind.INT ? Number(assumed.value) : NaN;
        if (Number.isSafeInteger(value) && value >= 0) rule.assumedSize = value;
        const slicing = names(argument(applied.arguments, 'slicingArguments'));
        if (slicing.length) rule.slicingArguments = slicing;
        const sized = names(argument(applied.arguments, 'sizedFields'));
        if (sized.length) rule.sizedFields = sized;
        if (Object.keys(rule).length) {
          rules.set(`${definition.name.value}.${field.name.value}`, rule);
        }
      }
    }
  }
  return rules;
}

/** The strings of a `[String!]` argument (a single string is coerced to a list of one). */
function names(value: ConstValueNode | undefined): string[] {
  if (value?.kind === Kind.STRING) return [value.value];
  if (value?.kind !== Kind.LIST) return [];
  return value.values.flatMap((item) => (item.kind === Kind.STRING ? [item.value] : []));
}

/**
 * The name `@listSize` has in this supergraph: what the cost spec's `@link` imports it as
 * (`"@listSize"` or `{ name: "@listSize", as: "@size" }`), else the spec's namespaced
 * `cost__listSize`.
 */
function listSizeDirectiveName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) {
      continue;
    }
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = argument(link.arguments, 'url');
      if (url?.kind !== Kind.STRING || !COST_SPEC.test(url.value)) continue;
      const as = argument(link.arguments, 'as');
      const namespace = as?.kind === Kind.STRING ? as.value : 'cost';
      const imports = argument(link.arguments, 'import');
      for (const item of imports?.kind === Kind.LIST ? imports.values : []) {
        if (item.kind === Kind.STRING && item.value === '@listSize') return 'listSize';
        if (item.kind === Kind.OBJECT) {
          const name = item.fields.find((f) => f.name.value === 'name')?.value;
          const alias = item.fields.find((f) => f.name.value === 'as')?.value;
          if (name?.kind === Kind.STRING && name.value === '@listSize') {
            return alias?.kind === Kind.STRING ? alias.value.replace(/^@/, '') : 'listSize';
          }
        }
      }
      return `${namespace}__listSize`;
    }
  }
  return 'cost__listSize';
}

function argument(
  args: readonly ConstArgumentNode[] | undefined,
  name: string,
): ConstValueNode | undefined {
  return args?.find((arg) => arg.name.value === name)?.value;
}

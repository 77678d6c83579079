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
  private sizes = new Map<string, number>();

  constructor(supergraphSdl: string) {
    this.reload(supergraphSdl);
  }

  /** Re-reads the sizes from a new supergraph (all or nothing: a bad one throws, keeping these). */
  reload(supergraphSdl: string): void {
    this.sizes = readListSizes(parse(supergraphSdl));
  }

  /** The assumed size of `typeName.fieldName`, if its definition declares one. */
  assumedSize(typeName: string, fieldName: string): number | undefined {
    return this.sizes.get(`${typeName}.${fieldName}`);
  }

  /** How many fields declare a size (diagnostics and tests). */
  get size(): number {
    return this.sizes.size;
  }
}

/** `Type.field` → `assumedSize` for every field definition carrying the cost spec's `@listSize`. */
export function readListSizes(document: DocumentNode): Map<string, number> {
  const directive = listSizeDirectiveName(document);
  const sizes = new Map<string, number>();
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
        const assumed = argument(applied.arguments, 'assumedSize');
        if (assumed?.kind !== Kind.INT) continue;
        const value = Number(assumed.value);
        if (Number.isSafeInteger(value) && value >= 0) {
          sizes.set(`${definition.name.value}.${field.name.value}`, value);
        }
      }
    }
  }
  return sizes;
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

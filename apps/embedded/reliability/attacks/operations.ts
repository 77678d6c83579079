/**
 * Random VALID operations from the API schema of the committed supergraph (docs/SECURITY.md §6 A11),
 * drawn with fast-check: a random Query root field, arguments filled with valid values (real ids
 * and slugs from the seeded catalog where an id is expected), 1–3 fields per selection set and
 * depth ≤ 5. Each operation records whether every field it selects is resolved by the product
 * subgraph alone (so the gateway's answer can be compared with the subgraph's).
 */
import fc from 'fast-check';
import type {
  GraphQLArgument,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
} from 'graphql';
import { readSubgraphSdl, SUBGRAPHS } from '@shop/schema';
import { graphql } from './graphql';

const {
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
} = graphql;

export interface GeneratedOperation {
  query: string;
  /** Every selected field is served by the product subgraph alone. */
  productOnly: boolean;
}

/** Ids and slugs that exist, so arguments reach real rows (plus a few that do not). */
export interface ValuePools {
  ids: string[];
  slugs: string[];
}

/** Fields per type the product subgraph defines itself (no @external in its SDL). */
export function productSubgraphFields(): Map<string, Set<string>> {
  const entry = SUBGRAPHS.find((s) => s.name === 'product');
  if (!entry) throw new Error('product subgraph not registered');
  const fields = new Map<string, Set<string>>();
  for (const definition of readSubgraphSdl(entry).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION
    ) {
      continue;
    }
    const names = fields.get(definition.name.value) ?? new Set<string>();
    for (const field of definition.fields ?? []) {
      if (!field.directives?.some((d) => d.name.value === 'external')) names.add(field.name.value);
    }
    fields.set(definition.name.value, names);
  }
  return fields;
}

type Gen = fc.GeneratorValue;

const MAX_DEPTH = 5;

class Builder {
  productOnly = true;

  private readonly g: Gen;
  private readonly schema: GraphQLSchema;
  private readonly pools: ValuePools;
  private readonly product: Map<string, Set<string>>;
  /** Restrict choices to product-subgraph fields (for the differential half). */
  private readonly productMode: boolean;

  constructor(options: {
    g: Gen;
    schema: GraphQLSchema;
    pools: ValuePools;
    product: Map<string, Set<string>>;
    productMode: boolean;
  }) {
    this.g = options.g;
    this.schema = options.schema;
    this.pools = options.pools;
    this.product = options.product;
    this.productMode = options.productMode;
  }

  /** By index: `fc.constantFrom` compares its values deeply, and schema objects are cyclic. */
  private pick<T>(items: readonly T[]): T {
    return items[this.g(fc.integer, { min: 0, max: items.length - 1 })]!;
  }

  private chance(percent: number): boolean {
    return this.g(fc.integer, { min: 1, max: 100 }) <= percent;
  }

  private allowed(typeName: string, fieldName: string): boolean {
    return !this.productMode || !!this.product.get(typeName)?.has(fieldName);
  }

  private mark(typeName: string, fieldName: string) {
    if (!this.product.get(typeName)?.has(fieldName)) this.productOnly = false;
  }

  operation(): string {
    const query = this.schema.getQueryType()!;
    const roots = Object.values(query.getFields()).filter((f) => this.allowed(query.name, f.name));
    const root = this.pick(roots);
    this.mark(query.name, root.name);
    return `query { ${this.field(root, 1)} }`;
  }

  private field(field: GraphQLField<unknown, unknown>, depth: number): string {
    const args = this.arguments(field.args);
    const named = getNamedType(field.type);
    if (isLeafType(named)) return `${field.name}${args}`;
    return `${field.name}${args} { ${this.selection(named, depth + 1)} }`;
  }

  /** 1–3 fields of `type` at `depth` (leaves only at the maximum depth). */
  private selection(type: GraphQLNamedType, depth: number): string {
    if (isAbstractType(type)) {
      this.productOnly = false;
      const possible = this.schema.getPossibleTypes(type);
      const concrete = this.pick(possible);
      return `__typename ... on ${concrete.name} { ${this.selection(concrete, depth)} }`;
    }
    if (!isObjectType(type)) return '__typename';
    const candidates = Object.values(type.getFields()).filter(
      (f) =>
        this.allowed(type.name, f.name) && (depth < MAX_DEPTH || isLeafType(getNamedType(f.type))),
    );
    if (candidates.length === 0) return '__typename';
    const count = this.g(fc.integer, { min: 1, max: Math.min(3, candidates.length) });
    const chosen = new Map<string, GraphQLField<unknown, unknown>>();
    while (chosen.size < count) {
      const f = this.pick(candidates);
      chosen.set(f.name, f);
    }
    return [...chosen.values()]
      .map((f) => {
        this.mark(type.name, f.name);
        return this.field(f, depth);
      })
      .join(' ');
  }

  private arguments(args: readonly GraphQLArgument[]): string {
    const parts: string[] = [];
    for (const arg of args) {
      if (!isNonNullType(arg.type) && !this.chance(30)) continue;
      parts.push(`${arg.name}: ${this.value(arg.type, arg.name, 0)}`);
    }
    return parts.length ? `(${parts.join(', ')})` : '';
  }

  /** A literal valid for `type` (the argument name steers ids, slugs and page sizes). */
  private value(type: GraphQLInputType, name: string, nesting: number): string {
    const nullable = getNullableType(type) as GraphQLInputType;
    if (isListType(nullable)) {
      const n = this.g(fc.integer, { min: 0, max: nesting > 1 ? 0 : 2 });
      return `[${Array.from({ length: n }, () => this.value(nullable.ofType, name, nesting + 1)).join(', ')}]`;
    }
    if (isEnumType(nullable)) return this.pick(nullable.getValues()).name;
    if (isInputObjectType(nullable)) {
      const fields = Object.values(nullable.getFields()).filter(
        (f) => isNonNullType(f.type) || (nesting < 2 && this.chance(30)),
      );
      return `{ ${fields.map((f) => `${f.name}: ${this.value(f.type, f.name, nesting + 1)}`).join(', ')} }`;
    }
    if (isScalarType(nullable)) return this.scalar(nullable.name, name);
    return 'null';
  }

  private scalar(scalar: string, name: string): string {
    switch (scalar) {
      case 'Int':
        return String(
          /^(first|last|limit)$/.test(name)
            ? this.g(fc.integer, { min: 1, max: 5 })
            : this.g(fc.integer, { min: 0, max: 10 }),
        );
      case 'Float':
        return String(this.g(fc.integer, { min: 0, max: 1000 }) / 10);
      case 'Boolean':
        return String(this.chance(50));
      case 'ID':
        return JSON.stringify(
          this.chance(85) ? this.pick(this.pools.ids) : '00000000-0000-4000-8000-000000000000',
        );
      case 'MinorUnits':
        return String(this.g(fc.integer, { min: 0, max: 500_000 }));
      case 'DateTime':
        return JSON.stringify(
          new Date(Date.UTC(2026, 0, this.g(fc.integer, { min: 1, max: 28 }))).toISOString(),
        );
      default:
        if (/slug/i.test(name) && this.chance(85))
          return JSON.stringify(this.pick(this.pools.slugs));
        return JSON.stringify(this.g(fc.string, { maxLength: 12 }));
    }
  }
}

/** An arbitrary of valid operations; half are drawn from product-subgraph fields only. */
export function operationArbitrary(
  schema: GraphQLSchema,
  pools: ValuePools,
): fc.Arbitrary<GeneratedOperation> {
  const product = productSubgraphFields();
  return fc.gen().map((g) => {
    const productMode = g(fc.boolean);
    const builder = new Builder({ g, schema, pools, product, productMode });
    const query = builder.operation();
    return { query, productOnly: builder.productOnly };
  });
}

/** graphql-js validation of `query` against `schema` (empty when valid). */
export function validationErrors(schema: GraphQLSchema, query: string): string[] {
  try {
    return graphql.validate(schema, graphql.parse(query)).map((e) => e.message);
  } catch (error) {
    return [(error as Error).message];
  }
}

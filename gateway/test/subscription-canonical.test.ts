import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import { describe, expect, it } from 'vitest';
import { canonicalize, reshape } from '../src/subscriptions';

// The `graphql` instance the engine uses (its CommonJS build; see subscriptions/graphql.ts).
const { buildSchema, getOperationAST, getVariableValues, GraphQLError, parse, validate } =
  createRequire(import.meta.url)('graphql') as typeof GraphQL;

const schema = buildSchema(`
  type Query { ok: Boolean }
  enum Unit { GRAM KILO }
  input Range { from: Int!, to: Int }
  interface Node { id: ID! }
  type Product implements Node { id: ID! name: String! weight(unit: Unit = GRAM): Int tags(first: Int): [String!]! }
  type Review implements Node { id: ID! stars: Int! }
  union Item = Product | Review
  type Event { cartId: ID! version: Int! node: Node item: Item items(range: Range): [Item!]! }
  type Subscription { cartUpdated(cartId: ID!, cartToken: String): Event }
`);

/** Validates, coerces and canonicalizes like the engine does. */
function canonical(query: string, variables: Record<string, unknown> = {}, operationName?: string) {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const operation = getOperationAST(document, operationName)!;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) throw coerced.errors[0];
  return canonicalize(schema, document, operation, coerced.coerced);
}

describe('canonical subscriptions', () => {
  it('should give one canonical operation for aliases, fragments, operation and variable names, argument order and literal vs variable arguments', () => {
    const forms = [
      canonical('subscription { cartUpdated(cartId: "c1", cartToken: "t") { a: cartId version } }'),
      canonical(
        'subscription Named($id: ID!, $t: String) { x: cartUpdated(cartToken: $t, cartId: $id) { ...F } } fragment F on Event { version b: cartId }',
        { id: 'c1', t: 't' },
        'Named',
      ),
      canonical(
        'subscription($t: String = "t") { cartUpdated(cartId: "c1", cartToken: $t) { ... on Event { v: version } ... { cartId } } }',
      ),
    ];
    for (const form of forms.slice(1)) {
      expect({ text: form.text }).toEqual({ text: forms[0]!.text });
      expect(form.variables).toEqual(forms[0]!.variables);
    }
    expect(forms[0]!.variables).toEqual({ v0: 'c1', v1: 't' });
    // Argument values are variables: another cart has the same text (one plan).
    const other = canonical('subscription { cartUpdated(cartId: "c2") { cartId version } }');
    const mine = canonical('subscription { cartUpdated(cartId: "c1") { cartId version } }');
    expect(other.text).toBe(mine.text);
    expect(other.variables).not.toEqual(mine.variables);
    // A different selection is a different operation.
    expect(canonical('subscription { cartUpdated(cartId: "c1") { cartId } }').text).not.toBe(
      mine.text,
    );
  });

  it("should reshape a canonical result to each client's aliases, merged keys and fragments on interfaces and unions", () => {
    const query = `subscription($unit: Unit) {
      e: cartUpdated(cartId: "c1") {
        id: cartId
        n: node { __typename ... on Product { w: weight(unit: $unit) name } }
        n: node { id }
        item { ... on Review { stars } ... on Node { id } }
        list: items(range: { from: 1 }) { ... on Product { g: weight k: weight(unit: KILO) } }
      }
    }`;
    const { text, variables, shape } = canonical(query, { unit: 'KILO' });
    // The same field with other arguments keeps its own canonical key.
    expect(text.match(/weight_\w+: weight/g)?.length).toBe(3);
    expect(Object.values(variables)).toContain('KILO');
    // Build the canonical result by running the canonical text on a resolver tree.
    const keys = new Map<string, string>();
    for (const match of text.matchAll(/(\w+): (\w+)/g)) keys.set(match[1]!, match[2]!);
    const alias = (name: string, nth = 0) =>
      [...keys].filter(([, field]) => field === name)[nth]![0];
    const data = {
      [alias('cartUpdated')]: {
        __typename: 'Event',
        [alias('cartId')]: 'c1',
        [alias('node')]: { __typename: 'Product', [alias('id')]: 'p1', [alias('name')]: 'Tea' },
        [alias('item')]: { __typename: 'Review', [alias('stars')]: 5 },
        [alias('items')]: [{ __typename: 'Review' }],
      },
    };
    // Fill the weight fields and the ids the canonical text asks for by their keys.
    const event = data[alias('cartUpdated')] as Record<string, Record<string, unknown>>;
    for (const [key, field] of keys) {
      if (field === 'weight') event[alias('node')]![key] = key.length;
      if (field === 'id') {
        event[alias('node')]![key] = 'p1';
        event[alias('item')]![key] = 'r1';
      }
    }
    const result = reshape({ data }, shape);
    const node = (result.data!.e as Record<string, Record<string, unknown>>).n!;
    expect(Object.keys(result.data!.e as object)).toEqual(['id', 'n', 'item', 'list']);
    expect(node).toMatchObject({ __typename: 'Product', name: 'Tea', id: 'p1' });
    expect(typeof node.w).toBe('number');
    expect((result.data!.e as Record<string, unknown>).item).toEqual({ stars: 5, id: 'r1' });
    expect((result.data!.e as Record<string, unknown>).list).toEqual([{}]);
  });

  it('should apply @include and @skip with the variables, and map error paths to the client keys', () => {
    const query = `subscription($full: Boolean!) {
      mine: cartUpdated(cartId: "c1") { v: version @include(if: $full) c: cartId @skip(if: $full) }
    }`;
    const full = canonical(query, { full: true });
    const short = canonical(query, { full: false });
    expect(full.text).toContain('version');
    expect(full.text).not.toMatch(/cartId_\w+: cartId/);
    expect(short.text).toMatch(/cartId_\w+: cartId/);
    expect(short.text).not.toContain('version');
    const root = full.text.match(/(cartUpdated_\w+)/)![1]!;
    const version = full.text.match(/(version_\w+)/)![1]!;
    const result = reshape(
      {
        data: { [root]: null },
        errors: [new GraphQLError('boom', { path: [root, version] })],
      },
      full.shape,
    );
    expect(result.data).toEqual({ mine: null });
    expect(result.errors?.[0]?.path).toEqual(['mine', 'v']);
  });

  it('should refuse other directives and fragment bombs with BAD_REQUEST', () => {
    const bomb = [
      'subscription { cartUpdated(cartId: "c1") { ...F0 } }',
      ...Array.from(
        { length: 16 },
        (_, i) => `fragment F${i} on Event { ...F${i + 1} a${i}: version ...F${i + 1} }`,
      ),
      'fragment F16 on Event { cartId }',
    ].join('\n');
    const document = parse(bomb);
    const operation = getOperationAST(document)!;
    expect(() => canonicalize(schema, document, operation, {})).toThrow(/too many fields/);
    const deprecated = parse('subscription { cartUpdated(cartId: "c1") { cartId @deprecated } }');
    try {
      canonicalize(schema, deprecated, getOperationAST(deprecated)!, {});
      expect.unreachable();
    } catch (error) {
      expect((error as GraphQL.GraphQLError).extensions.code).toBe('BAD_REQUEST');
    }
  });
});

import {
  buildSchema,
  Kind,
  parse,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { compileShaper, ShapeError, Unsupported } from '../src/execution/shape';

// Result shaping of the plan executor: what the client receives from the data merged out of the
// subgraph fetches (semantics of @apollo/gateway's post-processing; the e2e parity test compares
// the two executors on the real graph, this one pins the edge cases with a schema that has
// interfaces and unions, which ours does not).

const schema = buildSchema(`
  interface Node { id: ID! }
  type Money { amount: Int! currency: Currency! }
  enum Currency { EUR USD }
  type Product implements Node { id: ID! name: String price: Money! tags: [String!] rating: Float }
  type Shop implements Node { id: ID! name: String! products: [Product!]! best: [Product] }
  union Hit = Product | Shop
  scalar DateTime
  type Query { node(id: ID!): Node shop: Shop hits: [Hit!] now: DateTime count: Int }
`);

function shaper(source: string) {
  const document = parse(source);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  return compileShaper(schema, operation, fragments);
}

const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('result shaping', () => {
  it('keeps only selected fields, under their aliases, dropping keys the plan fetched', () => {
    const { data, errors } = shaper(
      `{ shop { id title: name products { name price { amount } } } }`,
    ).shape(
      {
        shop: {
          __typename: 'Shop',
          id: 's1',
          title: 'Corner',
          products: [
            { __typename: 'Product', id: 'p1', name: 'Mug', price: { amount: 5, currency: 'EUR' } },
          ],
        },
      },
      {},
    );
    expect(errors).toEqual([]);
    expect(plain(data)).toEqual({
      shop: { id: 's1', title: 'Corner', products: [{ name: 'Mug', price: { amount: 5 } }] },
    });
  });

  it('bubbles a null in a non-null field up to the nearest nullable parent, with one error', () => {
    const { data, errors } = shaper(
      `{ shop { name products { id price { amount } } } count }`,
    ).shape(
      {
        shop: {
          name: 'Corner',
          products: [
            { id: 'p1', price: { amount: 1 } },
            { id: 'p2', price: null },
          ],
        },
        count: 3,
      },
      {},
    );
    // price is Money! in a [Product!]! list of a Shop: the shop (nullable) becomes null.
    expect(plain(data)).toEqual({ shop: null, count: 3 });
    expect(errors.map((e) => e.message)).toEqual([
      'Cannot return null for non-nullable field Product.price.',
    ]);
    expect(errors[0]!.path).toEqual(['shop', 'products', 1, 'price']);
    expect(errors[0]!.extensions.code).toBe('INVALID_GRAPHQL');
  });

  it('nulls a nullable list element without touching its siblings', () => {
    const { data, errors } = shaper(`{ shop { best { id price { amount } } } }`).shape(
      {
        shop: {
          best: [
            { id: 'a', price: { amount: 1 } },
            { id: 'b', price: null },
          ],
        },
      },
      {},
    );
    expect(plain(data)).toEqual({ shop: { best: [{ id: 'a', price: { amount: 1 } }, null] } });
    expect(errors).toHaveLength(1);
  });

  it('makes data null when a non-null root field bubbles all the way', () => {
    const bubbling = buildSchema(`type Query { me: Me! } type Me { id: ID! }`);
    const document = parse(`{ me { id } }`);
    const { data, errors } = compileShaper(
      bubbling,
      document.definitions[0] as OperationDefinitionNode,
      new Map(),
    ).shape({ me: null }, {});
    expect(data).toBeNull();
    expect(errors.map((e) => e.message)).toEqual([
      'Cannot return null for non-nullable field Query.me.',
    ]);
  });

  it('rejects leaf values of the wrong type and unknown enum values, accepts any custom scalar', () => {
    const { data, errors } = shaper(
      `{ count now node(id: "1") { ... on Product { tags rating price { currency } } } }`,
    ).shape(
      {
        count: 'three',
        now: { any: 'shape' },
        node: { __typename: 'Product', rating: 4, price: { currency: 'GBP' }, tags: ['a', 7] },
      },
      {},
    );
    expect(plain(data)).toEqual({ count: null, now: { any: 'shape' }, node: null });
    expect(errors.map((e) => e.message)).toEqual([
      'Invalid value found for field Query.count.',
      'Invalid value found for array element of type String at index 1.',
      'Invalid value found for field Money.currency.',
    ]);
  });

  it('applies fragments by the runtime __typename (interfaces, unions, named fragments)', () => {
    const { data, errors } = shaper(
      `{ hits { __typename ... on Node { id } ...P ... on Shop { name } } }
       fragment P on Product { name price { amount } }`,
    ).shape(
      {
        hits: [
          { __typename: 'Product', id: 'p', name: 'Mug', price: { amount: 2 } },
          { __typename: 'Shop', id: 's', name: 'Corner' },
        ],
      },
      {},
    );
    expect(errors).toEqual([]);
    expect(plain(data)).toEqual({
      hits: [
        { __typename: 'Product', id: 'p', name: 'Mug', price: { amount: 2 } },
        { __typename: 'Shop', id: 's', name: 'Corner' },
      ],
    });
  });

  it('answers __typename from the parent type when the subgraph did not send it', () => {
    const { data } = shaper(
      `{ __typename t: __typename shop { __typename kind: __typename } }`,
    ).shape({ shop: { name: 'x' } }, {});
    expect(plain(data)).toEqual({
      __typename: 'Query',
      t: 'Query',
      shop: { __typename: 'Shop', kind: 'Shop' },
    });
  });

  it('nulls an object whose __typename is not a type of the schema, with an error', () => {
    const { data, errors } = shaper(`{ node(id: "1") { id } }`).shape(
      { node: { __typename: 'Ghost', id: '1' } },
      {},
    );
    expect(plain(data)).toEqual({ node: null });
    expect(errors.map((e) => e.message)).toEqual([
      'Invalid __typename found for object at field Query.node.',
    ]);
  });

  it('merges repeated selections of one response name', () => {
    const { data } = shaper(
      `{ shop { id } shop { name products { id } } shop { products { name } } }`,
    ).shape({ shop: { id: 's', name: 'n', products: [{ id: 'p', name: 'Mug' }] } }, {});
    expect(plain(data)).toEqual({
      shop: { id: 's', name: 'n', products: [{ id: 'p', name: 'Mug' }] },
    });
  });

  it('honours @skip and @include with literals, variables and variable defaults', () => {
    const compiled = shaper(
      `query($a: Boolean!, $b: Boolean = false) { shop { id @skip(if: $a) name @include(if: $b)
        ... @include(if: true) { products { id } } } count @skip(if: true) }`,
    );
    expect(compiled.usesVariables).toBe(true);
    const input = { shop: { id: 's', name: 'n', products: [] }, count: 1 };
    expect(plain(compiled.shape(input, { a: true }).data)).toEqual({ shop: { products: [] } });
    expect(plain(compiled.shape(input, { a: false, b: true }).data)).toEqual({
      shop: { id: 's', name: 'n', products: [] },
    });
    expect(() => compiled.shape(input, {})).toThrow(ShapeError);
  });

  it('fails the response on a value of the wrong shape (a list where an object belongs)', () => {
    expect(() => shaper(`{ shop { id } }`).shape({ shop: [{ id: 1 }] }, {})).toThrow(ShapeError);
    expect(() =>
      shaper(`{ shop { products { id } } }`).shape({ shop: { products: {} } }, {}),
    ).toThrow(ShapeError);
  });

  it('leaves introspection and unsafe response names to @apollo/gateway', () => {
    expect(() => shaper(`{ __schema { queryType { name } } }`)).toThrow(Unsupported);
    expect(() => shaper(`{ shop { id } __type(name: "Shop") { name } }`)).toThrow(Unsupported);
    expect(() => shaper(`{ __proto__: count }`)).toThrow(Unsupported);
  });
});

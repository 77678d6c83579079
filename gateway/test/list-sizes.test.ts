import { createRequire } from 'node:module';
import { Supergraph } from '@apollo/federation-internals';
import type * as GraphQL from 'graphql';
import { describe, expect, it } from 'vitest';
import { readCommittedSupergraph } from '@shop/schema';
import { analyzeOperation, readListSizes, SupergraphListSizes } from '../src/limits';

const { parse } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/**
 * The full order history page a storefront shows: 50 orders with every line (sku, names,
 * prices, the variant's product) and every payment with its ledger. With the gateway-wide
 * default of 10 items per unsized list it estimates over the 10,000 limit; with the sizes the
 * order and payment teams declare (`@listSize(assumedSize:)`) it is well under.
 */
const FULL_ORDER_HISTORY = `query FullOrderHistory($first: Int = 50) {
  me {
    id
    orders(first: $first) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id number status createdAt paymentStatus
          subtotal { amount currencyCode }
          total { amount currencyCode }
          customer { id name }
          lines {
            sku productName variantName quantity
            unitPrice { amount currencyCode }
            lineTotal { amount currencyCode }
            variant { id name product { id name slug } attributes { name value } }
          }
          payments {
            id status
            amount { amount currencyCode }
            capturedAmount { amount currencyCode }
            card { brand last4 }
            transactions { id type state amount { amount currencyCode } }
          }
        }
      }
    }
  }
}`;

describe('@listSize in the cost estimate', () => {
  const sdl = readCommittedSupergraph();
  const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();

  it('reads the sizes the subgraphs declare from the committed supergraph', () => {
    const sizes = new SupergraphListSizes(sdl);
    expect(sizes.assumedSize('Order', 'lines')).toBe(5);
    expect(sizes.assumedSize('Order', 'payments')).toBe(2);
    expect(sizes.assumedSize('Payment', 'transactions')).toBe(3);
    // A product may have many variants: it keeps the default (the list blow-up attack A1
    // multiplies products × variants × product × variants).
    expect(sizes.assumedSize('Product', 'variants')).toBeUndefined();
    expect(sizes.assumedSize('Order', 'history')).toBe(5);
    expect(sizes.assumedSize('Cart', 'lines')).toBeUndefined();
  });

  it('accepts the full order history page that the default list size refuses', () => {
    const withDefault = analyzeOperation(parse(FULL_ORDER_HISTORY), { schema });
    expect(withDefault).toMatchObject({ ok: false, code: 'QUERY_TOO_COSTLY' });
    const withSizes = analyzeOperation(parse(FULL_ORDER_HISTORY), {
      schema,
      listSizes: new SupergraphListSizes(sdl),
    });
    expect(withSizes.ok).toBe(true);
    expect(withSizes.cost).toBeLessThan(10_000);
    expect(withSizes.cost).toBeLessThan(withDefault.cost! / 2);
  });

  it('lets an explicit first win over the declared size, and the default apply to undeclared lists', () => {
    const sizes = new SupergraphListSizes(sdl);
    const cost = (query: string) =>
      analyzeOperation(parse(query), { schema, listSizes: sizes }).cost;
    // me, orders, edges, node, lines: 1 each; productName once per line: × 5 (Order.lines)
    expect(cost('{ me { orders(first: 1) { edges { node { lines { productName } } } } } }')).toBe(
      5 + 5 * 1,
    );
    // me, cart, lines: 1 each; `Cart.lines` declares nothing, so quantity counts × 10.
    expect(cost('{ me { cart { lines { quantity } } } }')).toBe(3 + 10 * 1);
  });

  it('follows @link renames and ignores directives of other specs', () => {
    const doc = (link: string, field: string) =>
      parse(`schema ${link} { query: Query }
        directive @listSize(assumedSize: Int) on FIELD_DEFINITION
        directive @size(assumedSize: Int) on FIELD_DEFINITION
        directive @cost__listSize(assumedSize: Int) on FIELD_DEFINITION
        type Query { items: [Int] ${field} }`);
    const cost = 'https://specs.apollo.dev/cost/v0.1';
    expect(
      readListSizes(
        doc(`@link(url: "${cost}", import: ["@listSize"])`, '@listSize(assumedSize: 7)'),
      ).get('Query.items'),
    ).toBe(7);
    expect(
      readListSizes(
        doc(
          `@link(url: "${cost}", import: [{ name: "@listSize", as: "@size" }])`,
          '@size(assumedSize: 4)',
        ),
      ).get('Query.items'),
    ).toBe(4);
    expect(
      readListSizes(doc(`@link(url: "${cost}")`, '@cost__listSize(assumedSize: 3)')).get(
        'Query.items',
      ),
    ).toBe(3);
    // Not linked to the cost spec: a look-alike directive is not a size.
    expect(
      readListSizes(
        doc(
          `@link(url: "https://example.com/other/v1.0", import: ["@listSize"])`,
          '@listSize(assumedSize: 9)',
        ),
      ).size,
    ).toBe(0);
  });
});

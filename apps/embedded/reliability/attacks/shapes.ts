/**
 * Malicious request shapes of docs/SECURITY.md §1.6, adapted to this schema (Category.children and
 * Variant.product → Product.variants give the recursion and list fan-out), plus "just over" and
 * "just under" shapes for OUR configured limits (gateway/src/limits/analyze.ts DEFAULT_LIMITS and
 * the HTTP layer's 1 MiB body limit) — not docs/SECURITY.md's suggested numbers.
 */
import type { GraphQLSchema } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { readCommittedSupergraph } from '@shop/schema';
import { DEFAULT_LIMITS } from '@shop/gateway/limits';
import { graphql } from './graphql';

/** The HTTP layer's default body limit (infra/http: `maxBodyBytes` default 1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Error codes an attack may be refused with (docs/SECURITY.md §6 A1, plus our limit codes). */
export const REJECTION_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'TOO_MANY_DIRECTIVES',
  'TOO_MANY_ROOT_FIELDS',
  'QUERY_TOO_COMPLEX',
  'QUERY_TOO_COSTLY',
  'TOO_MANY_TOKENS',
]);

/** How a shape is sent. */
export type Delivery =
  { kind: 'json'; body: unknown } | { kind: 'streamed'; bytes: number; declareLength: boolean };

export interface Shape {
  name: string;
  delivery: Delivery;
  /** The status a protected gateway answers. */
  status: 400 | 413;
  /** The exact code expected, when one limit is targeted. */
  code?: string;
  /** One past one of OUR limits (an unprotected gateway serves it). */
  justOver?: boolean;
}

/** The API schema of the committed supergraph (what clients and our limits see). */
export function apiSchema(): GraphQLSchema {
  return Supergraph.build(readCommittedSupergraph()).apiSchema().toGraphQLJSSchema();
}

/** Lexer tokens as graphql-js counts them against `maxTokens` (EOF excluded). */
export function tokenCount(document: string): number {
  const lexer = new graphql.Lexer(new graphql.Source(document));
  let count = 0;
  while (lexer.advance().kind !== graphql.TokenKind.EOF) count += 1;
  return count;
}

const q = (query: string): Delivery => ({ kind: 'json', body: { query } });
const repeat = (n: number, f: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => f(i)).join(' ');

/** `categories { children { … { id } } }`: `depth` fields deep, a list at every level. */
export const deepListQuery = (depth: number) =>
  `query { categories { ${'children { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;

/** `categories { parent { … { id } } }`: `depth` fields deep through a non-list field (cheap). */
export const depthQuery = (depth: number) =>
  `query { categories { ${'parent { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;

/** `aliases` aliased `name` fields on one product. */
export const aliasQuery = (slug: string, aliases: number) =>
  `query { product(slug: "${slug}") { ${repeat(aliases, (i) => `a${i}: name`)} } }`;

/** `directives` × `name @include(if: true)` on one product. */
export const directiveQuery = (slug: string, directives: number) =>
  `query { product(slug: "${slug}") { ${repeat(directives, () => 'name @include(if: true)')} } }`;

/** `rootFields` × `categories { id }` (unaliased: they merge, but each one is counted). */
export const rootFieldQuery = (rootFields: number) =>
  `query { ${repeat(rootFields, () => 'categories { id }')} }`;

/**
 * Exactly `selections` selections once fragments are expanded: product (1) + 50 spreads of a
 * 98-field fragment (50 × 99) + the rest as plain fields.
 */
export function selectionQuery(slug: string, selections: number) {
  const spreads = 50;
  const perFragment = 98;
  const plain = selections - 1 - spreads * (1 + perFragment);
  if (plain < 0) throw new Error(`selectionQuery needs at least ${1 + spreads * 99} selections`);
  return (
    `query { product(slug: "${slug}") { ${repeat(spreads, () => '...F')} ${repeat(plain, () => 'id')} } } ` +
    `fragment F on Product { ${repeat(perFragment, () => 'id')} }`
  );
}

/**
 * Exactly `tokens` lexer tokens: a search whose attribute filter lists string values (one
 * token each), so the document is valid and cheap (cost 2) however many tokens it has.
 */
export function tokenQuery(tokens: number) {
  const build = (values: number) =>
    `query { searchProducts(first: 1, filter: { attributes: [{ name: "color", values: [${repeat(
      values,
      (i) => `"v${i}"`,
    )}] }] }) { totalCount } }`;
  const fixed = tokenCount(build(0));
  return build(tokens - fixed);
}

/**
 * Estimated cost exactly `cost` under our analyzer: two product pages
 * (`products(first: N) { edges { node { id × k } } }` costs 2 + N·(1 + k)).
 */
export function costQuery(cost: number) {
  for (let k = 99; k >= 1; k--) {
    const rest = cost - (2 + 100 * (1 + k)) - 2;
    if (rest < 2) continue;
    for (let n = 100; n >= 1; n--) {
      if (rest % n !== 0) continue;
      const k2 = rest / n - 1;
      if (k2 < 1 || k2 > 99) continue;
      const page = (alias: string, first: number, fields: number) =>
        `${alias}products(first: ${first}) { edges { node { ${repeat(fields, () => 'id')} } } }`;
      return `query { ${page('', 100, k)} ${page('b: ', n, k2)} }`;
    }
  }
  throw new Error(`no cost query for ${cost}`);
}

/** Exponential fragment bomb: F_i { children { ...F_(i-1) } ...F_(i-1) }. */
export function fragmentBomb(levels: number) {
  const fragments = ['fragment F0 on Category { id }'];
  for (let i = 1; i <= levels; i++) {
    fragments.push(`fragment F${i} on Category { children { ...F${i - 1} } ...F${i - 1} }`);
  }
  return `query { categories { ...F${levels} } } ${fragments.join(' ')}`;
}

/** Wide fragment bomb: F_i { ...F_(i-1) ...F_(i-1) name }. */
export function wideFragmentBomb(levels: number) {
  const fragments = ['fragment F0 on Category { id }'];
  for (let i = 1; i <= levels; i++) {
    fragments.push(`fragment F${i} on Category { ...F${i - 1} ...F${i - 1} name }`);
  }
  return `query { categories { ...F${levels} } } ${fragments.join(' ')}`;
}

/** The A1 shapes: §1.6's malicious classes and one "just over" shape per configured limit. */
export function maliciousShapes(slug: string): Shape[] {
  const L = DEFAULT_LIMITS;
  return [
    // §1.6 classes.
    { name: 'deep nesting ×100 (list fan-out)', delivery: q(deepListQuery(100)), status: 400 },
    {
      name: 'alias overloading 1,000 × product(id)',
      delivery: q(`query { ${repeat(1000, (i) => `a${i}: product(id: "${i}") { name }`)} }`),
      status: 400,
    },
    {
      name: 'alias __typename ×10,000',
      delivery: q(`query { ${repeat(10_000, (i) => `a${i}: __typename`)} }`),
      status: 400,
    },
    {
      name: 'field duplication name ×10,000',
      delivery: q(`query { categories { ${repeat(10_000, () => 'name')} } }`),
      status: 400,
    },
    {
      name: 'field duplication name ×100,000',
      delivery: q(`query { categories { ${repeat(100_000, () => 'name')} } }`),
      status: 400,
    },
    {
      name: 'directive overloading @include ×1,000',
      delivery: q(`query { categories { name ${repeat(1000, () => '@include(if: true)')} } }`),
      status: 400,
    },
    {
      name: 'unknown directive @aa ×10,000',
      delivery: q(`query { categories { name ${repeat(10_000, () => '@aa')} } }`),
      status: 400,
    },
    {
      name: 'circular fragments',
      delivery: q(
        'query { categories { ...A } } fragment A on Category { children { ...B } } ' +
          'fragment B on Category { children { ...A } }',
      ),
      status: 400,
      code: 'GRAPHQL_VALIDATION_FAILED',
    },
    { name: 'fragment bomb 14 levels', delivery: q(fragmentBomb(14)), status: 400 },
    { name: 'wide fragment bomb 16 levels', delivery: q(wideFragmentBomb(16)), status: 400 },
    {
      name: 'array batch of 100',
      delivery: {
        kind: 'json',
        body: Array.from({ length: 100 }, () => ({ query: '{ __typename }' })),
      },
      status: 400,
      code: 'BAD_REQUEST',
    },
    {
      name: 'variables 10 MB',
      delivery: { kind: 'streamed', bytes: 10_000_000, declareLength: true },
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'body 60 MB (chunked)',
      delivery: { kind: 'streamed', bytes: 60_000_000, declareLength: false },
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'introspection __schema',
      delivery: q('query { __schema { types { name fields { name } } } }'),
      status: 400,
      code: 'GRAPHQL_VALIDATION_FAILED',
    },
    {
      name: 'suggestions { prodcts }',
      delivery: q('query { prodcts { id } }'),
      status: 400,
      code: 'GRAPHQL_VALIDATION_FAILED',
    },
    {
      name: 'list blow-up (products × variants × product × variants)',
      delivery: q(
        'query { products(first: 100) { edges { node { variants { product { variants { sku name } } } } } } }',
      ),
      status: 400,
      code: 'QUERY_TOO_COSTLY',
    },
    // "Just over" each of our limits.
    {
      name: `depth ${L.maxDepth + 1}`,
      delivery: q(depthQuery(L.maxDepth + 1)),
      status: 400,
      code: 'QUERY_TOO_DEEP',
      justOver: true,
    },
    {
      name: `aliases ${L.maxAliases + 1}`,
      delivery: q(aliasQuery(slug, L.maxAliases + 1)),
      status: 400,
      code: 'TOO_MANY_ALIASES',
      justOver: true,
    },
    {
      name: `directives ${L.maxDirectives + 1}`,
      delivery: q(directiveQuery(slug, L.maxDirectives + 1)),
      status: 400,
      code: 'TOO_MANY_DIRECTIVES',
      justOver: true,
    },
    {
      name: `tokens ${L.maxTokens + 1}`,
      delivery: q(tokenQuery(L.maxTokens + 1)),
      status: 400,
      code: 'TOO_MANY_TOKENS',
      justOver: true,
    },
    {
      name: `cost ${L.maxCost + 1}`,
      delivery: q(costQuery(L.maxCost + 1)),
      status: 400,
      code: 'QUERY_TOO_COSTLY',
      justOver: true,
    },
    {
      name: `root fields ${L.maxRootFields + 1}`,
      delivery: q(rootFieldQuery(L.maxRootFields + 1)),
      status: 400,
      code: 'TOO_MANY_ROOT_FIELDS',
      justOver: true,
    },
    {
      name: `selections ${L.maxSelections + 1}`,
      delivery: q(selectionQuery(slug, L.maxSelections + 1)),
      status: 400,
      code: 'QUERY_TOO_COMPLEX',
      justOver: true,
    },
    {
      name: `body ${MAX_BODY_BYTES + 1} bytes`,
      delivery: { kind: 'streamed', bytes: MAX_BODY_BYTES + 1, declareLength: true },
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      justOver: true,
    },
  ];
}

/** The A2 shapes: exactly at each limit, which must be served (200 with data). */
export function justUnderShapes(slug: string): Array<{ name: string; delivery: Delivery }> {
  const L = DEFAULT_LIMITS;
  return [
    { name: `depth ${L.maxDepth}`, delivery: q(depthQuery(L.maxDepth)) },
    { name: `aliases ${L.maxAliases}`, delivery: q(aliasQuery(slug, L.maxAliases)) },
    { name: `directives ${L.maxDirectives}`, delivery: q(directiveQuery(slug, L.maxDirectives)) },
    { name: `tokens ${L.maxTokens}`, delivery: q(tokenQuery(L.maxTokens)) },
    { name: `cost ${L.maxCost}`, delivery: q(costQuery(L.maxCost)) },
    { name: `root fields ${L.maxRootFields}`, delivery: q(rootFieldQuery(L.maxRootFields)) },
    { name: `selections ${L.maxSelections}`, delivery: q(selectionQuery(slug, L.maxSelections)) },
    {
      name: `body ${MAX_BODY_BYTES} bytes`,
      delivery: { kind: 'streamed', bytes: MAX_BODY_BYTES, declareLength: true },
    },
  ];
}

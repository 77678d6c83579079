import { createRequire } from 'node:module';
import { Supergraph } from '@apollo/federation-internals';
import type * as GraphQL from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Identity } from '@shop/auth';
import { readCommittedSupergraph } from '@shop/schema';
import {
  authRulesFromSupergraph,
  cachedAuthViolations,
  findAuthViolations,
} from '../src/auth-directive';
import { documentVariables } from '../src/document-cache';
import { analyzeOperation, cachedAnalyzer } from '../src/limits';
import { cachedCostEstimator, estimateCost } from '../src/usage';

const { parse, getOperationAST, validate } = createRequire(import.meta.url)(
  'graphql',
) as typeof GraphQL;

const sdl = readCommittedSupergraph();
const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
const rules = authRulesFromSupergraph(sdl);

const QUERY = `
  query Listing($n: Int, $m: Int = 3, $skipAdmin: Boolean!, $withMe: Boolean = true) {
    products(first: $n) { edges { node { id name variants { sku price { amount } } } } }
    orders(first: $m) @skip(if: $skipAdmin) { edges { node { id number } } }
    me @include(if: $withMe) { id }
  }
  query Other { categories { id name } }
`;

const identities: Array<Identity | null> = [
  null,
  { userId: 'c-1', roles: ['CUSTOMER'] },
  { userId: 'c-2', roles: ['CUSTOMER'] },
  { userId: 'a-1', roles: ['CUSTOMER', 'ADMIN'] },
  { userId: 'a-2', roles: ['ADMIN', 'CUSTOMER'] },
  { userId: 'x', roles: [] },
];

const variableSets: Array<Record<string, unknown> | undefined> = [
  { skipAdmin: true },
  { skipAdmin: false },
  { skipAdmin: false, n: 50, m: 20 },
  { skipAdmin: true, n: 50, withMe: false },
  { skipAdmin: false, n: null, m: null, withMe: false },
  { skipAdmin: true, n: 1000, m: 1000 },
  undefined,
];

describe('per-document caches', () => {
  // One DocumentNode per query text, as Apollo Server's document store hands out.
  const document = parse(QUERY);
  expect(validate(schema, document)).toEqual([]);

  it('should find the variables the checks depend on', () => {
    expect(documentVariables(document)).toEqual({
      size: ['m', 'n'],
      conditions: ['skipAdmin', 'withMe'],
    });
  });

  it('should give the same analysis and cost as the uncached functions', () => {
    const analyze = cachedAnalyzer({ maxCost: 5_000 });
    const cost = cachedCostEstimator();
    // Twice round: the second pass is served from the caches.
    for (let pass = 0; pass < 2; pass++) {
      for (const operationName of ['Listing', 'Other', undefined]) {
        for (const variables of variableSets) {
          const input = { document, schema, operationName, variables };
          expect(analyze(input)).toEqual(
            analyzeOperation(document, { maxCost: 5_000, schema, variables, operationName }),
          );
          expect(cost(document, schema, variables, operationName)).toBe(
            estimateCost(document, schema, variables, { operationName }),
          );
        }
      }
    }
    // The costs really differ by variables (so a cache keyed without them would be wrong).
    const costs = variableSets.map((variables) => cost(document, schema, variables, 'Listing'));
    expect(new Set(costs).size).toBeGreaterThan(2);
    expect(
      analyze({ document, schema, operationName: 'Listing', variables: { n: 1000, m: 1000 } }),
    ).toMatchObject({ ok: false, code: 'QUERY_TOO_COSTLY' });
  });

  it('should serve a repeated analysis from the cache', () => {
    const analyze = cachedAnalyzer();
    const input = { document, schema, operationName: 'Listing', variables: { n: 5 } };
    const first = analyze(input);
    expect(analyze({ ...input, variables: { n: 5, unrelated: 'x' } })).toBe(first);
    expect(analyze({ ...input, variables: { n: 6 } })).not.toBe(first);
  });

  it('should give the same @auth violations as the uncached check, per roles and conditions', () => {
    const violationsOf = cachedAuthViolations();
    const operation = getOperationAST(document, 'Listing')!;
    for (let pass = 0; pass < 2; pass++) {
      for (const identity of identities) {
        for (const variables of variableSets) {
          const input = { schema, document, operation, variables, rules, identity };
          expect(violationsOf(input)).toEqual(findAuthViolations(input));
        }
      }
    }
    const input = { schema, document, operation, rules, variables: { skipAdmin: false } };
    // Anonymous → unauthenticated; customer → forbidden; admin → fine: never shared.
    expect(violationsOf({ ...input, identity: null }).map((v) => v.outcome)).toContain(
      'unauthenticated',
    );
    expect(
      violationsOf({ ...input, identity: { userId: 'c', roles: ['CUSTOMER'] } }).map(
        (v) => v.outcome,
      ),
    ).toEqual(['forbidden']);
    expect(violationsOf({ ...input, identity: { userId: 'a', roles: ['ADMIN'] } })).toEqual([]);
    // The admin field skipped: no violation for the customer.
    expect(
      violationsOf({
        ...input,
        variables: { skipAdmin: true },
        identity: { userId: 'c', roles: ['CUSTOMER'] },
      }),
    ).toEqual([]);
  });

  it('should drop cached @auth results when the rules change', () => {
    const violationsOf = cachedAuthViolations();
    const operation = getOperationAST(document, 'Listing')!;
    const input = {
      schema,
      document,
      operation,
      variables: { skipAdmin: false },
      identity: { userId: 'c', roles: ['CUSTOMER' as const] },
    };
    expect(violationsOf({ ...input, rules })).toHaveLength(1);
    const noRules = { types: new Map(), fields: new Map() };
    expect(violationsOf({ ...input, rules: noRules })).toEqual([]);
  });
});

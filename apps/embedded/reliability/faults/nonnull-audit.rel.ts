import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { parse, type FormattedExecutionResult } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSigningKey } from '@shop/auth';
import {
  auditNonNullFields,
  composeSupergraph,
  entityOwners,
  readCommittedSupergraph,
} from '@shop/schema';
import { createSubgraph, type BaseSubgraphContext, type RunningSubgraph } from '@shop/subgraph';
import { freePort } from '@shop/testing';
import { TokenOnlyDataSource } from './graph';

/**
 * B3 (docs/SECURITY.md §4, §6 B3): nullability at subgraph boundaries — when one subgraph fails, its
 * null must not propagate into data a healthy subgraph returned. The rules (root fields, fields
 * contributed to another subgraph's entity, references to another subgraph's entity are
 * nullable) and their reasoning: `schema/src/nonnull-audit.ts`. The same audit runs at compose
 * time in `schema/test/nullability.test.ts`.
 */

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])`;
const bang = (strict: boolean) => (strict ? '!' : '');
/**
 * `shop` serves orders, references their buyer (rule c: `Order.buyer`) and contributes
 * `orderCount` to `Buyer` (rule b); `people` owns `Buyer` (it resolves most of its fields) and
 * lists buyers at the root (rule a: `Query.buyers`).
 */
const shopSdl = (strict: boolean) => `${LINK}
type Query { order(id: ID!): Order }
type Order @key(fields: "id") { id: ID! number: String! buyer: Buyer${bang(strict)} }
type Buyer @key(fields: "id") { id: ID! orderCount: Int${bang(strict)} }
`;
const peopleSdl = (strict: boolean) => `${LINK}
type Query { buyers: [Buyer!]${bang(strict)} }
type Buyer @key(fields: "id") { id: ID! name: String! email: String! }
`;

const ORDER = { id: 'o1', number: 'SO-1', buyer: { id: 'b1' } };
const BUYER = { id: 'b1', name: 'Ada', email: 'ada@example.com' };

describe('cross-subgraph non-null audit (B3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shop-rel-b3-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const compose = (
    strict: boolean,
    urls = { shop: 'http://127.0.0.1:1/graphql', people: 'http://127.0.0.1:2/graphql' },
  ) => {
    const tag = strict ? 'strict' : 'safe';
    const file = (name: string, sdl: string) => {
      const path = join(dir, `${name}-${tag}.graphql`);
      writeFileSync(path, sdl);
      return pathToFileURL(path);
    };
    const composed = composeSupergraph([
      { name: 'shop', defaultUrl: urls.shop, sdlPath: file('shop', shopSdl(strict)) },
      { name: 'people', defaultUrl: urls.people, sdlPath: file('people', peopleSdl(strict)) },
    ]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));
    return composed.supergraphSdl;
  };

  it('B3: the audit reports (a) a non-null root field, (b) a non-null field contributed to another subgraph’s entity and (c) a non-null reference to it (violating fixture), not the nullable twin', () => {
    expect(auditNonNullFields(compose(true))).toEqual([
      {
        kind: 'foreign-entity-field',
        field: 'Buyer.orderCount: Int!',
        resolvedBy: ['shop'],
        owner: 'people',
      },
      {
        kind: 'entity-reference',
        field: 'Order.buyer: Buyer!',
        resolvedBy: ['shop'],
        owner: 'people',
      },
      { kind: 'root-field', field: 'Query.buyers: [Buyer!]!', resolvedBy: ['people'] },
    ]);
    expect(auditNonNullFields(compose(false))).toEqual([]);
  });

  it('B3: what the rules prevent — with one subgraph down, the violating schema loses the healthy subgraph’s data', async () => {
    const key = await loadSigningKey();
    const start = (name: 'shop' | 'people', strict: boolean): Promise<RunningSubgraph> =>
      createSubgraph<BaseSubgraphContext>({
        name,
        typeDefs: parse(name === 'shop' ? shopSdl(strict) : peopleSdl(strict)),
        gatewayKeys: [key],
        context: (base) => base,
        port: 0,
        host: '127.0.0.1',
        resolvers:
          name === 'shop'
            ? {
                Query: { order: () => ORDER },
                Buyer: { orderCount: () => 1 },
              }
            : {
                Query: { buyers: () => [BUYER] },
                Buyer: { __resolveReference: () => BUYER },
              },
      });
    const run = async (
      strict: boolean,
      urls: { shop: string; people: string },
      query: string,
    ): Promise<FormattedExecutionResult> => {
      const gateway = new ApolloGateway({
        supergraphSdl: compose(strict, urls),
        buildService: ({ name, url }) => new TokenOnlyDataSource(name, url ?? '', key),
      });
      const apollo = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
      await apollo.start();
      try {
        const response = await apollo.executeOperation({ query });
        if (response.body.kind !== 'single') throw new Error('expected a single result');
        return response.body.singleResult as FormattedExecutionResult;
      } finally {
        await apollo.stop();
      }
    };

    // `people` is down (nothing listens on its port), `shop` is up.
    for (const strict of [true, false]) {
      const shop = await start('shop', strict);
      const urls = { shop: shop.url, people: `http://127.0.0.1:${await freePort()}/graphql` };
      try {
        // (c) The missing Buyer.name nulls the Buyer! → the whole order, including `number`,
        // which the healthy `shop` subgraph returned. Nullable reference: only `buyer` is lost.
        const reference = await run(strict, urls, '{ order(id: "o1") { number buyer { name } } }');
        expect(reference.errors?.length).toBeGreaterThan(0);
        expect(reference.data).toEqual(
          strict ? { order: null } : { order: { number: 'SO-1', buyer: null } },
        );
        // (a) The failed non-null root field nulls `data`, including shop's `order`.
        const roots = await run(strict, urls, '{ order(id: "o1") { number } buyers { name } }');
        expect(roots.errors?.length).toBeGreaterThan(0);
        expect(roots.data ?? null).toEqual(
          strict ? null : { order: { number: 'SO-1' }, buyers: null },
        );
      } finally {
        await shop.stop();
      }
    }

    // `shop` is down, `people` is up.
    for (const strict of [true, false]) {
      const people = await start('people', strict);
      const urls = { shop: `http://127.0.0.1:${await freePort()}/graphql`, people: people.url };
      try {
        // (b) The missing Buyer.orderCount (shop) nulls people's buyer and, through the non-null
        // list and root field, `data`. Nullable: only `orderCount` is lost.
        const contributed = await run(strict, urls, '{ buyers { name orderCount } }');
        expect(contributed.errors?.length).toBeGreaterThan(0);
        expect(contributed.data ?? null).toEqual(
          strict ? null : { buyers: [{ name: 'Ada', orderCount: null }] },
        );
      } finally {
        await people.stop();
      }
    }
  });

  it('B3: the committed supergraph has no non-null field at a subgraph boundary', () => {
    expect(auditNonNullFields(readCommittedSupergraph(), { owners: entityOwners() })).toEqual([]);
  });
});

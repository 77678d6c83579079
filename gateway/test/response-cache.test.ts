import { createRequire } from 'node:module';
import { Supergraph } from '@apollo/federation-internals';
import type * as GraphQL from 'graphql';
import { describe, expect, it } from 'vitest';
import { readCommittedSupergraph } from '@shop/schema';
import { isPublicCatalogOperation, publicFieldsOf, ResponseCache } from '../src/response-cache';

const { parse } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

describe('response cache store', () => {
  it('should expire entries after the TTL', () => {
    let clock = 0;
    const cache = new ResponseCache(1_000, 1_000_000, () => clock);
    expect(cache.set('a', { x: 1 }, cache.generation)).toBe(true);
    expect(cache.get('a')).toEqual({ x: 1 });
    clock = 999;
    expect(cache.get('a')).toEqual({ x: 1 });
    clock = 1_000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1, entries: 0, bytes: 0 });
  });

  it('should evict the least recently used entries past maxBytes', () => {
    // Each entry: 1 byte of key + 38 bytes of JSON.
    const cache = new ResponseCache(60_000, 200);
    const data = (n: number) => ({ value: 'x'.repeat(20), n });
    for (const key of ['a', 'b', 'c', 'd', 'e']) cache.set(key, data(1), cache.generation);
    expect(cache.stats()).toMatchObject({ entries: 5, bytes: 195 });
    cache.get('a'); // a is now the most recent
    cache.set('f', data(2), cache.generation);
    expect(cache.stats()).toMatchObject({ entries: 5, bytes: 195 });
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
    // Too big for the cache at all: not stored.
    expect(cache.set('huge', { value: 'x'.repeat(500) }, cache.generation)).toBe(false);
  });

  it('should not store a response computed across a clear, and freeze what it stores', () => {
    const cache = new ResponseCache();
    const generation = cache.generation;
    cache.clear(true);
    expect(cache.set('a', { x: 1 }, generation)).toBe(false);
    expect(cache.stats().invalidations).toBe(1);
    const stored = { list: [{ x: 1 }] };
    cache.set('b', stored, cache.generation);
    expect(Object.isFrozen(cache.get('b')!.list)).toBe(true);
  });
});

describe('cacheable operations', () => {
  const sdl = readCommittedSupergraph();
  const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
  const fields = publicFieldsOf(sdl);
  const cacheable = (query: string, operationName?: string) =>
    isPublicCatalogOperation(schema, parse(query), operationName, fields);

  it('should read the public catalog root fields from the supergraph', () => {
    const roots = [...fields].filter((field) => field.startsWith('Query.')).sort();
    expect(roots).toEqual([
      'Query.categories',
      'Query.category',
      'Query.product',
      'Query.products',
      'Query.searchProducts',
      'Query.variant',
    ]);
  });

  it('should accept catalog-only queries and refuse anything else', () => {
    expect(cacheable(`{ products(first: 5) { edges { node { id name __typename } } } }`)).toBe(
      true,
    );
    expect(
      cacheable(`query A { categories { ...C } } fragment C on Category { id name }`, 'A'),
    ).toBe(true);
    expect(cacheable(`{ me { id } }`)).toBe(false);
    expect(cacheable(`{ products(first: 1) { totalCount } me { id } }`)).toBe(false);
    expect(cacheable(`{ orders(first: 1) { edges { node { id } } } }`)).toBe(false);
    expect(cacheable(`{ __schema { queryType { name } } }`)).toBe(false);
    expect(cacheable(`mutation { deleteProduct(id: "1") { deleted } }`)).toBe(false);
    // A fragment reaching another subgraph's field makes the whole operation uncacheable.
    expect(cacheable(`query A { categories { id } } query B { me { id } }`, 'A')).toBe(true);
    expect(cacheable(`query A { categories { id } } query B { me { id } }`, 'B')).toBe(false);
  });
});

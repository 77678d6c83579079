import { describe, expect, it } from 'vitest';
import { readCommittedSupergraph } from '@shop/schema';
import {
  EntityCache,
  fieldTypesOf,
  isPublicEntityFetch,
  representationKey,
  stableJson,
} from '../src/entity-cache';
import { PublicCatalogFields, publicFieldsOf, ResponseCache } from '../src/response-cache';

const sdl = readCommittedSupergraph();
const VARIANTS = `query Q__product__1($representations:[_Any!]!){_entities(representations:$representations){...on Variant{__typename name price{amount}product{name}}}}`;

type Options = Parameters<EntityCache['process']>[0];
type Response = Awaited<ReturnType<EntityCache['process']>>;

const fetchOf = (
  ids: string[],
  query = VARIANTS,
  roles: string[] | null = ['CUSTOMER'],
  extra: Record<string, unknown> = {},
): Options =>
  ({
    kind: 'incoming operation',
    request: {
      query,
      variables: { ...extra, representations: ids.map((id) => ({ __typename: 'Variant', id })) },
    },
    context: { identity: roles ? { userId: 'u1', roles } : null },
    incomingRequestContext: {},
  }) as unknown as Options;

/** A fake product subgraph: answers each representation by id, recording what it was sent. */
function setup(answer?: (ids: string[]) => Response) {
  const responseCache = new ResponseCache();
  const cache = new EntityCache(new PublicCatalogFields(sdl), responseCache);
  const sent: string[][] = [];
  let respond =
    answer ??
    ((ids: string[]) => ({
      data: {
        _entities: ids.map((id) => ({
          __typename: 'Variant',
          name: `name-${id}`,
          price: { amount: id.length },
          product: { name: `product-${id}` },
        })),
      },
    }));
  const send = async (options: Options) => {
    const ids = (options.request.variables!['representations'] as Array<{ id: string }>).map(
      (representation) => representation.id,
    );
    sent.push(ids);
    return respond(ids);
  };
  const run = (options: Options) => cache.process(options, send);
  return {
    cache,
    responseCache,
    sent,
    run,
    setAnswer: (next: (ids: string[]) => Response) => (respond = next),
  };
}

const names = (response: Response) =>
  (response.data?.['_entities'] as Array<{ name: string } | null>).map(
    (entity) => entity?.name ?? null,
  );

describe('entity cache', () => {
  it('should send only the misses and merge the results back in order', async () => {
    const { run, sent, cache } = setup();
    const first = await run(fetchOf(['a', 'b']));
    expect(names(first)).toEqual(['name-a', 'name-b']);
    const second = await run(fetchOf(['c', 'a', 'b', 'd']));
    expect(sent).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(second).toEqual({
      data: {
        _entities: ['c', 'a', 'b', 'd'].map((id) => ({
          __typename: 'Variant',
          name: `name-${id}`,
          price: { amount: 1 },
          product: { name: `product-${id}` },
        })),
      },
    });
    // Every representation hits: no request at all.
    const third = await run(fetchOf(['d', 'c']));
    expect(names(third)).toEqual(['name-d', 'name-c']);
    expect(sent).toHaveLength(2);
    expect(cache.store.stats()).toMatchObject({ hits: 4, misses: 4, entries: 4 });
  });

  it('should give every hit its own copy', async () => {
    const { run } = setup();
    await run(fetchOf(['a']));
    const hit = await run(fetchOf(['a']));
    (hit.data!['_entities'] as Array<Record<string, unknown>>)[0]!['name'] = 'mutated';
    expect(names(await run(fetchOf(['a'])))).toEqual(['name-a']);
  });

  it('should not store entities of a response with errors, and remap error paths', async () => {
    const { run, sent, setAnswer } = setup();
    await run(fetchOf(['a']));
    setAnswer((ids) => ({
      data: { _entities: ids.map((id) => (id === 'x' ? null : { name: `name-${id}` })) },
      errors: [{ message: 'boom', path: ['_entities', 0, 'price'] }],
    }));
    const failed = await run(fetchOf(['a', 'x', 'b']));
    expect(sent.at(-1)).toEqual(['x', 'b']);
    expect(names(failed)).toEqual(['name-a', null, 'name-b']);
    expect(failed.errors).toEqual([{ message: 'boom', path: ['_entities', 1, 'price'] }]);
    // Neither x nor b was stored.
    setAnswer((ids) => ({ data: { _entities: ids.map((id) => ({ name: `name-${id}` })) } }));
    await run(fetchOf(['x', 'b']));
    expect(sent.at(-1)).toEqual(['x', 'b']);
  });

  it('should never store null entities', async () => {
    const { run, sent, setAnswer } = setup();
    setAnswer((ids) => ({ data: { _entities: ids.map(() => null) } }));
    await run(fetchOf(['gone']));
    await run(fetchOf(['gone']));
    expect(sent).toEqual([['gone'], ['gone']]);
  });

  it('should bypass the cache for non-public or non-entity selections', async () => {
    const { run, sent } = setup();
    const queries = [
      // Another subgraph's field, an unknown field, a field outside a typed fragment.
      `query($representations:[_Any!]!){_entities(representations:$representations){...on User{email}}}`,
      `query($representations:[_Any!]!){_entities(representations:$representations){...on Variant{secret}}}`,
      `query($representations:[_Any!]!){_entities(representations:$representations){name}}`,
      // Not a bare `_entities` fetch.
      `query($representations:[_Any!]!){e:_entities(representations:$representations){...on Variant{name}}}`,
      `query($representations:[_Any!]!){_entities(representations:$representations){...on Variant{name}} __typename}`,
      `mutation($representations:[_Any!]!){_entities(representations:$representations){...on Variant{name}}}`,
    ];
    for (const query of queries) {
      await run(fetchOf(['a'], query));
      await run(fetchOf(['a'], query));
    }
    expect(sent).toHaveLength(queries.length * 2);

    // An `@auth` field of the subgraph (here made so in a copy of the supergraph).
    const guarded = sdl.replace(
      'sku: String! @join__field(graph: PRODUCT)',
      'sku: String! @join__field(graph: PRODUCT) @auth(requires: ["ADMIN"])',
    );
    expect(guarded).not.toBe(sdl);
    const check = (query: string) =>
      isPublicEntityFetch(query, publicFieldsOf(guarded), fieldTypesOf(guarded));
    const withSku = `query($representations:[_Any!]!){_entities(representations:$representations){...V} } fragment V on Variant { sku }`;
    expect(check(withSku)).toBe(false);
    expect(check(withSku.replace('{ sku }', '{ name product { name } }'))).toBe(true);
    expect(check(VARIANTS)).toBe(true);
  });

  it('should not store an entity fetched across a clear', async () => {
    const { run, sent, setAnswer, responseCache, cache } = setup();
    setAnswer((ids) => {
      responseCache.clear(true); // a catalog event arrives while the fetch is in flight
      return { data: { _entities: ids.map((id) => ({ name: `name-${id}` })) } };
    });
    expect(names(await run(fetchOf(['a'])))).toEqual(['name-a']);
    expect(cache.store.stats().entries).toBe(0);
    await run(fetchOf(['a']));
    expect(sent).toEqual([['a'], ['a']]);
  });

  it('should follow the response cache clears and key by roles and other variables', async () => {
    const { run, sent, responseCache } = setup();
    await run(fetchOf(['a']));
    responseCache.clear(true);
    await run(fetchOf(['a']));
    expect(sent).toHaveLength(2);
    await run(fetchOf(['a'], VARIANTS, ['ADMIN']));
    await run(fetchOf(['a'], VARIANTS, null));
    await run(fetchOf(['a'], VARIANTS, ['CUSTOMER'], { first: 3 }));
    expect(sent).toHaveLength(5);
    await run(fetchOf(['a'], VARIANTS, ['ADMIN']));
    expect(sent).toHaveLength(5);
  });

  it('should key a { __typename, id } representation without JSON, and others by stable JSON', () => {
    expect(representationKey({ id: 'v-1', __typename: 'Variant' })).toBe('Variant\u0001v-1');
    // Key order does not matter; ids that differ give different keys.
    expect(representationKey({ __typename: 'Variant', id: 'v-1' })).toBe(
      representationKey({ id: 'v-1', __typename: 'Variant' }),
    );
    expect(representationKey({ __typename: 'Variant', id: 'v-2' })).not.toBe(
      representationKey({ __typename: 'Variant', id: 'v-1' }),
    );
    // Anything else (more keys, a non-string id) is stable JSON.
    expect(representationKey({ __typename: 'Variant', id: 'v-1', sku: 'S' })).toBe(
      '{"__typename":"Variant","id":"v-1","sku":"S"}',
    );
    expect(representationKey({ __typename: 'Variant', id: 1 })).toBe(
      '{"__typename":"Variant","id":1}',
    );
  });

  it('should write stable JSON', () => {
    expect(stableJson({ b: 1, a: [{ d: 2, c: null }], u: undefined })).toBe(
      '{"a":[{"c":null,"d":2}],"b":1}',
    );
  });
});

import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { loadSigningKey, mintInternalToken, type Identity } from '@shop/auth';
import {
  authOutcome,
  createSubgraph,
  enforceAuthDirective,
  readAuthRules,
  type BaseSubgraphContext,
  type RunningSubgraph,
} from '../src/index';

// The CommonJS graphql that @apollo/subgraph builds its schema with (see auth-directive.ts).
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

const HEAD = `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])
  @link(url: "https://shopgraph.dev/auth/v1.0", import: ["@auth"])
  @composeDirective(name: "@auth")

directive @auth(requires: [String!]! = ["AUTHENTICATED"]) on FIELD_DEFINITION | OBJECT
`;

const SDL = `${HEAD}
type Query {
  open: String
  mine: String @auth
  users: [String!] @auth(requires: ["ADMIN"])
  internal: String @auth(requires: ["ADMIN", "SERVICE"])
  secret(id: ID!): Secret
}

type Secret @key(fields: "id") @auth(requires: ["ADMIN"]) {
  id: ID!
  value: String
  note: String @auth(requires: ["SERVICE"])
}

type Subscription {
  ticks: Int @auth(requires: ["ADMIN"])
}
`;

const anonymous = null;
const customer: Identity = { userId: 'u-1', roles: ['CUSTOMER'] };
const admin: Identity = { userId: 'u-2', roles: ['CUSTOMER', 'ADMIN'] };
const service: Identity = { userId: 'service:order', roles: ['SERVICE'] };
const adminService: Identity = { userId: 'u-3', roles: ['ADMIN', 'SERVICE'] };

/** Counts every resolver call, so a test can prove a refused resolver never ran. */
function tinySchema(sdl = SDL) {
  const calls: string[] = [];
  const resolvers = {
    Query: {
      open: () => (calls.push('open'), 'open'),
      mine: (_: unknown, __: unknown, context: BaseSubgraphContext) => (
        calls.push('mine'),
        `mine:${context.identity?.userId}`
      ),
      users: () => (calls.push('users'), ['a', 'b']),
      internal: () => (calls.push('internal'), 'internal'),
      secret: (_: unknown, args: { id: string }) => (
        calls.push('secret'),
        { id: args.id, value: `v-${args.id}`, note: `n-${args.id}` }
      ),
    },
    Secret: {
      __resolveReference: (reference: { id: string }) => (
        calls.push('Secret.__resolveReference'),
        { id: reference.id, value: `ref-${reference.id}`, note: 'ref-note' }
      ),
    },
    Subscription: {
      ticks: {
        subscribe: async function* () {
          calls.push('ticks.subscribe');
          yield { ticks: 1 };
        },
      },
    },
  };
  const typeDefs = graphql.parse(sdl);
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: resolvers as unknown as GraphQLResolverMap<unknown>,
  });
  enforceAuthDirective(schema, typeDefs);
  const run = async (
    identity: Identity | null,
    source: string,
    variableValues?: Record<string, unknown>,
  ) =>
    graphql.execute({
      schema,
      document: graphql.parse(source),
      contextValue: { identity, requestId: 'test' },
      ...(variableValues ? { variableValues } : {}),
    });
  return { schema, calls, run };
}

const codes = (result: { errors?: readonly { extensions: Record<string, unknown> }[] }) =>
  (result.errors ?? []).map((error) => error.extensions.code);

describe('@auth in a subgraph', () => {
  it('should read the rules with their defaults and reject an unknown role at startup', () => {
    const rules = readAuthRules(graphql.parse(SDL));
    expect(rules.fields.get('Query.mine')).toEqual([['AUTHENTICATED']]);
    expect(rules.fields.get('Query.internal')).toEqual([['ADMIN', 'SERVICE']]);
    expect(rules.fields.has('Query.open')).toBe(false);
    expect(rules.types.get('Secret')).toEqual([['ADMIN']]);

    const typo = SDL.replace('requires: ["ADMIN"])\n  internal', 'requires: ["ADMN"])\n  internal');
    expect(typo).not.toBe(SDL);
    expect(() => tinySchema(typo)).toThrow(/@auth on Query\.users: unknown role "ADMN"/);
    expect(() =>
      tinySchema(SDL.replace('@auth(requires: ["SERVICE"])', '@auth(requires: [])')),
    ).toThrow(/Secret\.note: "requires" must list at least one role/);
  });

  it('should follow the name @auth is imported under', () => {
    const renamed = `extend schema @link(url: "https://shopgraph.dev/auth/v1.0", import: [{ name: "@auth", as: "@guard" }])
      directive @guard(requires: [String!]! = ["ADMIN"]) on FIELD_DEFINITION | OBJECT
      type Query { a: String @guard  b: String @auth(requires: ["NOT_A_ROLE"]) }`;
    // `@auth` is not the directive here, so its bogus argument is not read; `@guard` is.
    expect(Object.fromEntries(readAuthRules(graphql.parse(renamed)).fields)).toEqual({
      'Query.a': [['ADMIN']],
    });
  });

  it('should decide any-of roles, AUTHENTICATED and anonymous callers', () => {
    expect(authOutcome(anonymous, ['AUTHENTICATED'])).toBe('unauthenticated');
    expect(authOutcome(customer, ['AUTHENTICATED'])).toBe('ok');
    expect(authOutcome(customer, ['ADMIN'])).toBe('forbidden');
    expect(authOutcome(service, ['ADMIN', 'SERVICE'])).toBe('ok');
  });

  it('should refuse a guarded field before its resolver runs and leave the others alone', async () => {
    const { run, calls } = tinySchema();

    const anon = await run(anonymous, '{ open mine }');
    expect(anon.data).toEqual({ open: 'open', mine: null });
    expect(codes(anon)).toEqual(['UNAUTHENTICATED']);
    expect(anon.errors?.[0]?.message).toBe('Authentication required to access Query.mine');
    expect(anon.errors?.[0]?.path).toEqual(['mine']);
    expect(calls).toEqual(['open']);

    const signedIn = await run(customer, '{ mine }');
    expect(signedIn).toEqual({ data: { mine: 'mine:u-1' } });

    const refused = await run(customer, '{ users }');
    expect(refused.data).toEqual({ users: null });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors?.[0]?.message).toBe('Query.users requires ADMIN');
    expect(calls).not.toContain('users');

    expect(await run(admin, '{ users }')).toEqual({ data: { users: ['a', 'b'] } });
    // Any one of the listed roles is enough.
    expect(await run(service, '{ internal }')).toEqual({ data: { internal: 'internal' } });
    expect(await run(admin, '{ internal }')).toEqual({ data: { internal: 'internal' } });
    expect(codes(await run(customer, '{ internal }'))).toEqual(['FORBIDDEN']);
  });

  it('should guard every field of an object type, its own rules on top', async () => {
    const { run } = tinySchema();
    const query = '{ secret(id: "s1") { id value } }';

    // `secret` itself is open; each field of the guarded type is refused (the non-null `id`
    // nulls its parent).
    const refused = await run(customer, query);
    expect(refused.data).toEqual({ secret: null });
    expect(refused.errors?.map((error) => error.message)).toContain('Secret.id requires ADMIN');
    const value = await run(customer, '{ secret(id: "s1") { value } }');
    expect(value.data).toEqual({ secret: { value: null } });
    expect(codes(value)).toEqual(['FORBIDDEN']);
    expect(value.errors?.[0]?.message).toBe('Secret.value requires ADMIN');

    expect(await run(admin, query)).toEqual({ data: { secret: { id: 's1', value: 'v-s1' } } });

    // Secret.note needs ADMIN (its type) AND SERVICE (its own rule).
    const note = '{ secret(id: "s1") { note } }';
    expect((await run(admin, note)).errors?.[0]?.message).toBe('Secret.note requires SERVICE');
    expect((await run(service, note)).errors?.[0]?.message).toBe('Secret.note requires ADMIN');
    expect(await run(adminService, note)).toEqual({ data: { secret: { note: 'n-s1' } } });
  });

  it('should guard __resolveReference of an object type with @auth', async () => {
    const { run, calls } = tinySchema();
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Secret { value } } }`;
    const representations = { r: [{ __typename: 'Secret', id: 's9' }] };

    const refused = await run(customer, entities, representations);
    expect(refused.data).toEqual({ _entities: [null] });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors?.[0]?.path).toEqual(['_entities', 0]);
    const anon = await run(anonymous, entities, representations);
    expect(codes(anon)).toEqual(['UNAUTHENTICATED']);
    expect(calls).not.toContain('Secret.__resolveReference');

    const allowed = await run(admin, entities, representations);
    expect(allowed).toEqual({ data: { _entities: [{ value: 'ref-s9' }] } });
    expect(calls).toEqual(['Secret.__resolveReference']);
  });

  it('should check a subscription when it starts, before its source stream exists', async () => {
    const { schema, calls } = tinySchema();
    const start = (identity: Identity | null) =>
      graphql.subscribe({
        schema,
        document: graphql.parse('subscription { ticks }'),
        contextValue: { identity, requestId: 'test' },
      });

    const refused = (await start(customer)) as GraphQL.ExecutionResult;
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(calls).toEqual([]);

    const stream = (await start(admin)) as AsyncIterableIterator<GraphQL.ExecutionResult>;
    expect(Symbol.asyncIterator in stream).toBe(true);
    expect((await stream.next()).value).toEqual({ data: { ticks: 1 } });
    expect(calls).toEqual(['ticks.subscribe']);
  });
});

describe('@auth through createSubgraph', () => {
  let subgraph: RunningSubgraph | undefined;
  afterEach(async () => {
    await subgraph?.stop();
    subgraph = undefined;
  });

  it('should enforce @auth on every subgraph it starts, and refuse to start on a typo', async () => {
    const gatewayKey = await loadSigningKey();
    const { resolvers } = (() => {
      const users = () => ['a', 'b'];
      return { resolvers: { Query: { open: () => 'open', users } } };
    })();
    const sdl = `${HEAD} type Query { open: String  users: [String!] @auth(requires: ["ADMIN"]) }`;
    subgraph = await createSubgraph<BaseSubgraphContext>({
      name: 'tiny',
      typeDefs: graphql.parse(sdl),
      resolvers,
      gatewayKeys: [gatewayKey],
      context: (base) => base,
      host: '127.0.0.1',
    });
    const call = async (identity: Identity | null) => {
      const response = await fetch(new URL('/graphql', subgraph!.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await mintInternalToken(gatewayKey, 'tiny', identity)}`,
        },
        body: JSON.stringify({ query: '{ open users }' }),
      });
      return (await response.json()) as {
        data?: unknown;
        errors?: { message: string; extensions: Record<string, unknown> }[];
      };
    };

    const refused = await call(customer);
    expect(refused.data).toEqual({ open: 'open', users: null });
    expect(refused.errors?.map((error) => [error.extensions.code, error.message])).toEqual([
      ['FORBIDDEN', 'Query.users requires ADMIN'],
    ]);
    expect((await call(anonymous)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(await call(admin)).toEqual({ data: { open: 'open', users: ['a', 'b'] } });

    await expect(
      createSubgraph<BaseSubgraphContext>({
        name: 'typo',
        typeDefs: graphql.parse(sdl.replace('"ADMIN"', '"ADMINS"')),
        resolvers,
        gatewayKeys: [gatewayKey],
        context: (base) => base,
        host: '127.0.0.1',
      }),
    ).rejects.toThrow(/unknown role "ADMINS"/);
  });
});

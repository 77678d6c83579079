import { setLogSink } from '@shop/log';
import { createHash } from 'node:crypto';
import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readCommittedSupergraph } from '@shop/schema';
import { PlanExecutor } from '../src/execution/plan-executor';

// The plan executor over the committed supergraph with scripted subgraph answers (the data
// sources are the HTTP boundary; apps/embedded/e2e/plan-executor.e2e.ts runs it against the real
// subgraphs and @apollo/gateway's executor). Pins what the e2e corpus cannot provoke: error
// paths of entity fetches when some entities are skipped, and the fall-back when the executor
// itself fails.

type RequestContext = Parameters<ApolloGateway['executor']>[0];
type Request = { query: string; variables?: Record<string, unknown> };
type Answer = (request: Request) => { data?: unknown; errors?: unknown[] };

const sdl = readCommittedSupergraph();
// The API schema as @apollo/gateway builds it (graphql's CommonJS build, like the real one).
const apiSchema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();

function setup(
  answers: Record<string, Answer>,
  admitPlanning?: ConstructorParameters<typeof PlanExecutor>[0]['admitPlanning'],
) {
  const sent: Array<{ subgraph: string; request: Request }> = [];
  const dataSources = Object.fromEntries(
    Object.entries(answers).map(([subgraph, answer]) => [
      subgraph,
      {
        process: async ({ request }: { request: Request }) => {
          sent.push({ subgraph, request });
          return answer(request);
        },
      } as unknown as GraphQLDataSource,
    ]),
  );
  const fallback = vi.fn(async () => ({ data: { answeredBy: 'apollo' } }));
  const executor = new PlanExecutor({
    supergraphSdl: sdl,
    dataSourceOf: (subgraph) => dataSources[subgraph],
    fallback: fallback as unknown as ApolloGateway['executor'],
    ...(admitPlanning ? { admitPlanning } : {}),
  });
  const execute = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    return executor.execute({
      request: { query, variables },
      document,
      queryHash: createHash('sha256').update(query).digest('hex'),
      operation: document.definitions[0] as OperationDefinitionNode,
      schema: apiSchema,
      context: {},
    } as unknown as RequestContext);
  };
  return { executor, execute, sent, fallback };
}

/** `me` (user) and its orders (order: the `User` entity's `orders` page). */
function meWithOrders(orders: Array<{ id?: string }>): Record<string, Answer> {
  return {
    user: () => ({ data: { me: { __typename: 'User', id: 'u1' } } }),
    order: () => ({
      data: {
        _entities: [
          {
            orders: { edges: orders.map((order) => ({ node: { __typename: 'Order', ...order } })) },
          },
        ],
      },
    }),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('plan executor', () => {
  it('reports an entity fetch error at its place in the response', async () => {
    const { execute, sent } = setup({
      ...meWithOrders([{ id: 'o1' }, { id: 'o2' }, { id: 'o3' }]),
      payment: (request) => {
        const representations = request.variables?.representations as Array<{ id: string }>;
        expect(representations.map((r) => r.id)).toEqual(['o1', 'o2', 'o3']);
        return {
          data: {
            _entities: [
              { paymentStatus: 'CAPTURED' },
              { paymentStatus: null },
              { paymentStatus: 'NONE' },
            ],
          },
          errors: [
            {
              message: 'payments are down for o2',
              path: ['_entities', 1, 'paymentStatus'],
              extensions: { code: 'SERVICE_UNAVAILABLE' },
            },
          ],
        };
      },
    });
    const result = await execute(
      `{ me { id orders(first: 3) { edges { node { id paymentStatus } } } } }`,
    );
    expect(sent.map((s) => s.subgraph)).toEqual(['user', 'order', 'payment']);
    expect(JSON.parse(JSON.stringify(result.data))).toEqual({
      me: {
        id: 'u1',
        orders: {
          edges: [
            { node: { id: 'o1', paymentStatus: 'CAPTURED' } },
            { node: { id: 'o2', paymentStatus: null } },
            { node: { id: 'o3', paymentStatus: 'NONE' } },
          ],
        },
      },
    });
    expect(result.errors?.map((e) => [e.message, e.path, e.extensions])).toEqual([
      [
        'payments are down for o2',
        ['me', 'orders', 'edges', 1, 'node', 'paymentStatus'],
        { code: 'SERVICE_UNAVAILABLE', serviceName: 'payment' },
      ],
    ]);
  });

  it('maps an entity error past entities that sent no representation (no key fields)', async () => {
    const { execute } = setup({
      // The second order has no `id`: no representation, so payment gets two, not three.
      ...meWithOrders([{ id: 'o1' }, {}, { id: 'o3' }]),
      payment: (request) => {
        const representations = request.variables?.representations as Array<{ id: string }>;
        expect(representations.map((r) => r.id)).toEqual(['o1', 'o3']);
        return {
          data: { _entities: [{ paymentStatus: 'NONE' }, null] },
          errors: [{ message: 'o3 failed', path: ['_entities', 1, 'paymentStatus'] }],
        };
      },
    });
    const result = await execute(
      `{ me { orders(first: 3) { edges { node { paymentStatus } } } } }`,
    );
    // The second representation is the third order.
    expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['me', 'orders', 'edges', 2, 'node', 'paymentStatus'], 'DOWNSTREAM_SERVICE_ERROR'],
    ]);
    expect(JSON.parse(JSON.stringify(result.data))).toEqual({
      me: {
        orders: {
          edges: [
            { node: { paymentStatus: 'NONE' } },
            { node: { paymentStatus: null } },
            { node: { paymentStatus: null } },
          ],
        },
      },
    });
  });

  it('keeps going when one fetch fails: the error names the subgraph, other data stays', async () => {
    const { execute } = setup({
      user: () => ({ data: { me: { __typename: 'User', id: 'u1', name: 'Ada' } } }),
      order: () => {
        throw Object.assign(new Error('order subgraph unreachable'), {
          extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
        });
      },
    });
    const result = await execute(`{ me { id name orders(first: 1) { edges { node { id } } } } }`);
    expect(JSON.parse(JSON.stringify(result.data))).toEqual({
      me: { id: 'u1', name: 'Ada', orders: null },
    });
    expect(result.errors?.map((e) => e.message)).toEqual(['order subgraph unreachable']);
  });

  it('plans once per operation shape: a new operation name is not a new plan', async () => {
    const planned = vi.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
    const { execute, sent } = setup({
      product: () => ({ data: { a: [{ id: 'c1' }], b: [{ name: 'Shoes' }] } }),
    });
    for (const name of ['First', 'Second', 'Third', 'Fourth']) {
      expect(
        await execute(`query ${name} { a: categories { id } b: categories { name } }`),
      ).toEqual({ data: { a: [{ id: 'c1' }], b: [{ name: 'Shoes' }] } });
    }
    expect(planned).toHaveBeenCalledTimes(1);
    // The subgraph gets one anonymous fetch text (its compiled-query cache is reused too).
    expect(new Set(sent.map(({ request }) => request.query)).size).toBe(1);
    expect(sent[0]!.request.query).not.toMatch(/First|Second|Third|Fourth/);
    // Another selection is another plan.
    await execute(`query Fifth { a: categories { id } }`);
    expect(planned).toHaveBeenCalledTimes(2);
  });

  it('asks before planning a new shape only, and answers a refusal without planning', async () => {
    const planned = vi.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
    let budget = 1;
    const asked: string[] = [];
    const { execute } = setup(
      { product: () => ({ data: { a: [{ id: 'c1' }] } }) },
      async (requestContext) => {
        asked.push(requestContext.request.query!);
        return budget-- > 0
          ? undefined
          : { message: 'Too many new operations', code: 'RATE_LIMITED', retryAfterSeconds: 7 };
      },
    );
    expect(await execute(`query One { a: categories { id } }`)).toEqual({
      data: { a: [{ id: 'c1' }] },
    });
    // Known shape (another name): served without asking.
    expect(await execute(`query Two { a: categories { id } }`)).toEqual({
      data: { a: [{ id: 'c1' }] },
    });
    // New shape past the budget: refused, not planned.
    const refused = await execute(`query Three { b: categories { id } }`);
    expect(refused.errors?.map((e) => [e.message, e.extensions])).toEqual([
      ['Too many new operations', { code: 'RATE_LIMITED', retryAfterSeconds: 7 }],
    ]);
    expect(asked).toHaveLength(2);
    expect(planned).toHaveBeenCalledTimes(1);
  });

  it('hands a query to @apollo/gateway when the executor itself fails, now and afterwards', async () => {
    const errors: string[] = [];
    setLogSink((level, line) => level === 'error' && errors.push(line));
    const broken = {
      __typename: 'Category',
      id: 'c1',
      get name(): string {
        throw new TypeError('a bug in shaping');
      },
    };
    const { execute, executor, sent, fallback } = setup({
      product: () => ({ data: { categories: [broken] } }),
    });
    const query = `{ categories { id name } }`;
    expect(await execute(query)).toEqual({ data: { answeredBy: 'apollo' } });
    expect(await execute(query)).toEqual({ data: { answeredBy: 'apollo' } });
    expect(sent).toHaveLength(1); // the second request went straight to the fallback
    expect(fallback).toHaveBeenCalledTimes(2);
    // Both requests were answered by the fallback for that reason.
    expect(executor.stats.fallbacks['runtime error']).toBe(2);
    expect(executor.stats.fallbacks.operation).toBeUndefined();
    expect(errors).toHaveLength(1);
    setLogSink(undefined);
  });

  it('never re-runs a mutation that failed inside the executor', async () => {
    const { execute, fallback } = setup({
      user: () => ({
        data: {
          logout: {
            get success(): boolean {
              throw new TypeError('a bug in shaping');
            },
          },
        },
      }),
    });
    await expect(
      execute(`mutation { logout(input: { refreshToken: "x" }) { success } }`),
    ).rejects.toThrow('a bug in shaping');
    expect(fallback).not.toHaveBeenCalled();
  });

  it('hands everything to @apollo/gateway while a new supergraph cannot be loaded', async () => {
    const { execute, executor, fallback, sent } = setup({
      product: () => ({ data: { categories: [{ __typename: 'Category', id: 'c1' }] } }),
    });
    const query = `{ categories { id } }`;
    expect((await execute(query)).data).toEqual({ categories: [{ id: 'c1' }] });
    expect(() => executor.reload('type Query { broken: Boolean }')).toThrow();
    expect(await execute(query)).toEqual({ data: { answeredBy: 'apollo' } });
    expect(executor.stats.fallbacks.supergraph).toBe(1);
    executor.reload(sdl);
    expect((await execute(query)).data).toEqual({ categories: [{ id: 'c1' }] });
    expect(sent).toHaveLength(2);
    expect(fallback).toHaveBeenCalledOnce();
  });

  it('leaves introspection and invalid variables to @apollo/gateway', async () => {
    const { execute, executor, sent } = setup({});
    await execute(`{ __schema { queryType { name } } }`);
    await execute(`query ($first: Int!) { products(first: $first) { totalCount } }`, {
      first: 'many',
    });
    expect(sent).toHaveLength(0);
    expect(executor.stats).toEqual({
      executed: 0,
      fallbacks: { introspection: 1, variables: 1 },
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL } from '@shop/testing';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import { startTestGraph, type TestGraph } from './harness';

// The gateway's default limits, through the real graph: requests are refused with a code before
// any subgraph is called, and a dead subgraph gives partial data with an error naming it.
describe('gateway limits and subgraph faults (default limits)', () => {
  let t: TestGraph;
  let subgraphRequests: () => Promise<number>;
  beforeAll(async () => {
    t = await startTestGraph('pglite', { requestLimits: {}, subgraphTimeoutMs: 2_000 });
    subgraphRequests = async () => {
      let total = 0;
      for (const subgraph of Object.values(t.graph.subgraphs)) {
        const text = await (await fetch(new URL('/metrics', subgraph.url))).text();
        for (const match of text.matchAll(
          /http_requests_total\{[^}]*route="\/graphql"[^}]*\} (\d+)/g,
        )) {
          total += Number(match[1]);
        }
      }
      return total;
    };
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should reject a too-deep query with 400 QUERY_TOO_DEEP before calling any subgraph', async () => {
    const before = await subgraphRequests();
    const deep = `query { categories { ${'children { '.repeat(14)}id${' }'.repeat(14)} } }`;
    const result = await t.gql(deep);
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(await subgraphRequests()).toBe(before);
  });

  it('should report the cost estimate of an accepted operation', async () => {
    const result = await t.gql(`query { products(first: 5) { edges { node { name } } } }`);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.extensions?.cost).toMatchObject({
      estimated: expect.any(Number),
      limit: expect.any(Number),
    });
  });

  it('should count each aliased login attempt and answer 429 once the budget is spent', async () => {
    const email = DEMO_ACCOUNTS.customer.email;
    const aliases = Array.from(
      { length: 11 },
      (_, i) =>
        `a${i}: login(input: { email: "${email}", password: "wrong-${i}" }) { accessToken }`,
    ).join('\n');
    const result = await postGraphQL(t.url, { query: `mutation { ${aliases} }` });
    expect(result.status).toBe(429);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(result.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('should return partial data with an error naming a dead subgraph, quickly', async () => {
    const customer = await t.newCustomer();
    // The gateway has verified this caller's token before (its JWKS is cached), as in production.
    expect((await t.gql(`query { me { id } }`, {}, customer.token)).body.data?.me.id).toBe(
      customer.id,
    );
    await t.graph.subgraphs.user!.stop();
    const started = Date.now();
    const result = await t.gql(
      `query { products(first: 1) { totalCount } me { id } }`,
      {},
      customer.token,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result.body.data?.products.totalCount).toBeGreaterThan(0);
    expect(result.body.data?.me ?? null).toBeNull();
    const error = result.body.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'user' });
    expect(error?.message).toContain('user');
  });
});

import { postGraphQL } from '@shop/testing';
import { startTestGraph, type TestGraph } from '../../e2e/harness';

/** Sign-in attempts one IP may make for one email per window (scaled down from 10 per 15 min). */
export const LOGIN_BUDGET = 10;

/**
 * The whole graph (PGlite) for the auth tests, with the production limiter shapes but budgets a
 * CI run can exhaust: per IP+email `LOGIN_BUDGET` per minute; per IP / per user high enough
 * that only the login limit under test can trip.
 */
export function startAuthGraph(): Promise<TestGraph> {
  return startTestGraph('pglite', {
    requestLimits: {
      perIp: { points: 1_000_000, durationMs: 60_000 },
      newOperationsPerIp: { points: 1_000_000, durationMs: 60_000 },
      perUser: { points: 1_000_000, durationMs: 60_000 },
      loginPerIpEmail: { points: LOGIN_BUDGET, durationMs: 60_000 },
      loginPerIp: { points: 10_000, durationMs: 60_000 },
      accountCreationPerIp: { points: 10_000, durationMs: 60_000 },
    },
    subgraphTimeoutMs: 10_000,
  });
}

export const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { accessToken refreshToken userErrors { code } } }`;
export const REFRESH = `mutation Refresh($input: RefreshTokenInput!) { refreshToken(input: $input) { accessToken refreshToken userErrors { code } } }`;
export const ME = `query Me { me { id email roles } }`;

/** Mutations `graph`'s user subgraph executed so far (each login/register = one argon2 hash). */
export async function userMutations(graph: TestGraph): Promise<number> {
  return (await graph.graph.subgraphs.user!.metrics.operations.get()).values
    .filter((value) => value.labels.operation_type === 'mutation')
    .reduce((sum, value) => sum + value.value, 0);
}

/** One `login` with `email` and `password` at the gateway `url`. */
export function login(url: string, email: string, password: string) {
  return postGraphQL<{ login: { accessToken: string | null; refreshToken: string | null } }>(url, {
    query: LOGIN,
    variables: { input: { email, password } },
  });
}

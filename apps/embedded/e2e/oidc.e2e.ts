import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  followAuthorization,
  startTestProvider,
  type TestProvider,
} from '@shop/user-subgraph/test/oidc-provider';
import { graphTargets, startTestGraph, type TestGraph } from './harness';
import { ADD_LINES, MERGE } from './operations';

const CLIENT = {
  clientId: 'shopgraph-e2e',
  clientSecret: 'e2e-client-secret-value',
  redirectUri: 'http://127.0.0.1:3000/auth/callback/op',
};

const START = `mutation ($input: StartOidcSignInInput!) {
  startOidcSignIn(input: $input) { authorizationUrl state expiresAt userErrors { code message } } }`;
const COMPLETE = `mutation ($input: CompleteOidcSignInInput!) {
  completeOidcSignIn(input: $input) {
    user { id email name } accessToken accessTokenExpiresAt refreshToken userErrors { code } } }`;
const REFRESH = `mutation ($input: RefreshTokenInput!) {
  refreshToken(input: $input) { accessToken userErrors { code } } }`;

// One target: Postgres when DATABASE_URL is set (CI), else PGlite. The protocol cases run
// against the user subgraph directly (subgraphs/user/test/oidc/oidc.test.ts).
const target = graphTargets().at(-1)!;

describe(`sign-in with an OpenID provider through the gateway on ${target}`, () => {
  let op: TestProvider;
  let t: TestGraph;
  beforeAll(async () => {
    op = await startTestProvider(CLIENT);
    t = await startTestGraph(target, {
      oidcProviders: [{ id: 'op', name: 'Test OP', issuer: op.issuer, ...CLIENT }],
    });
  });
  afterAll(async () => {
    await t?.stop();
    await op?.stop();
  });

  it('should list the provider, sign in over HTTP, merge the guest cart and refresh', async () => {
    const providers = await t.gql(`{ oidcProviders { id name } }`);
    expect(providers.body.data?.oidcProviders).toEqual([{ id: 'op', name: 'Test OP' }]);

    // A guest fills a cart first.
    const products = await t.gql(
      `{ products(first: 10) { edges { node { variants { id stockOnHand } } } } }`,
    );
    const variantId = (
      products.body.data?.products.edges as Array<{
        node: { variants: Array<{ id: string; stockOnHand: number }> };
      }>
    )
      .flatMap((edge) => edge.node.variants)
      .find((variant) => variant.stockOnHand >= 2)!.id;
    const guest = await t.gql(ADD_LINES, { input: { lines: [{ variantId, quantity: 2 }] } });
    const cartToken = guest.body.data?.addCartLines.cartToken as string;
    expect(cartToken).toBeTruthy();

    // start → the provider's login (interaction endpoints) → redirect → complete.
    const email = `oidc-e2e-${Date.now()}@example.test`;
    op.addAccount({ sub: 'e2e-subject', email, email_verified: true, name: 'E2E Person' });
    op.loginAs('e2e-subject');
    const started = await t.gql(START, { input: { provider: 'op' } });
    expect(started.body.data?.startOidcSignIn.userErrors).toEqual([]);
    const back = await followAuthorization(
      started.body.data?.startOidcSignIn.authorizationUrl,
      CLIENT.redirectUri,
    );
    const completed = await t.gql(COMPLETE, {
      input: { code: back.get('code'), state: back.get('state'), iss: back.get('iss') },
    });
    const payload = completed.body.data?.completeOidcSignIn;
    expect(payload.userErrors).toEqual([]);
    expect(payload.user).toMatchObject({ email, name: 'E2E Person' });

    // The access token works at the gateway like a password login's.
    const me = await t.gql(
      `{ me { id email identities { provider subject emailVerified } } }`,
      {},
      payload.accessToken,
    );
    expect(me.body.data?.me).toEqual({
      id: payload.user.id,
      email,
      identities: [{ provider: 'op', subject: 'e2e-subject', emailVerified: true }],
    });
    const merged = await t.gql(
      MERGE,
      { input: { cartToken, strategy: 'MERGE' } },
      payload.accessToken,
    );
    expect(merged.body.data?.mergeGuestCart.userErrors).toEqual([]);
    expect(merged.body.data?.mergeGuestCart.cart.lines).toEqual([{ variantId, quantity: 2 }]);
    const refreshed = await t.gql(REFRESH, { input: { refreshToken: payload.refreshToken } });
    expect(refreshed.body.data?.refreshToken.userErrors).toEqual([]);

    // The same state again: a typed error, not a 500.
    const replay = await t.gql(COMPLETE, {
      input: { code: back.get('code'), state: back.get('state') },
    });
    expect(replay.status).toBe(200);
    expect(replay.body.data?.completeOidcSignIn.userErrors).toEqual([
      { code: 'OIDC_STATE_INVALID' },
    ]);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogSink, type LogSink } from '@shop/log';
import { testDatabaseTargets } from '@shop/testing';
import { PASSWORD, REGISTER, uniqueEmail } from '../harness';
import { startFakeGithub } from './fake-github';
import {
  closedPort,
  COMPLETE,
  COMPLETE_LINK,
  ME,
  START,
  START_LINK,
  startOidcHarness,
  UNLINK,
  type OidcHarness,
} from './harness';
import { followAuthorization, startTestProvider, type TestProvider } from './test-provider';

const CLIENT = {
  clientId: 'shopgraph',
  clientSecret: 'test-client-secret-value',
  redirectUri: 'http://127.0.0.1:3000/auth/callback/op',
};
const GITHUB_CLIENT = {
  clientId: 'gh-client',
  clientSecret: 'gh-secret',
  redirectUri: 'http://127.0.0.1:3000/auth/callback/github',
};

type Errors = Array<{ code: string; message: string }>;
interface Started {
  authorizationUrl: string | null;
  state: string | null;
  expiresAt: string | null;
  userErrors: Errors;
}
interface Completed {
  user: { id: string; email: string | null; name: string } | null;
  accessToken: string | null;
  refreshToken: string | null;
  userErrors: Errors;
}
const codes = (payload: { userErrors: Errors }) => payload.userErrors.map((e) => e.code);

describe.each(testDatabaseTargets())(
  'sign-in with OpenID Connect and GitHub on $name',
  (target) => {
    let op: TestProvider;
    let github: Awaited<ReturnType<typeof startFakeGithub>>;
    let hanging: Server;
    let h: OidcHarness;
    const logLines: string[] = [];
    let previousSink: LogSink;
    let accounts = 0;

    beforeAll(async () => {
      op = await startTestProvider(CLIENT);
      github = await startFakeGithub(GITHUB_CLIENT);
      // Accepts connections and never answers: a provider that hangs.
      hanging = createServer(() => {});
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
      const hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
      h = await startOidcHarness(target, [
        { id: 'op', name: 'Test OP', issuer: op.issuer, ...CLIENT },
        { id: 'github', type: 'github', ...GITHUB_CLIENT, ...github.endpoints },
        { id: 'down', issuer: `http://127.0.0.1:${await closedPort()}`, ...CLIENT },
        { id: 'hanging', issuer: hangingUrl, ...CLIENT },
      ]);
      previousSink = setLogSink((_level, line) => logLines.push(line));
    });
    afterAll(async () => {
      setLogSink(previousSink);
      await h?.close();
      await op?.stop();
      await github?.stop();
      hanging?.closeAllConnections();
      await new Promise<void>((resolve) => (hanging ? hanging.close(() => resolve()) : resolve()));
    });

    /** A provider account with a fresh sub and email. */
    const newAccount = (claims: { email_verified?: boolean; email?: string } = {}) => {
      accounts += 1;
      const sub = `sub-${Date.now().toString(36)}-${accounts}`;
      const account = {
        sub,
        email: claims.email ?? uniqueEmail('oidc'),
        email_verified: claims.email_verified ?? true,
        name: `OIDC Person ${accounts}`,
      };
      op.addAccount(account);
      return account;
    };

    const start = async (provider = 'op') =>
      (await h.call<{ startOidcSignIn: Started }>(null, START, { provider })).startOidcSignIn;

    const complete = async (input: { code: string; state: string; iss?: string | null }) =>
      (await h.call<{ completeOidcSignIn: Completed }>(null, COMPLETE, input)).completeOidcSignIn;

    /** start → provider login as `sub` → the redirect's code and state. */
    const authorize = async (sub: string, tamper?: (url: URL) => void) => {
      const started = await start();
      expect(started.userErrors).toEqual([]);
      op.loginAs(sub);
      const url = new URL(started.authorizationUrl!);
      tamper?.(url);
      const back = await followAuthorization(url.href, CLIENT.redirectUri);
      expect(back.get('state')).toBe(started.state);
      return { code: back.get('code')!, state: back.get('state')!, iss: back.get('iss') };
    };

    it('should sign in with a verified provider email, creating the account once', async () => {
      const account = newAccount();
      const first = await complete(await authorize(account.sub));
      expect(first.userErrors).toEqual([]);
      expect(first.user).toMatchObject({ email: account.email, name: account.name });
      expect(first.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const identity = await h.identityOf(first.accessToken);
      expect(identity).toEqual({ userId: first.user!.id, roles: ['CUSTOMER'] });

      const me = await h.call(identity, ME);
      expect(me.me.identities).toEqual([
        { provider: 'op', subject: account.sub, email: account.email, emailVerified: true },
      ]);
      // Created only from an email the provider verified: the account's email is verified too.
      expect(me.me.emailVerified).toBe(true);
      const again = await complete(await authorize(account.sub));
      expect(again.user!.id).toBe(first.user!.id);
    });

    it('should send PKCE S256, state and nonce, and keep only the state hash server-side', async () => {
      const started = await start();
      const url = new URL(started.authorizationUrl!);
      expect(url.origin).toBe(op.issuer);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(url.searchParams.get('state')).toBe(started.state);
      expect(url.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(url.searchParams.get('redirect_uri')).toBe(CLIENT.redirectUri);
      expect(url.searchParams.get('scope')).toBe('openid email profile');
      const expiresIn = Date.parse(started.expiresAt!) - Date.now();
      expect(expiresIn).toBeGreaterThan(590_000);
      expect(expiresIn).toBeLessThanOrEqual(600_000);
      const rows = await h.database.query<{ state_hash: string }>(
        `select state_hash from "user".oidc_flows`,
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.map((r) => r.state_hash)).not.toContain(started.state);
    });

    it('should join the existing account of a verified email', async () => {
      const email = uniqueEmail('linked');
      const registered = (
        await h.call(null, REGISTER, { email, password: PASSWORD, name: 'Pass Word' })
      ).register;
      const account = newAccount({ email: email.toUpperCase() });
      const signedIn = await complete(await authorize(account.sub));
      expect(signedIn.userErrors).toEqual([]);
      expect(signedIn.user!.id).toBe(registered.user.id);
    });

    it('should never let an unverified email join or create an account', async () => {
      const email = uniqueEmail('victim');
      await h.call(null, REGISTER, { email, password: PASSWORD, name: 'Victim' });
      const attacker = newAccount({ email, email_verified: false });
      const refused = await complete(await authorize(attacker.sub));
      expect(codes(refused)).toEqual(['OIDC_EMAIL_NOT_VERIFIED']);
      expect(refused.accessToken).toBeNull();
      const fresh = newAccount({ email_verified: false });
      expect(codes(await complete(await authorize(fresh.sub)))).toEqual([
        'OIDC_EMAIL_NOT_VERIFIED',
      ]);
      const linked = await h.database.query<{ n: number }>(
        `select count(*)::int as n from "user".identities where subject in ($1, $2)`,
        [attacker.sub, fresh.sub],
      );
      const created = await h.database.query<{ n: number }>(
        `select count(*)::int as n from "user".users where email = $1`,
        [fresh.email],
      );
      expect([linked[0]!.n, created[0]!.n]).toEqual([0, 0]);
    });

    it('should refuse a wrong, unknown or reused state', async () => {
      const account = newAccount();
      const { code, state } = await authorize(account.sub);
      expect(codes(await complete({ code, state: 'not-a-state-we-issued' }))).toEqual([
        'OIDC_STATE_INVALID',
      ]);
      expect(codes(await complete({ code, state: '' }))).toEqual(['OIDC_STATE_INVALID']);
      // RFC 9207: a redirect that names another issuer is refused (and the flow is spent).
      const other = await authorize(account.sub);
      expect(codes(await complete({ ...other, iss: 'https://mix-up.example' }))).toEqual([
        'OIDC_TOKEN_INVALID',
      ]);
      expect((await complete({ code, state })).userErrors).toEqual([]);
      expect(codes(await complete({ code, state }))).toEqual(['OIDC_STATE_INVALID']);
    });

    it('should reject a replayed authorization code in a new flow', async () => {
      const account = newAccount();
      const first = await authorize(account.sub);
      expect((await complete(first)).userErrors).toEqual([]);
      const second = await start();
      const replayed = await complete({ code: first.code, state: second.state! });
      expect(codes(replayed)).toEqual(['OIDC_CODE_REJECTED']);
      expect(replayed.accessToken).toBeNull();
    });

    it('should reject an ID token whose nonce is not the flow’s', async () => {
      const account = newAccount();
      const tampered = await authorize(account.sub, (url) =>
        url.searchParams.set('nonce', 'an-attacker-chosen-nonce-value-0123456789abc'),
      );
      expect(codes(await complete(tampered))).toEqual(['OIDC_NONCE_MISMATCH']);
    });

    it('should reject an expired ID token', async () => {
      const account = newAccount();
      op.setIdTokenTtl(-3600);
      try {
        expect(codes(await complete(await authorize(account.sub)))).toEqual(['OIDC_TOKEN_EXPIRED']);
      } finally {
        op.setIdTokenTtl(600);
      }
    });

    it('should accept ID tokens signed with a rotated key published in the JWKS', async () => {
      const account = newAccount();
      expect((await complete(await authorize(account.sub))).userErrors).toEqual([]);
      const { kid } = op.rotateKeys();
      const jwks = (await (await fetch(`${op.issuer}/jwks`)).json()) as {
        keys: Array<{ kid: string }>;
      };
      expect(jwks.keys.map((k) => k.kid)).toEqual([kid]);
      const signedIn = await complete(await authorize(account.sub));
      expect(signedIn.userErrors).toEqual([]);
      expect(signedIn.accessToken).toBeTruthy();
    });

    it('should link and unlink providers, never the last way to sign in', async () => {
      // A password account links the provider, then unlinks it (the password remains).
      const email = uniqueEmail('linker');
      const registered = (
        await h.call(null, REGISTER, { email, password: PASSWORD, name: 'Linker' })
      ).register;
      const viewer = await h.identityOf(registered.accessToken);
      const account = newAccount({ email: uniqueEmail('other-address'), email_verified: false });
      const linkStart = (await h.call(viewer, START_LINK, { provider: 'op' })).startOidcLink;
      op.loginAs(account.sub);
      const back = await followAuthorization(linkStart.authorizationUrl, CLIENT.redirectUri);
      const input = { code: back.get('code')!, state: back.get('state')! };
      // The link flow is neither a sign-in nor another user's.
      expect(codes(await complete(input))).toEqual(['OIDC_STATE_INVALID']);
      const again = (await h.call(viewer, START_LINK, { provider: 'op' })).startOidcLink;
      const back2 = await followAuthorization(again.authorizationUrl, CLIENT.redirectUri);
      const linked = (
        await h.call(viewer, COMPLETE_LINK, { code: back2.get('code'), state: back2.get('state') })
      ).completeOidcLink;
      expect(linked).toEqual({
        identity: {
          provider: 'op',
          subject: account.sub,
          email: account.email,
          emailVerified: false,
        },
        userErrors: [],
      });
      // The linked identity now signs in to this account (its email is irrelevant once linked).
      expect((await complete(await authorize(account.sub))).user!.id).toBe(registered.user.id);
      const unlinked = (await h.call(viewer, UNLINK, { provider: 'op' })).unlinkOidcIdentity;
      expect(unlinked).toEqual({
        user: { id: registered.user.id, identities: [] },
        userErrors: [],
      });
      expect(codes((await h.call(viewer, UNLINK, { provider: 'op' })).unlinkOidcIdentity)).toEqual([
        'OIDC_IDENTITY_NOT_FOUND',
      ]);

      // An account created by the provider has no password: its only identity stays.
      const only = newAccount();
      const created = await complete(await authorize(only.sub));
      const owner = await h.identityOf(created.accessToken);
      expect(codes((await h.call(owner, UNLINK, { provider: 'op' })).unlinkOidcIdentity)).toEqual([
        'OIDC_LAST_SIGN_IN_METHOD',
      ]);
      // Identities are private: another customer sees an empty list.
      const seen = await h.call(
        viewer,
        `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { identities { provider } } } }`,
        undefined,
        { reps: [{ __typename: 'User', id: owner.userId }] },
      );
      expect(seen._entities).toEqual([{ identities: [] }]);
      // Another user cannot complete this user's link flow.
      const foreign = (await h.call(owner, START_LINK, { provider: 'op' })).startOidcLink;
      op.loginAs(only.sub);
      const foreignBack = await followAuthorization(foreign.authorizationUrl, CLIENT.redirectUri);
      expect(
        codes(
          (
            await h.call(viewer, COMPLETE_LINK, {
              code: foreignBack.get('code'),
              state: foreignBack.get('state'),
            })
          ).completeOidcLink,
        ),
      ).toEqual(['OIDC_STATE_INVALID']);
      // With GitHub linked too, the OIDC identity can go.
      github.addUser({
        id: 4242,
        login: 'octo-owner',
        name: null,
        emails: [{ email: uniqueEmail('gh-owner'), primary: true, verified: true }],
      });
      github.loginAs(4242);
      const ghStart = (await h.call(owner, START_LINK, { provider: 'github' })).startOidcLink;
      const ghBack = await followAuthorization(ghStart.authorizationUrl, GITHUB_CLIENT.redirectUri);
      const ghLinked = (
        await h.call(owner, COMPLETE_LINK, { code: ghBack.get('code'), state: ghBack.get('state') })
      ).completeOidcLink;
      expect(ghLinked.userErrors).toEqual([]);
      const ok = (await h.call(owner, UNLINK, { provider: 'op' })).unlinkOidcIdentity;
      expect(ok.user.identities).toEqual([{ provider: 'github' }]);
      expect(
        codes((await h.call(owner, UNLINK, { provider: 'github' })).unlinkOidcIdentity),
      ).toEqual(['OIDC_LAST_SIGN_IN_METHOD']);
    });

    it('should sign in with GitHub (primary verified email) and refuse unverified or replayed codes', async () => {
      const email = uniqueEmail('octocat');
      github.addUser({
        id: 1001,
        login: 'octocat',
        name: 'The Octocat',
        emails: [
          { email: uniqueEmail('secondary'), primary: false, verified: true },
          { email, primary: true, verified: true },
        ],
      });
      github.addUser({
        id: 1002,
        login: 'unverified',
        name: null,
        emails: [{ email: uniqueEmail('unverified'), primary: true, verified: false }],
      });
      const viaGithub = async (id: number) => {
        const started = await start('github');
        expect(started.userErrors).toEqual([]);
        expect(new URL(started.authorizationUrl!).searchParams.get('nonce')).toBeNull();
        github.loginAs(id);
        const back = await followAuthorization(
          started.authorizationUrl!,
          GITHUB_CLIENT.redirectUri,
        );
        return { code: back.get('code')!, state: back.get('state')! };
      };
      const first = await viaGithub(1001);
      const signedIn = await complete(first);
      expect(signedIn.userErrors).toEqual([]);
      expect(signedIn.user).toMatchObject({ email, name: 'The Octocat' });
      const me = await h.call(await h.identityOf(signedIn.accessToken), ME);
      expect(me.me.identities).toEqual([
        { provider: 'github', subject: '1001', email, emailVerified: true },
      ]);
      const second = await start('github');
      expect(codes(await complete({ code: first.code, state: second.state! }))).toEqual([
        'OIDC_CODE_REJECTED',
      ]);
      expect(codes(await complete(await viaGithub(1002)))).toEqual(['OIDC_EMAIL_NOT_VERIFIED']);
    });

    it('should answer an unknown provider with OIDC_PROVIDER_UNKNOWN', async () => {
      const started = await start('nope');
      expect(started).toMatchObject({ authorizationUrl: null, state: null });
      expect(codes(started)).toEqual(['OIDC_PROVIDER_UNKNOWN']);
    });

    it('should answer OIDC_PROVIDER_UNAVAILABLE within 2 s when a provider is down or hangs', async () => {
      for (const provider of ['down', 'hanging']) {
        const began = Date.now();
        expect(codes(await start(provider))).toEqual(['OIDC_PROVIDER_UNAVAILABLE']);
        expect(Date.now() - began).toBeLessThan(2_000);
      }
      // Down between start and completion (the token endpoint no longer answers).
      const account = newAccount();
      const input = await authorize(account.sub);
      await op.stop();
      const began = Date.now();
      const failed = await complete(input);
      expect(codes(failed)).toEqual(['OIDC_PROVIDER_UNAVAILABLE']);
      expect(Date.now() - began).toBeLessThan(2_000);
    });

    it('should log failures by code only: no codes, states, tokens or secrets', () => {
      const text = logLines.join('\n');
      expect(text).toMatch(/OIDC_NONCE_MISMATCH/);
      expect(text).toMatch(/OIDC_PROVIDER_UNAVAILABLE/);
      expect(text).not.toMatch(/eyJ|gho_|test-client-secret-value|gh-secret|code_verifier/);
    });
  },
);

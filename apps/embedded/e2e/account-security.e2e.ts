import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '@shop/log';
import { postGraphQL } from '@shop/testing';
import { eventually, graphTargets, startTestGraph, type TestGraph } from './harness';

const PASSWORD = 'Sturdy-pass-42';
const NEW_PASSWORD = 'Fresh-pass-2026';
/** The account-status bound this graph's gateway is started with (the default is 30 s). */
const STATUS_MAX_AGE_MS = 1_000;
/** The per IP + email budget of each password field in this graph. */
const RESETS_PER_EMAIL = 3;

const AUTH = `accessToken refreshToken userErrors { code }`;
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { user { id } ${AUTH} } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { ${AUTH} } }`;
const REFRESH = `mutation ($input: RefreshTokenInput!) { refreshToken(input: $input) { ${AUTH} } }`;
const REQUEST_RESET = `mutation ($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input) { accepted userErrors { code } } }`;
const RESET = `mutation ($input: ResetPasswordInput!) {
  resetPassword(input: $input) { success userErrors { code } } }`;
const VERIFY = `mutation ($input: VerifyEmailInput!) {
  verifyEmail(input: $input) { user { id } userErrors { code } } }`;
const ME = `{ me { id emailVerified sessions { id userAgent ip createdAt lastUsedAt } } }`;
const REVOKE = `mutation ($input: RevokeSessionInput!) {
  revokeSession(input: $input) { revokedCount userErrors { code } } }`;
const EVERYWHERE = `mutation { logoutEverywhere { revokedCount userErrors { code } } }`;
const DISABLE = `mutation ($input: DisableUserInput!) {
  disableUser(input: $input) { user { id disabledAt } userErrors { code } } }`;

// Postgres when DATABASE_URL is set (CI), else PGlite.
const target = graphTargets().at(-1)!;

describe(`account security through the gateway (${target})`, () => {
  let t: TestGraph;
  const logged: string[] = [];
  let restoreSink: ReturnType<typeof setLogSink>;
  beforeAll(async () => {
    t = await startTestGraph(target, {
      accountStatus: { maxAgeMs: STATUS_MAX_AGE_MS },
      // Roomy, except the per IP + email budget of password fields (login's default is 5).
      requestLimits: {
        perIp: { points: 100_000, durationMs: 60_000 },
        newOperationsPerIp: { points: 100_000, durationMs: 60_000 },
        perUser: { points: 100_000, durationMs: 60_000 },
        loginPerIp: { points: 10_000, durationMs: 60_000 },
        loginPerIpEmail: { points: RESETS_PER_EMAIL, durationMs: 60_000 },
        accountCreationPerIp: { points: 10_000, durationMs: 60_000 },
      },
    });
    restoreSink = setLogSink((level, line) => {
      logged.push(line);
      restoreSink(level, line);
    });
  });
  afterAll(async () => {
    setLogSink(restoreSink);
    await t?.stop();
  });

  let counter = 0;
  const newEmail = () => `account-${Date.now()}-${(counter += 1)}@example.com`;
  /** A GraphQL call with a User-Agent (Node's fetch sends its own otherwise). */
  const call = (query: string, variables?: Record<string, unknown>, token?: string, ua = 'e2e') =>
    postGraphQL(t.url, { query, variables, token, headers: { 'user-agent': ua } });
  const register = async (email: string, ua = 'e2e') => {
    const { body } = await call(
      REGISTER,
      { input: { email, password: PASSWORD, name: 'Account Test' } },
      undefined,
      ua,
    );
    expect(body.data?.register.userErrors).toEqual([]);
    return body.data!.register as {
      user: { id: string };
      accessToken: string;
      refreshToken: string;
    };
  };
  /** The email queued in notification.email_outbox for `email` of `kind`, once it lands there. */
  const emailFor = (email: string, kind: string) =>
    eventually(async () => {
      const [row] = await t.graph.database.query<{ body: string; user_id: string }>(
        `select body, user_id from notification.email_outbox where recipient = $1 and kind = $2`,
        [email, kind],
      );
      return row;
    });
  const tokenIn = (body: string) => /[?&]token=([A-Za-z0-9_-]{43})/.exec(body)![1]!;

  it('should reset a password end to end: email in the outbox, token works once, sessions end', async () => {
    const email = newEmail();
    const registered = await register(email);

    // Same answer for an account and for an unknown address.
    const known = await call(REQUEST_RESET, { input: { email } });
    const unknown = await call(REQUEST_RESET, { input: { email: newEmail() } });
    expect(known.body.data).toEqual({
      requestPasswordReset: { accepted: true, userErrors: [] },
    });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);

    const mail = await emailFor(email, 'password_reset');
    expect(mail.user_id).toBe(registered.user.id);
    expect(mail.body).toContain('/reset-password?token=');
    const token = tokenIn(mail.body);

    const reset = await call(RESET, { input: { token, newPassword: NEW_PASSWORD } });
    expect(reset.body.data?.resetPassword).toEqual({ success: true, userErrors: [] });
    const again = await call(RESET, { input: { token, newPassword: NEW_PASSWORD } });
    expect(again.body.data?.resetPassword.userErrors).toEqual([{ code: 'INVALID_TOKEN' }]);
    const refreshed = await call(REFRESH, { input: { refreshToken: registered.refreshToken } });
    expect(refreshed.body.data?.refreshToken.userErrors).toEqual([
      { code: 'INVALID_REFRESH_TOKEN' },
    ]);
    const signedIn = await call(LOGIN, { input: { email, password: NEW_PASSWORD } });
    expect(signedIn.body.data?.login.accessToken).toEqual(expect.any(String));

    // The registration's verification email went the same way.
    const verification = await emailFor(email, 'email_verification');
    const verified = await call(VERIFY, { input: { token: tokenIn(verification.body) } });
    expect(verified.body.data?.verifyEmail.userErrors).toEqual([]);
    const me = await call(ME, undefined, signedIn.body.data!.login.accessToken);
    expect(me.body.data?.me.emailVerified).toBe(true);

    // No token in any log line of the whole graph.
    expect(logged.filter((line) => line.includes(token))).toEqual([]);
  });

  it('should rate-limit password-reset requests per IP + email like logins', async () => {
    const email = newEmail();
    for (let i = 0; i < RESETS_PER_EMAIL; i += 1) {
      const accepted = await call(REQUEST_RESET, { input: { email } });
      expect(accepted.body.data?.requestPasswordReset.accepted).toBe(true);
    }
    const refused = await call(REQUEST_RESET, { input: { email: email.toUpperCase() } });
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    // Another address from the same IP still gets through.
    const other = await call(REQUEST_RESET, { input: { email: newEmail() } });
    expect(other.body.data?.requestPasswordReset.accepted).toBe(true);
  });

  it('should list sessions with the client the gateway saw, revoke one and all', async () => {
    const email = newEmail();
    const phone = await register(email, 'ShopApp/2.1 (iPhone)');
    // A client cannot choose what the subgraphs are told (the gateway overwrites these headers).
    const laptopLogin = await postGraphQL(t.url, {
      query: LOGIN,
      variables: { input: { email, password: PASSWORD } },
      headers: {
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
        'x-shop-client-ip': '203.0.113.66',
        'x-shop-client-user-agent': 'forged',
      },
    });
    const laptop = laptopLogin.body.data!.login;
    const me = await call(ME, undefined, phone.accessToken);
    const sessions = me.body.data!.me.sessions as Array<Record<string, string>>;
    expect(sessions.map((s) => s.userAgent).sort()).toEqual([
      'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      'ShopApp/2.1 (iPhone)',
    ]);
    for (const session of sessions) expect(session.ip).toMatch(/127\.0\.0\.1|::1/);

    const laptopSession = sessions.find((s) => s.userAgent!.startsWith('Mozilla'))!;
    const revoked = await call(
      REVOKE,
      { input: { sessionId: laptopSession.id } },
      phone.accessToken,
    );
    expect(revoked.body.data?.revokeSession).toEqual({ revokedCount: 1, userErrors: [] });
    const laptopRefresh = await call(REFRESH, { input: { refreshToken: laptop.refreshToken } });
    expect(laptopRefresh.body.data?.refreshToken.userErrors).toEqual([
      { code: 'INVALID_REFRESH_TOKEN' },
    ]);
    const phoneRefresh = await call(REFRESH, { input: { refreshToken: phone.refreshToken } });
    const rotated = phoneRefresh.body.data!.refreshToken;
    expect(rotated.userErrors).toEqual([]);

    const everywhere = await call(EVERYWHERE, undefined, rotated.accessToken);
    expect(everywhere.body.data?.logoutEverywhere).toEqual({ revokedCount: 1, userErrors: [] });
    const after = await call(REFRESH, { input: { refreshToken: rotated.refreshToken } });
    expect(after.body.data?.refreshToken.userErrors).toEqual([{ code: 'INVALID_REFRESH_TOKEN' }]);
    const anonymous = await call(EVERYWHERE);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('should stop a disabled account: refresh at once, access tokens within the status bound', async () => {
    const email = newEmail();
    const customer = await register(email);
    const admin = await t.adminToken();
    // The gateway has seen the account active (cached for STATUS_MAX_AGE_MS).
    expect((await call(ME, undefined, customer.accessToken)).body.data?.me.id).toBe(
      customer.user.id,
    );

    const disabled = await call(DISABLE, { input: { userId: customer.user.id } }, admin);
    expect(disabled.body.data?.disableUser.userErrors).toEqual([]);
    const disabledAt = Date.now();
    const refreshed = await call(REFRESH, { input: { refreshToken: customer.refreshToken } });
    expect(refreshed.body.data?.refreshToken.userErrors).toEqual([
      { code: 'INVALID_REFRESH_TOKEN' },
    ]);

    const refusedAt = await eventually(async () => {
      const result = await call(ME, undefined, customer.accessToken);
      return result.status === 401 &&
        result.body.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED'
        ? Date.now()
        : undefined;
    }, 5_000);
    // Within the bound (plus one status call and this test's polling).
    expect(refusedAt - disabledAt).toBeLessThanOrEqual(STATUS_MAX_AGE_MS + 500);
    const login = await call(LOGIN, { input: { email, password: PASSWORD } });
    expect(login.body.data?.login.userErrors).toEqual([{ code: 'INVALID_CREDENTIALS' }]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '@shop/log';
import { testDatabaseTargets } from '@shop/testing';
import { hashRefreshToken } from '../src/tokens';
import { PASSWORD, startHarness, uniqueEmail, type Harness } from './harness';

const ERRORS = 'userErrors { code field }';
const REQUEST_RESET = `mutation ($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input) { accepted ${ERRORS} } }`;
const RESET = `mutation ($input: ResetPasswordInput!) { resetPassword(input: $input) { success ${ERRORS} } }`;
const EMAIL_FIELDS = `user { id email emailVerified } verificationSentTo ${ERRORS}`;
const VERIFY = `mutation ($input: VerifyEmailInput!) { verifyEmail(input: $input) { ${EMAIL_FIELDS} } }`;
const CHANGE = `mutation ($input: ChangeEmailInput!) { changeEmail(input: $input) { ${EMAIL_FIELDS} } }`;
const RESEND = `mutation { resendEmailVerification { ${EMAIL_FIELDS} } }`;
const SESSIONS = `{ me { id sessions { id userAgent ip createdAt lastUsedAt } } }`;
const REVOKE = `mutation ($input: RevokeSessionInput!) {
  revokeSession(input: $input) { revokedCount ${ERRORS} } }`;
const EVERYWHERE = `mutation { logoutEverywhere { revokedCount ${ERRORS} } }`;
const USER_BY_REF = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id emailVerified sessions { id } } } }`;

const NEW_PASSWORD = 'Brand-New-Secret-77';
const admin = { userId: 'admin-test', roles: ['ADMIN' as const] };

describe.each(testDatabaseTargets())('account security on $name', (target) => {
  let h: Harness;
  const logged: string[] = [];
  let restoreSink: ReturnType<typeof setLogSink>;
  beforeAll(async () => {
    h = await startHarness(target);
    restoreSink = setLogSink((_level, line) => logged.push(line));
  });
  afterAll(async () => {
    setLogSink(restoreSink);
    await h?.close();
  });

  /** The newest account email event for `email` in the user subgraph's outbox. */
  const lastEmail = async (type: string, email: string) => {
    const [row] = await h.database.query<{ envelope: { data: Record<string, string> } }>(
      `select envelope from "user".outbox where type = $1 and envelope->'data'->>'email' = $2
       order by position desc limit 1`,
      [type, email],
    );
    return row?.envelope.data;
  };
  /**
   * The newest reset event for `email` other than `previous`: the reset email is queued just
   * after the request is answered, so wait for it (bounded).
   */
  const resetEmail = async (email: string, previous?: string) => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const data = await lastEmail('user.password_reset_requested', email);
      if (data && data.token !== previous) return data;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no password-reset email for ${email}`);
  };
  const resetToken = async (email: string, previous?: string) =>
    (await resetEmail(email, previous)).token!;
  const verificationToken = async (email: string) =>
    (await lastEmail('user.email_verification_requested', email))!.token!;
  const requestReset = async (email: string) =>
    (await h.call(null, REQUEST_RESET, { input: { email } })).data;
  const reset = async (token: string, newPassword = NEW_PASSWORD) =>
    (await h.call(null, RESET, { input: { token, newPassword } })).data.resetPassword;

  it('should answer a reset request alike for known and unknown emails, and reset once', async () => {
    const registered = await h.register();
    const email = registered.user.email!;
    const second = await h.login({ email, password: PASSWORD });

    const known = await requestReset(email.toUpperCase());
    const unknown = await requestReset(uniqueEmail('nobody'));
    expect(known).toEqual({ requestPasswordReset: { accepted: true, userErrors: [] } });
    expect(unknown).toEqual(known);
    const malformed = await requestReset('not-an-email');
    expect(malformed.requestPasswordReset).toEqual({
      accepted: false,
      userErrors: [{ code: 'INVALID_EMAIL', field: ['input', 'email'] }],
    });

    const event = await resetEmail(email);
    expect(event).toMatchObject({ email, link: expect.stringContaining('/reset-password?token=') });
    const token = event!.token!;
    // Stored hashed only, expiring in 30 minutes.
    const [stored] = await h.database.query<{ token_hash: string; minutes: number }>(
      `select token_hash, extract(epoch from expires_at - created_at) / 60 as minutes
       from "user".account_tokens where purpose = 'password_reset' and email = $1`,
      [email],
    );
    expect(stored!.token_hash).toBe(hashRefreshToken(token));
    expect(Math.round(Number(stored!.minutes))).toBe(30);

    expect(await reset(token, 'short')).toEqual({
      success: false,
      userErrors: [{ code: 'WEAK_PASSWORD', field: ['input', 'newPassword'] }],
    });
    expect(await reset('x'.repeat(43))).toEqual({
      success: false,
      userErrors: [{ code: 'INVALID_TOKEN', field: ['input', 'token'] }],
    });
    expect(await reset(token)).toEqual({ success: true, userErrors: [] });
    // Single use.
    expect((await reset(token)).userErrors[0].code).toBe('INVALID_TOKEN');
    // Every refresh token of the account is revoked.
    for (const refreshToken of [registered.refreshToken, second.refreshToken]) {
      expect((await h.refresh(refreshToken)).userErrors[0]?.code).toBe('INVALID_REFRESH_TOKEN');
    }
    expect((await h.login({ email, password: PASSWORD })).userErrors[0]?.code).toBe(
      'INVALID_CREDENTIALS',
    );
    expect((await h.login({ email, password: NEW_PASSWORD })).accessToken).toEqual(
      expect.any(String),
    );
    // The token never reached a log line.
    expect(logged.filter((line) => line.includes(token))).toEqual([]);
  });

  it('should count a password set by reset as a way to sign in (accounts made by a provider)', async () => {
    const email = (await h.register()).user.email!;
    // As an account created by an OpenID Connect sign-in: no password of its own.
    await h.database.query(`update "user".users set password_set = false where email = $1`, [
      email,
    ]);
    await requestReset(email);
    expect(await reset(await resetToken(email))).toEqual({ success: true, userErrors: [] });
    const [row] = await h.database.query<{ password_set: boolean }>(
      `select password_set from "user".users where email = $1`,
      [email],
    );
    expect(row?.password_set).toBe(true);
  });

  it('should refuse an expired reset token and one replaced by a newer request', async () => {
    const email = (await h.register()).user.email!;
    await requestReset(email);
    const first = await resetToken(email);
    await requestReset(email);
    const second = await resetToken(email, first);
    expect(second).not.toBe(first);
    expect((await reset(first)).userErrors[0].code).toBe('INVALID_TOKEN');
    await h.database.query(
      `update "user".account_tokens set expires_at = now() - interval '1 second'
       where token_hash = $1`,
      [hashRefreshToken(second)],
    );
    expect((await reset(second)).userErrors[0].code).toBe('INVALID_TOKEN');
  });

  it('should verify the registration email; unverified accounts are visible as such', async () => {
    const registered = await h.register();
    const email = registered.user.email!;
    const self = await h.identityOf(registered.accessToken);
    const me = async () => (await h.call(self, `{ me { emailVerified } }`)).data.me;
    expect(await me()).toEqual({ emailVerified: false });
    const token = await verificationToken(email);
    expect((await lastEmail('user.email_verification_requested', email))!.link).toContain(
      '/verify-email?token=',
    );

    // Others see null; admins see the flag.
    const other = await h.identityOf((await h.register()).accessToken);
    const ref = { r: [{ __typename: 'User', id: self.userId }] };
    expect((await h.call(other, USER_BY_REF, ref)).data._entities[0]).toEqual({
      id: self.userId,
      emailVerified: null,
      sessions: [],
    });
    const asAdmin = (await h.call(admin, USER_BY_REF, ref)).data._entities[0];
    expect(asAdmin.emailVerified).toBe(false);
    expect(asAdmin.sessions).toHaveLength(1);

    const verified = (await h.call(null, VERIFY, { input: { token } })).data.verifyEmail;
    expect(verified).toEqual({
      user: { id: self.userId, email: null, emailVerified: null },
      verificationSentTo: null,
      userErrors: [],
    });
    expect(await me()).toEqual({ emailVerified: true });
    expect((await h.call(null, VERIFY, { input: { token } })).data.verifyEmail.userErrors).toEqual([
      { code: 'INVALID_TOKEN', field: ['input', 'token'] },
    ]);
    expect((await h.call(self, RESEND)).data.resendEmailVerification.userErrors).toEqual([
      { code: 'EMAIL_ALREADY_VERIFIED', field: null },
    ]);
  });

  it('should change the email only once the new address is verified', async () => {
    const registered = await h.register();
    const email = registered.user.email!;
    const self = await h.identityOf(registered.accessToken);
    const taken = (await h.register()).user.email!;
    const change = async (newEmail: string, currentPassword = PASSWORD) =>
      (await h.call(self, CHANGE, { input: { newEmail, currentPassword } })).data.changeEmail;

    expect((await change(uniqueEmail(), 'Wrong-password-1')).userErrors).toEqual([
      { code: 'INVALID_CREDENTIALS', field: ['input', 'currentPassword'] },
    ]);
    expect((await change(taken)).userErrors).toEqual([
      { code: 'EMAIL_TAKEN', field: ['input', 'newEmail'] },
    ]);
    expect((await change('bad')).userErrors[0].code).toBe('INVALID_EMAIL');
    const newEmail = uniqueEmail('moved');
    const changed = await change(newEmail.toUpperCase());
    expect(changed).toEqual({
      user: { id: self.userId, email, emailVerified: false },
      verificationSentTo: newEmail,
      userErrors: [],
    });
    // Not yet: the old email still signs in.
    expect((await h.login({ email, password: PASSWORD })).accessToken).toEqual(expect.any(String));
    const token = await verificationToken(newEmail);
    const verified = await h.call(self, VERIFY, { input: { token } });
    expect(verified.data.verifyEmail.user).toEqual({
      id: self.userId,
      email: newEmail,
      emailVerified: true,
    });
    expect((await h.login({ email: newEmail, password: PASSWORD })).accessToken).toEqual(
      expect.any(String),
    );
    expect((await h.login({ email, password: PASSWORD })).accessToken).toBeNull();

    // A pending change whose address was taken meanwhile fails, and keeps the token usable.
    const contested = uniqueEmail('contested');
    await change(contested);
    const contestedToken = await verificationToken(contested);
    await h.register({ email: contested });
    expect(
      (await h.call(self, VERIFY, { input: { token: contestedToken } })).data.verifyEmail,
    ).toMatchObject({ user: null, userErrors: [{ code: 'EMAIL_TAKEN' }] });
  });

  it('should list sessions, revoke one, and log out everywhere', async () => {
    const registered = await h.register();
    const email = registered.user.email!;
    const self = await h.identityOf(registered.accessToken);
    const laptop = await h.login({ email, password: PASSWORD });
    const sessions = async () =>
      (await h.call(self, SESSIONS)).data.me.sessions as Array<Record<string, string>>;
    const listed = await sessions();
    expect(listed).toHaveLength(2);
    for (const session of listed) {
      expect(session).toEqual({
        id: expect.any(String),
        userAgent: null,
        ip: null,
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
      });
    }
    // A refresh keeps the session and moves its lastUsedAt.
    const refreshed = await h.refresh(laptop.refreshToken);
    const after = await sessions();
    expect(after.map((s) => s.id).sort()).toEqual(listed.map((s) => s.id).sort());
    const laptopSession = after[0]!;
    expect(Date.parse(laptopSession.lastUsedAt!)).toBeGreaterThanOrEqual(
      Date.parse(laptopSession.createdAt!),
    );

    // Someone else's session (or a malformed id) is not found.
    const other = await h.identityOf((await h.register()).accessToken);
    for (const sessionId of [laptopSession.id, 'nope']) {
      expect((await h.call(other, REVOKE, { input: { sessionId } })).data.revokeSession).toEqual({
        revokedCount: 0,
        userErrors: [{ code: 'SESSION_NOT_FOUND', field: ['input', 'sessionId'] }],
      });
    }
    expect(
      (await h.call(self, REVOKE, { input: { sessionId: laptopSession.id } })).data.revokeSession,
    ).toEqual({ revokedCount: 1, userErrors: [] });
    expect((await h.refresh(refreshed.refreshToken)).userErrors[0]?.code).toBe(
      'INVALID_REFRESH_TOKEN',
    );
    expect((await sessions()).map((s) => s.id)).toEqual(
      listed.map((s) => s.id).filter((id) => id !== laptopSession.id),
    );
    const phone = await h.refresh(registered.refreshToken);
    expect(phone.accessToken).toEqual(expect.any(String));

    await h.login({ email, password: PASSWORD });
    expect((await h.call(self, EVERYWHERE)).data.logoutEverywhere).toEqual({
      revokedCount: 2,
      userErrors: [],
    });
    expect(await sessions()).toEqual([]);
    expect((await h.refresh(phone.refreshToken)).userErrors[0]?.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await h.call(null, EVERYWHERE)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

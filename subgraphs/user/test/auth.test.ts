import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import { DEMO_ACCOUNTS, prepareUserDatabase } from '../src/index';
import {
  PASSWORD,
  REGISTER,
  startHarness,
  uniqueEmail,
  type AuthResult,
  type Harness,
} from './harness';

const ME = `{ me { id email name roles createdAt } }`;
const LOGOUT = `mutation ($input: LogoutInput!) {
  logout(input: $input) { success userErrors { code message field } } }`;
const UPDATE_PROFILE = `mutation ($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { id name } userErrors { code message field } } }`;

const codes = (result: AuthResult) => result.userErrors.map((error) => error.code);

describe.each(testDatabaseTargets())('user accounts and tokens on $name', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('should register, log in and read me through the issued access token', async () => {
    const email = uniqueEmail('Alice').replace('alice', 'ALICE');
    const registered = await h.register({ email, name: '  Alice  ' });
    expect(registered.userErrors).toEqual([]);
    expect(registered.user).toMatchObject({
      email: email.toLowerCase(),
      name: 'Alice',
      roles: ['CUSTOMER'],
    });
    expect(registered.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expiresIn = Date.parse(registered.accessTokenExpiresAt!) - Date.now();
    expect(expiresIn).toBeGreaterThan(890_000);
    expect(expiresIn).toBeLessThanOrEqual(900_000);

    const loggedIn = await h.login({ email: email.toUpperCase(), password: PASSWORD });
    expect(loggedIn.userErrors).toEqual([]);
    expect(loggedIn.refreshToken).not.toBe(registered.refreshToken);
    const identity = await h.identityOf(loggedIn.accessToken);
    expect(identity).toEqual({ userId: registered.user.id, roles: ['CUSTOMER'] });

    const me = await h.call(identity, ME);
    expect(me.errors).toBeUndefined();
    expect(me.data.me).toEqual({
      id: registered.user.id,
      email: email.toLowerCase(),
      name: 'Alice',
      roles: ['CUSTOMER'],
      createdAt: registered.user.createdAt,
    });
    expect(Date.parse(me.data.me.createdAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('should answer me with null for anonymous callers', async () => {
    const me = await h.call(null, ME);
    expect(me.status).toBe(200);
    expect(me.data).toEqual({ me: null });
  });

  it('should sign in the seeded demo accounts with their roles, and seed idempotently', async () => {
    const admin = await h.login(DEMO_ACCOUNTS.admin);
    expect(admin.userErrors).toEqual([]);
    expect((await h.identityOf(admin.accessToken)).roles.sort()).toEqual(['ADMIN', 'CUSTOMER']);
    const customer = await h.login(DEMO_ACCOUNTS.customer);
    expect((await h.identityOf(customer.accessToken)).roles).toEqual(['CUSTOMER']);

    await prepareUserDatabase(h.database, { seed: true });
    const rows = await h.database.query<{ email: string; addresses: number }>(
      `select u.email, (select count(*)::int from "user".addresses a where a.user_id = u.id) as addresses
       from "user".users u where u.email like '%@shopgraph.dev' order by u.email`,
    );
    expect(rows).toEqual([
      { email: DEMO_ACCOUNTS.admin.email, addresses: 0 },
      { email: DEMO_ACCOUNTS.customer.email, addresses: 1 },
    ]);
  });

  it('should store passwords as argon2id hashes with the OWASP parameters', async () => {
    const { user } = await h.register();
    const [row] = await h.database.query<{ password_hash: string }>(
      `select password_hash from "user".users where id = $1`,
      [user.id],
    );
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('should refuse a taken email, also when two registrations race', async () => {
    const email = uniqueEmail('taken');
    expect((await h.register({ email })).userErrors).toEqual([]);
    const again = await h.register({ email: email.toUpperCase() });
    expect(again.user).toBeNull();
    expect(again.accessToken).toBeNull();
    expect(again.userErrors).toEqual([
      {
        code: 'EMAIL_TAKEN',
        message: 'An account with this email already exists',
        field: ['input', 'email'],
      },
    ]);

    const raced = uniqueEmail('race');
    const results = await Promise.all([h.register({ email: raced }), h.register({ email: raced })]);
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(results.flatMap(codes)).toEqual(['EMAIL_TAKEN']);
    const [count] = await h.database.query<{ n: number }>(
      `select count(*)::int as n from "user".users where email = $1`,
      [raced],
    );
    expect(count?.n).toBe(1);
  });

  it('should reject weak passwords', async () => {
    for (const password of [
      'Short-1',
      'onlylowercaseletters',
      '12345678901234',
      `A1${'a'.repeat(127)}`,
    ]) {
      const result = await h.register({ password });
      expect(result.user, password).toBeNull();
      expect(result.userErrors, password).toMatchObject([
        { code: 'WEAK_PASSWORD', field: ['input', 'password'] },
      ]);
    }
  });

  it('should reject malformed emails', async () => {
    for (const email of ['not-an-email', 'a@b', 'two words@example.com', '']) {
      const result = await h.register({ email });
      expect(result.userErrors, email).toMatchObject([
        { code: 'INVALID_EMAIL', field: ['input', 'email'] },
      ]);
    }
  });

  it('should answer a wrong password and an unknown email identically', async () => {
    const email = uniqueEmail('creds');
    await h.register({ email });
    const wrong = await h.login({ email, password: 'Wrong-Password-1' });
    const unknown = await h.login({ email: uniqueEmail('nobody'), password: PASSWORD });
    for (const result of [wrong, unknown]) {
      expect(result).toEqual({
        user: null,
        accessToken: null,
        accessTokenExpiresAt: null,
        refreshToken: null,
        userErrors: [
          { code: 'INVALID_CREDENTIALS', message: 'Invalid email or password', field: null },
        ],
      });
    }
  });

  it('should rotate refresh tokens and store only their hashes', async () => {
    const { user, refreshToken: first } = await h.register();
    const second = await h.refresh(first);
    expect(second.userErrors).toEqual([]);
    expect(second.refreshToken).not.toBe(first);
    expect(second.user.id).toBe(user.id);
    expect(await h.identityOf(second.accessToken)).toEqual({
      userId: user.id,
      roles: ['CUSTOMER'],
    });
    const third = await h.refresh(second.refreshToken);
    expect(third.userErrors).toEqual([]);

    const rows = await h.database.query<{ token_hash: string; used: boolean; family: number }>(
      `select token_hash, used_at is not null as used,
              (select count(distinct family_id)::int from "user".refresh_tokens
               where user_id = $1) as family
       from "user".refresh_tokens where user_id = $1 order by created_at, used_at nulls last`,
      [user.id],
    );
    expect(rows.map((row) => row.used)).toEqual([true, true, false]);
    expect(rows.every((row) => row.family === 1 && /^[0-9a-f]{64}$/.test(row.token_hash))).toBe(
      true,
    );
    const stored = rows.map((row) => row.token_hash);
    for (const token of [first, second.refreshToken, third.refreshToken]) {
      expect(stored).not.toContain(token);
    }
  });

  it('should revoke the whole family when a used refresh token is presented again', async () => {
    const { refreshToken: first } = await h.register();
    const second = await h.refresh(first);
    expect(second.userErrors).toEqual([]);

    const reused = await h.refresh(first);
    expect(reused.accessToken).toBeNull();
    expect(codes(reused)).toEqual(['REFRESH_TOKEN_REUSED']);
    const newest = await h.refresh(second.refreshToken);
    expect(codes(newest)).toEqual(['INVALID_REFRESH_TOKEN']);
    expect(codes(await h.refresh('not-a-token'))).toEqual(['INVALID_REFRESH_TOKEN']);
  });

  it('should let exactly one of several concurrent refreshes of one token succeed', async () => {
    const { refreshToken } = await h.register();
    const results = await Promise.all(Array.from({ length: 5 }, () => h.refresh(refreshToken)));
    const winners = results.filter((result) => result.userErrors.length === 0);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.accessToken).toEqual(expect.any(String));
    expect(results.flatMap(codes)).toEqual(Array(4).fill('REFRESH_TOKEN_REUSED'));
  });

  it('should end the session on logout', async () => {
    const { refreshToken } = await h.register();
    const out = await h.call(null, LOGOUT, { input: { refreshToken } });
    expect(out.data.logout).toEqual({ success: true, userErrors: [] });
    expect(codes(await h.refresh(refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);

    const unknown = await h.call(null, LOGOUT, { input: { refreshToken: 'unknown' } });
    expect(unknown.data.logout).toMatchObject({
      success: false,
      userErrors: [{ code: 'INVALID_REFRESH_TOKEN' }],
    });
  });

  it('should require a signed-in user to update the profile', async () => {
    const anonymous = await h.call(null, UPDATE_PROFILE, { input: { name: 'Mallory' } });
    expect(anonymous.status).toBe(200);
    expect(anonymous.data).toEqual({ updateProfile: null });
    expect(anonymous.errors).toMatchObject([
      { extensions: { code: 'UNAUTHENTICATED' }, path: ['updateProfile'] },
    ]);

    const { user, accessToken } = await h.register({ name: 'Bob' });
    const identity = await h.identityOf(accessToken);
    const renamed = await h.call(identity, UPDATE_PROFILE, { input: { name: ' Robert ' } });
    expect(renamed.data.updateProfile).toEqual({
      user: { id: user.id, name: 'Robert' },
      userErrors: [],
    });
    const blank = await h.call(identity, UPDATE_PROFILE, { input: { name: '   ' } });
    expect(blank.data.updateProfile).toMatchObject({
      user: null,
      userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'name'] }],
    });
  });

  it('should reject a register mutation sent with a malformed input at validation', async () => {
    const result = await h.call(null, REGISTER, { input: { email: 'x@example.test' } });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readCommittedSupergraph } from '@shop/schema';
import { postGraphQL, type GraphQLHttpResult } from '@shop/testing';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import { subgraphRequests, type TestGraph } from '../../e2e/harness';
import { startGateway, type RunningGateway } from '@shop/gateway';
import {
  LOGIN,
  LOGIN_BUDGET,
  ME,
  REFRESH,
  login,
  startAuthGraph,
  userMutations as userMutationsOf,
} from './graph';

/**
 * Issue 15, finding 5 (login limit bypass, register) and finding 7's "a validly signed token for
 * a deleted user still answers 200". Everything goes through the gateway:
 *
 * - password fields (`@passwordHashing`: login, register) are counted on exactly what executes —
 *   the operation `operationName` selects, fields after `@skip`/`@include`, the email after
 *   variable defaults and coercion, normalized like the user subgraph does;
 * - a success resets only the count of the login that ran;
 * - at most one password field per operation (400 before any subgraph call);
 * - `register` is counted per IP + email and per IP (account creation), so probing emails for
 *   `EMAIL_TAKEN` is bounded, and a taken email is hashed like a new one;
 * - a disabled or deleted account's access token is refused within the status cache's max age.
 */

const PASSWORD = 'Sturdy-pass-42'; // what `newCustomer()` registers with
/** Status cache max age of the second gateway (production default: 30 s). */
const STATUS_MAX_AGE_MS = 1_500;
/** Budgets of the second gateway, small enough to exhaust in a test. */
const TIGHT = { perIpEmail: 3, accountCreationPerIp: 5 };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

describe('login and account limits, inactive accounts (issue 15: 5, 7)', () => {
  let t: TestGraph;
  /** A second gateway over the same subgraphs: tight register budgets, short status cache. */
  let tight: RunningGateway;
  let stamp = 0;
  const unique = (label: string) =>
    `${label}-${Date.now()}-${(stamp += 1)}-${Math.random().toString(36).slice(2, 6)}@example.com`;

  beforeAll(async () => {
    t = await startAuthGraph();
    tight = await startGateway({
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls: Object.fromEntries(
        Object.entries(t.graph.subgraphs).map(([name, subgraph]) => [name, subgraph.url]),
      ),
      accessTokenKeys: new URL('/.well-known/jwks.json', t.graph.subgraphs.user!.url),
      signingKey: t.graph.gatewayKey,
      port: 0,
      host: '127.0.0.1',
      limits: {
        requests: {
          perIp: { points: 1_000_000, durationMs: 60_000 },
          perUser: { points: 1_000_000, durationMs: 60_000 },
          loginPerIpEmail: { points: TIGHT.perIpEmail, durationMs: 60_000 },
          loginPerIp: { points: 10_000, durationMs: 60_000 },
          accountCreationPerIp: { points: TIGHT.accountCreationPerIp, durationMs: 60_000 },
        },
      },
      accountStatus: { maxAgeMs: STATUS_MAX_AGE_MS },
      subgraphTimeoutMs: 10_000,
    });
  });
  afterAll(async () => {
    await tight?.stop(2_000);
    await t?.stop();
  });

  const userMutations = () => userMutationsOf(t);

  /** Spends `email`'s IP + email budget at the main gateway with wrong passwords. */
  const exhaust = async (email: string) => {
    for (let i = 0; i < LOGIN_BUDGET; i += 1) {
      expect((await login(t.url, email, `Wrong-${i}-pass`)).status).toBe(200);
    }
    expect((await login(t.url, email, 'Wrong-last-pass')).status).toBe(429);
  };

  /** One query over a graphql-ws socket: its result (data or errors). */
  const overSocket = (client: Client, query: string) =>
    new Promise<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }>(
      (resolve, reject) => {
        let last = {};
        client.subscribe(
          { query },
          { next: (value) => (last = value), error: reject, complete: () => resolve(last) },
        );
      },
    );

  const expectRateLimited = (result: GraphQLHttpResult, label: string) => {
    expect(result.status, label).toBe(429);
    expect(result.body.errors?.[0]?.extensions?.code, label).toBe('RATE_LIMITED');
    expect(Number(result.headers.get('retry-after')), label).toBeGreaterThan(0);
  };

  it('5a: a successful login in the selected operation resets only its own count — "Victim"/"Mine" pairs cannot reset the victim', async () => {
    const victim = await t.newCustomer();
    const attacker = await t.newCustomer();
    const document = (guess: string) => `
      mutation Victim { x: login(input: { email: "${victim.email}", password: "${guess}" }) { accessToken } }
      mutation Mine { x: login(input: { email: "${attacker.email}", password: "${PASSWORD}" }) { accessToken } }`;
    const before = await userMutations();
    const victimStatuses: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      const query = document(`Guess-${i}-pass`);
      const guess = await postGraphQL(t.url, { query, operationName: 'Victim' });
      victimStatuses.push(guess.status);
      const mine = await postGraphQL<{ x: { accessToken: string | null } }>(t.url, {
        query,
        operationName: 'Mine',
      });
      expect(mine.status).toBe(200);
      expect(mine.body.data?.x.accessToken).toEqual(expect.any(String));
    }
    console.log('[5a] victim guesses', victimStatuses.join(' '));
    // The attacker's successes never reset the victim: exactly the budget is checked.
    expect(victimStatuses.slice(0, LOGIN_BUDGET).every((status) => status === 200)).toBe(true);
    expect(victimStatuses.slice(LOGIN_BUDGET).every((status) => status === 429)).toBe(true);
    expect((await userMutations()) - before).toBe(LOGIN_BUDGET + 15);
    // Even the victim's own password waits for the window now; the attacker still signs in.
    expect((await login(t.url, victim.email, PASSWORD)).status).toBe(429);
    expect((await login(t.url, attacker.email, PASSWORD)).body.data?.login.accessToken).toEqual(
      expect.any(String),
    );
  });

  it('5a: only fields that execute count — skipped fields, unselected operations and fragments are free', async () => {
    const victim = await t.newCustomer();
    const guess = (directive = '') =>
      `login(input: { email: "${victim.email}", password: "Never-run-1" }) ${directive} { accessToken }`;
    const free = [
      {
        query: `mutation($skip: Boolean = true) { __typename a: ${guess('@skip(if: $skip)')} }`,
      },
      {
        query: `mutation($go: Boolean!) { __typename ... @include(if: $go) { b: ${guess()} } }`,
        variables: { go: false },
      },
      {
        query: `mutation Guess { ...G } mutation Other { __typename } fragment G on Mutation { ${guess()} }`,
        operationName: 'Other',
      },
    ];
    const before = await userMutations();
    for (let round = 0; round < 5; round += 1) {
      for (const call of free) {
        const result = await postGraphQL(t.url, call);
        expect(result.status, call.query).toBe(200);
        expect(result.body.data, call.query).toEqual({ __typename: 'Mutation' });
      }
    }
    expect(await userMutations()).toBe(before);
    // 15 non-executed guesses later the victim's whole budget is still there.
    for (let i = 0; i < LOGIN_BUDGET; i += 1) {
      expect((await login(t.url, victim.email, `Wrong-${i}-pass`)).status).toBe(200);
    }
    expect((await login(t.url, victim.email, 'Wrong-x-pass')).status).toBe(429);
  });

  it('5b: once an email is limited, no way of passing it gets a password checked — defaults, nested input variables, fragments, aliases, case and spaces', async () => {
    const victim = await t.newCustomer();
    await exhaust(victim.email);
    const email = victim.email;
    const shouty = `  ${email.toUpperCase()}\t`;
    const fields = `{ accessToken userErrors { code } }`;
    const variants: Array<[string, Parameters<typeof postGraphQL>[1]]> = [
      [
        'variable defaults, no variables sent',
        {
          query: `mutation($e: String = "${email}", $p: String = "Guess-a-1") { login(input: { email: $e, password: $p }) ${fields} }`,
        },
      ],
      [
        'variable default in another case with spaces',
        {
          query: `mutation($e: String = "${shouty.replace('\t', '\\t')}", $p: String = "Guess-a-2") { login(input: { email: $e, password: $p }) ${fields} }`,
        },
      ],
      [
        'nested input-object variable with a default',
        {
          query: `mutation($in: LoginInput = { email: "${email}", password: "Guess-a-3" }) { login(input: $in) ${fields} }`,
        },
      ],
      [
        'nested input-object variable, email in upper case with spaces',
        { query: LOGIN, variables: { input: { email: shouty, password: 'Guess-a-4' } } },
      ],
      [
        'email variable inside an input literal',
        {
          query: `mutation($e: String!) { login(input: { email: $e, password: "Guess-a-5" }) ${fields} }`,
          variables: { e: email.toUpperCase() },
        },
      ],
      [
        'alias inside a fragment',
        {
          query: `mutation { ...F } fragment F on Mutation { sneaky: login(input: { email: "${email}", password: "Guess-a-6" }) ${fields} }`,
        },
      ],
      [
        'inline fragment included by a default',
        {
          query: `mutation($go: Boolean = true) { ... @include(if: $go) { login(input: { email: "${email}", password: "Guess-a-7" }) ${fields} } }`,
        },
      ],
      [
        'selected among two operations',
        {
          query: `mutation Other { __typename } mutation Guess { login(input: { email: "${shouty.trim()}", password: "Guess-a-8" }) ${fields} }`,
          operationName: 'Guess',
        },
      ],
    ];
    const before = await userMutations();
    for (const [label, call] of variants) {
      expectRateLimited(await postGraphQL(t.url, call), label);
    }
    // Not one of them reached the password check.
    expect(await userMutations()).toBe(before);
  });

  it('5: at most one password field per operation → 400 TOO_MANY_PASSWORD_FIELDS before any subgraph call (20 aliased registers hash nothing)', async () => {
    const prefix = unique('reg20').replace('@example.com', '');
    const registers = Array.from(
      { length: 20 },
      (_, i) =>
        `r${i}: register(input: { email: "${prefix}-${i}@example.com", password: "${PASSWORD}", name: "R ${i}" }) { accessToken }`,
    ).join(' ');
    const victim = await t.newCustomer();
    const refusedShapes = [
      `mutation { ${registers} }`,
      `mutation { a: login(input: { email: "${victim.email}", password: "${PASSWORD}" }) { accessToken } b: register(input: { email: "${prefix}-x@example.com", password: "${PASSWORD}", name: "X" }) { accessToken } }`,
      `mutation { ...A ...B } fragment A on Mutation { login(input: { email: "${victim.email}", password: "one-1-Pass" }) { accessToken } } fragment B on Mutation { other: login(input: { email: "${unique('b')}", password: "two-2-Pass" }) { accessToken } }`,
    ];
    const userRequests = await subgraphRequests(t, 'user');
    for (const query of refusedShapes) {
      const started = performance.now();
      const result = await postGraphQL(t.url, { query });
      const ms = performance.now() - started;
      expect(result.status, query.slice(0, 60)).toBe(400);
      expect(result.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_PASSWORD_FIELDS');
      expect(result.body.data).toBeUndefined();
      expect(ms).toBeLessThan(1_000);
    }
    expect(await subgraphRequests(t, 'user')).toBe(userRequests);
    const [created] = await t.graph.database.query<{ count: string }>(
      `select count(*)::text as count from "user".users where email like $1`,
      [`${prefix}-%`],
    );
    expect(created!.count).toBe('0');

    // Not over-blocking: one field merged from two selections executes once → allowed.
    const merged = await postGraphQL<{ login: { accessToken: string; refreshToken: string } }>(
      t.url,
      {
        query: `mutation { login(input: { email: "${victim.email}", password: "${PASSWORD}" }) { accessToken } ...M } fragment M on Mutation { login(input: { email: "${victim.email}", password: "${PASSWORD}" }) { refreshToken } }`,
      },
    );
    expect(merged.status).toBe(200);
    expect(merged.body.data?.login).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
  });

  it('5: register is counted per IP + email and per IP: probing emails for EMAIL_TAKEN stops after the budget', async () => {
    const register = (email: string) =>
      postGraphQL<{
        register: { accessToken: string | null; userErrors: Array<{ code: string }> };
      }>(tight.url, {
        query: `mutation($input: RegisterInput!) { register(input: $input) { accessToken userErrors { code } } }`,
        variables: { input: { email, password: PASSWORD, name: 'Prober' } },
      });
    const before = await userMutations();
    const email = unique('probe');
    // A new account (its success resets its own IP + email count, like a sign-in) …
    const first = await register(email);
    expect(first.body.data?.register.accessToken).toEqual(expect.any(String));
    // … then per IP + email (3): the same email in any spelling, a 4th time → 429.
    for (const spelling of [email.toUpperCase(), ` ${email} `, `\t${email}`]) {
      const again = await register(spelling);
      expect(again.body.data?.register.userErrors).toEqual([{ code: 'EMAIL_TAKEN' }]);
    }
    expectRateLimited(await register(email), 'same email, 4th failure');
    // Per IP (5 account creations, 4 used): one more probe of a known email, then any → 429.
    expect((await register(DEMO_ACCOUNTS.customer.email)).body.data?.register.userErrors).toEqual([
      { code: 'EMAIL_TAKEN' },
    ]);
    expectRateLimited(await register(DEMO_ACCOUNTS.admin.email), 'account creation budget spent');
    expectRateLimited(await register(unique('fresh')), 'also for a new email');
    expect((await userMutations()) - before).toBe(TIGHT.accountCreationPerIp);
  });

  it('5: a taken email is hashed like a new one (its answer is not measurably faster)', async () => {
    const taken = await t.newCustomer();
    const stranger = unique('stranger');
    const timed = async (query: string, variables: Record<string, unknown>) => {
      const started = performance.now();
      const result = await postGraphQL<Record<string, { userErrors: Array<{ code: string }> }>>(
        t.url,
        { query, variables },
      );
      expect(result.status).toBe(200);
      const payload = Object.values(result.body.data ?? {})[0];
      return { ms: performance.now() - started, codes: payload?.userErrors };
    };
    const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken userErrors { code } } }`;
    const register = (email: string) =>
      timed(REGISTER, { input: { email, password: PASSWORD, name: 'Timer' } });
    const times = { new: [] as number[], taken: [] as number[], wrongLogin: [] as number[] };
    for (let i = 0; i < 5; i += 1) {
      const created = await register(unique('timing'));
      expect(created.codes).toEqual([]);
      times.new.push(created.ms);
      const refused = await register(taken.email);
      expect(refused.codes).toEqual([{ code: 'EMAIL_TAKEN' }]);
      times.taken.push(refused.ms);
      // One argon2 verification (a wrong-password login): the cost a hash adds.
      const wrong = await timed(LOGIN, {
        input: { email: stranger, password: `Wrong-${i}-pass` },
      });
      expect(wrong.codes).toEqual([{ code: 'INVALID_CREDENTIALS' }]);
      times.wrongLogin.push(wrong.ms);
    }
    const stats = {
      newP50: median(times.new),
      takenP50: median(times.taken),
      wrongLoginP50: median(times.wrongLogin),
    };
    console.log('[5] register / login ms', stats);
    // An early return would answer in a few ms, far below one argon2 operation.
    expect(stats.takenP50).toBeGreaterThan(stats.wrongLoginP50 * 0.7);
  });

  it('7: a disabled account is refused at once for sign-in and refresh, and its access token → 401 within the status max age; steady state costs no status call per request', async () => {
    const customer = await t.newCustomer();
    const signedIn = await login(t.url, customer.email, PASSWORD);
    const access = signedIn.body.data!.login.accessToken!;
    const refresh = signedIn.body.data!.login.refreshToken!;
    const catalog = `query { products(first: 1) { totalCount } }`;
    expect((await postGraphQL(tight.url, { query: ME, token: access })).status).toBe(200);
    // A socket authenticated before the account is disabled.
    const socket = createClient({
      url: tight.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false, // stays open between operations
      connectionParams: { authorization: `Bearer ${access}` },
    });

    // Steady state: 30 requests with the token cost one status call per max age, not per request.
    const calls = tight.accountStatus?.calls ?? 0;
    const userRequests = await subgraphRequests(t, 'user');
    const started = Date.now();
    for (let i = 0; i < 30; i += 1) {
      expect((await postGraphQL(tight.url, { query: catalog, token: access })).status).toBe(200);
    }
    const expiries = 1 + Math.floor((Date.now() - started) / STATUS_MAX_AGE_MS);
    expect((tight.accountStatus?.calls ?? 0) - calls).toBeLessThanOrEqual(expiries);
    expect((await subgraphRequests(t, 'user')) - userRequests).toBeLessThanOrEqual(expiries);
    expect(expiries).toBeLessThan(10);

    expect((await overSocket(socket, ME)).data).toMatchObject({ me: { id: customer.id } });

    // Only an admin may disable.
    const denied = await postGraphQL(t.url, {
      query: `mutation($input: DisableUserInput!) { disableUser(input: $input) { user { id } } }`,
      variables: { input: { userId: customer.id } },
      token: customer.token,
    });
    expect(denied.status).toBe(403);
    const disabled = await postGraphQL<{
      disableUser: { user: { id: string; disabledAt: string | null } | null; userErrors: [] };
    }>(t.url, {
      query: `mutation($input: DisableUserInput!) { disableUser(input: $input) { user { id disabledAt } userErrors { code } } }`,
      variables: { input: { userId: customer.id } },
      token: await t.adminToken(),
    });
    const disabledAt = Date.now();
    expect(disabled.body.data?.disableUser.user).toMatchObject({
      id: customer.id,
      disabledAt: expect.any(String),
    });

    // At once: no refresh, no sign-in (answered like a wrong password).
    const refreshed = await postGraphQL<{
      refreshToken: { accessToken: string | null; userErrors: Array<{ code: string }> };
    }>(t.url, { query: REFRESH, variables: { input: { refreshToken: refresh } } });
    expect(refreshed.body.data?.refreshToken.accessToken).toBeNull();
    expect(refreshed.body.data?.refreshToken.userErrors[0]?.code).toBe('INVALID_REFRESH_TOKEN');
    const again = await login(t.url, customer.email, PASSWORD);
    expect(again.body.data?.login.accessToken).toBeNull();

    // The access token: refused within the max age (+1 s of slack for a loaded box).
    let refused: GraphQLHttpResult | undefined;
    while (Date.now() - disabledAt < STATUS_MAX_AGE_MS + 1_000) {
      const result = await postGraphQL(tight.url, { query: catalog, token: access });
      if (result.status === 401) {
        refused = result;
        break;
      }
      expect(result.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log('[7] disabled token refused after ms', Date.now() - disabledAt);
    expect(refused?.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused?.body.data ?? null).toBeNull();
    // The open socket's operations stop too.
    try {
      const late = await overSocket(socket, ME);
      expect(late.data ?? null).toBeNull();
      expect(late.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await socket.dispose();
    }
  });

  it('7: a deleted account’s validly signed token → 401 within the status max age', async () => {
    const customer = await t.newCustomer();
    const catalog = `query { products(first: 1) { totalCount } }`;
    expect((await postGraphQL(tight.url, { query: catalog, token: customer.token })).status).toBe(
      200,
    );
    await t.graph.database.query(`delete from "user".users where id = $1`, [customer.id]);
    const deletedAt = Date.now();
    let status = 200;
    while (Date.now() - deletedAt < STATUS_MAX_AGE_MS + 1_000) {
      status = (await postGraphQL(tight.url, { query: catalog, token: customer.token })).status;
      if (status === 401) break;
      expect(status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
  });
});

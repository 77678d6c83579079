import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  createVerifier,
  loadSigningKey,
  signJwt,
  toJwks,
  type KeySource,
  type SigningKey,
} from '@shop/auth';

/**
 * C2/C3 (docs/SECURITY.md §6): the gateway verifies access tokens against the user subgraph's JWKS
 * URL (`startGateway` → `createVerifier({ keys: new URL(…/.well-known/jwks.json) })`, jose
 * `createRemoteJWKSet`). These tests drive that same verifier against a JWKS server the test
 * controls. The gateway itself uses the defaults (30 s cooldown, 10 min cache max age); the
 * rotation/removal tests shorten them through `createVerifier`'s `jwks` option so they run in
 * seconds — the flood and server-down tests use the defaults.
 */

interface JwksServer {
  url: URL;
  keys: SigningKey[];
  fetches: number;
  down: boolean;
  close(): Promise<void>;
}

async function startJwksServer(keys: SigningKey[]): Promise<JwksServer> {
  const state = { keys, fetches: 0, down: false };
  const server: Server = createServer((req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    state.fetches += 1;
    const body = JSON.stringify(toJwks(state.keys));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

const accessToken = (key: SigningKey) =>
  signJwt(key, {
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    type: ACCESS_TOKEN_TYPE,
    expiresInSeconds: 300,
    subject: 'user-1',
  });

const verifierFor = (keys: KeySource, jwks?: { cooldownMs?: number; cacheMaxAgeMs?: number }) =>
  createVerifier({
    keys,
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    type: ACCESS_TOKEN_TYPE,
    requireSubject: true,
    ...(jwks ? { jwks } : {}),
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms; returns the elapsed ms when it first holds, or Infinity. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < ms) {
    if (await check()) return performance.now() - started;
    await sleep(50);
  }
  return Number.POSITIVE_INFINITY;
}

describe('JWKS rotation and removal (C2, C3)', () => {
  let k1: SigningKey;
  let k2: SigningKey;
  let server: JwksServer;
  beforeAll(async () => {
    k1 = await loadSigningKey();
    k2 = await loadSigningKey();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('C2: a key added to the JWKS (k2) is accepted without restart once the cooldown allows a refetch; a static key set never accepts it', async () => {
    server = await startJwksServer([k1]);
    const cooldownMs = 1_000;
    const verify = verifierFor(server.url, { cooldownMs });
    const staticVerify = verifierFor([k1]); // unprotected counterpart: keys fixed at start
    expect((await verify(await accessToken(k1))).ok).toBe(true);
    expect(server.fetches).toBe(1);

    server.keys = [k1, k2];
    const k2Token = await accessToken(k2);
    // Inside the cooldown the unknown kid is not refetched yet …
    expect(await verify(k2Token)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    // … and once it has passed, the next verification refetches and accepts k2.
    const acceptedAfter = await within(cooldownMs + 2_000, async () => (await verify(k2Token)).ok);
    expect(acceptedAfter).toBeLessThanOrEqual(cooldownMs + 1_000);
    expect(server.fetches).toBe(2);
    expect((await verify(await accessToken(k1))).ok).toBe(true);
    expect((await staticVerify(k2Token)).ok).toBe(false);
    await server.close();
  });

  it('C2: with the JWKS server down, cached keys still verify; an unknown-kid flood makes at most one refetch per cooldown (defaults)', async () => {
    server = await startJwksServer([k1]);
    const verify = verifierFor(server.url); // production defaults: 30 s cooldown, 10 min max age
    const token = await accessToken(k1);
    expect((await verify(token)).ok).toBe(true);
    expect(server.fetches).toBe(1);

    // 1,000 tokens with unknown kids (signed by keys the JWKS does not have).
    const strangers = await Promise.all(Array.from({ length: 4 }, () => loadSigningKey()));
    const flood = await Promise.all(
      Array.from({ length: 1_000 }, async (_, i) => verify(await accessToken(strangers[i % 4]!))),
    );
    expect(flood.every((result) => !result.ok)).toBe(true);
    // The first unknown kid after the initial fetch may refetch once (cooldown 30 s).
    expect(server.fetches).toBeLessThanOrEqual(2);

    server.down = true;
    const fetchesBefore = server.fetches;
    const results = await Promise.all(Array.from({ length: 100 }, () => verify(token)));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.fetches).toBe(fetchesBefore);
    await server.close();
  });

  it('C3: a key removed from the JWKS is rejected after the cache max age; a static key set keeps accepting it', async () => {
    server = await startJwksServer([k1, k2]);
    const cacheMaxAgeMs = 1_500;
    const verify = verifierFor(server.url, { cooldownMs: 500, cacheMaxAgeMs });
    const staticVerify = verifierFor([k1, k2]);
    const token = await accessToken(k1);
    expect((await verify(token)).ok).toBe(true);

    server.keys = [k2];
    const rejectedAfter = await within(
      cacheMaxAgeMs + 3_000,
      async () => !(await verify(token)).ok,
    );
    // Cached until the max age, then refetched without k1.
    expect(rejectedAfter).toBeLessThanOrEqual(cacheMaxAgeMs + 1_000);
    expect(await verify(token)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    expect((await verify(await accessToken(k2))).ok).toBe(true);
    expect((await staticVerify(token)).ok).toBe(true);
    await server.close();
  });
});

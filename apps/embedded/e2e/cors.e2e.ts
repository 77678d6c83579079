import { request } from 'node:http';
import { loadSigningKey } from '@shop/auth';
import { CorsConfigError, corsFromEnv, startGateway } from '@shop/gateway';
import { readCommittedSupergraph } from '@shop/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGraph, type TestGraph } from './harness';

// CORS at the HTTP level (docs/SECURITY.md "CORS"): preflights, the headers on answers and on
// errors, the WebSocket `Origin` check, and the configurations the gateway refuses to start with.
// browser-cors.e2e.ts runs the same through a real Chromium page.
const ALLOWED = 'http://127.0.0.1:5173';
const OTHER = 'http://evil.example';
const QUERY = JSON.stringify({ query: '{ __typename }' });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const preflight = (url: string, origin: string, requestHeaders: string) =>
  send(url, 'OPTIONS', {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': requestHeaders,
  });

const post = (url: string, headers: Record<string, string>, body = QUERY) =>
  send(url, 'POST', { 'content-type': 'application/json', ...headers }, body);

/** Opens a WebSocket: `open`, or the HTTP status the upgrade was refused with. */
function upgrade(url: string, origin?: string): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', {
      ...(origin ? { origin } : {}),
    });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', (error) => reject(error));
  });
}

describe('CORS on the gateway (allow-list, no credentials)', () => {
  let t: TestGraph;
  beforeAll(async () => {
    t = await startTestGraph('pglite', {
      cors: { origins: [ALLOWED] },
      // Two wrong passwords per email, then 429: an error answer a browser must be able to read.
      requestLimits: {
        perIp: { points: 1_000_000, durationMs: 60_000 },
        newOperationsPerIp: { points: 1_000_000, durationMs: 60_000 },
        perUser: { points: 1_000_000, durationMs: 60_000 },
        loginPerIp: { points: 10_000, durationMs: 60_000 },
        loginPerIpEmail: { points: 2, durationMs: 60_000 },
        accountCreationPerIp: { points: 10_000, durationMs: 60_000 },
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("should answer an allowed origin's preflight with 204, the Apollo headers and a max-age", async () => {
    const answer = await preflight(
      t.url,
      ALLOWED,
      'content-type, authorization, apollographql-client-name, apollographql-client-version, apollo-require-preflight, traceparent, x-apollo-operation-name',
    );
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(answer.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
    const allowed = String(answer.headers['access-control-allow-headers']).split(', ');
    expect(allowed).toEqual(
      expect.arrayContaining([
        'content-type',
        'authorization',
        'apollographql-client-name',
        'apollographql-client-version',
        'apollo-require-preflight',
        'traceparent',
        'x-apollo-operation-name',
      ]),
    );
    expect(answer.headers['access-control-max-age']).toBe('600');
    expect(answer.headers.vary).toMatch(/\bOrigin\b/);
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('should refuse the preflight of an origin not in the list with 403 FORBIDDEN and no Allow-Origin', async () => {
    const answer = await preflight(t.url, OTHER, 'content-type');
    expect(answer.status).toBe(403);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(answer.body)).toMatchObject({
      errors: [{ extensions: { code: 'FORBIDDEN' } }],
    });
    expect(JSON.parse(answer.body).errors[0].message).toContain('CORS_ORIGINS');
  });

  it('should echo an allowed origin on answers, expose retry-after, and send nothing to others', async () => {
    const allowed = await post(t.url, { origin: ALLOWED });
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body)).toMatchObject({ data: { __typename: 'Query' } });
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(allowed.headers['access-control-expose-headers']).toContain('retry-after');
    expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();
    expect(allowed.headers.vary).toMatch(/\bOrigin\b/);

    const other = await post(t.url, { origin: OTHER });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['access-control-expose-headers']).toBeUndefined();
  });

  it('should leave requests without Origin (server to server) unchanged', async () => {
    const answer = await post(t.url, {});
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ data: { __typename: 'Query' } });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('should allow the same origin (GraphiQL served by the gateway) without listing it', async () => {
    const self = new URL(t.url).origin;
    const answer = await preflight(t.url, self, 'content-type');
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(self);
  });

  it('should put the CORS headers on 400, 413 and 429 answers so browsers can read them', async () => {
    const invalidJson = await post(t.url, { origin: ALLOWED }, '{"query": ');
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.headers['access-control-allow-origin']).toBe(ALLOWED);

    const tooLarge = await post(
      t.url,
      { origin: ALLOWED },
      JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }),
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers['access-control-allow-origin']).toBe(ALLOWED);

    const login = JSON.stringify({
      query: `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`,
      variables: { input: { email: `cors-${Date.now()}@example.com`, password: 'Wrong-pass-42' } },
    });
    let limited: Answer | undefined;
    for (let attempt = 0; attempt < 4 && !limited; attempt += 1) {
      const answer = await post(t.url, { origin: ALLOWED }, login);
      if (answer.status === 429) limited = answer;
    }
    expect(limited?.status).toBe(429);
    expect(limited?.headers['retry-after']).toBeDefined();
    expect(limited?.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(limited?.headers['access-control-expose-headers']).toContain('retry-after');
  });

  it('should put the CORS headers on a multipart subscription stream', async () => {
    const token = await t.adminToken();
    const headers = await new Promise<Record<string, string | string[] | undefined>>(
      (resolve, reject) => {
        const req = request(
          t.url,
          {
            method: 'POST',
            headers: {
              origin: ALLOWED,
              'content-type': 'application/json',
              accept: 'multipart/mixed;subscriptionSpec="1.0", application/json',
              authorization: `Bearer ${token}`,
            },
          },
          (res) => {
            resolve({ ...res.headers, status: String(res.statusCode) });
            req.destroy();
          },
        );
        req.on('error', (error) => {
          if (!req.destroyed) reject(error);
        });
        req.end(
          JSON.stringify({
            query: 'subscription { apiUsageUpdated(intervalSeconds: 60) { at } }',
          }),
        );
      },
    );
    expect(headers.status).toBe('200');
    expect(headers['content-type']).toContain('multipart/mixed');
    expect(headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(headers.vary).toMatch(/\bOrigin\b/);
  });

  it('should refuse a WebSocket upgrade from an origin not in the list with 403', async () => {
    expect(await upgrade(t.url, OTHER)).toBe(403);
    expect(await upgrade(t.url, ALLOWED)).toBe('open');
    // Non-browser clients send no Origin.
    expect(await upgrade(t.url)).toBe('open');
  });
});

describe('CORS with credentials', () => {
  let t: TestGraph;
  beforeAll(async () => {
    t = await startTestGraph('pglite', { cors: { origins: [ALLOWED], credentials: true } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should send Allow-Credentials on preflights and answers for allowed origins only', async () => {
    const answer = await preflight(t.url, ALLOWED, 'content-type');
    expect(answer.headers['access-control-allow-credentials']).toBe('true');
    expect(answer.headers['access-control-allow-origin']).toBe(ALLOWED);
    const allowed = await post(t.url, { origin: ALLOWED });
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const other = await post(t.url, { origin: OTHER });
    expect(other.headers['access-control-allow-credentials']).toBeUndefined();
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS configuration', () => {
  it('should refuse to start a production gateway with CORS_ORIGINS=*', async () => {
    expect(() =>
      corsFromEnv({ NODE_ENV: 'production', CORS_ORIGINS: '*', CORS_CREDENTIALS: false }),
    ).toThrow(/refused in production/);
    await expect(
      startGateway({
        supergraphSdl: readCommittedSupergraph(),
        subgraphUrls: {},
        accessTokenKeys: [],
        signingKey: await loadSigningKey(),
        port: 0,
        production: true,
        cors: { origins: ['*'] },
      }),
    ).rejects.toBeInstanceOf(CorsConfigError);
  });

  it('should allow localhost origins on any port by default in development (`pnpm start`)', async () => {
    // The gateway alone over the committed supergraph: preflights and upgrades need no subgraph.
    const gateway = await startGateway({
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls: {},
      accessTokenKeys: [],
      signingKey: await loadSigningKey(),
      port: 0,
      accountStatus: false,
      cors: corsFromEnv({ NODE_ENV: 'development', CORS_CREDENTIALS: false }),
    });
    try {
      for (const origin of [
        'http://localhost:5173',
        'http://127.0.0.1:3000',
        'http://[::1]:8080',
      ]) {
        const answer = await preflight(gateway.url, origin, 'content-type');
        expect(answer.status, origin).toBe(204);
        expect(answer.headers['access-control-allow-origin']).toBe(origin);
      }
      expect((await preflight(gateway.url, 'http://192.168.1.5:5173', 'content-type')).status).toBe(
        403,
      );
      expect(await upgrade(gateway.url, 'http://localhost:5173')).toBe('open');
      expect(await upgrade(gateway.url, 'http://shop.example')).toBe(403);
    } finally {
      await gateway.stop();
    }
  });

  it('should refuse * with credentials and entries that are not origins', () => {
    expect(() =>
      corsFromEnv({ NODE_ENV: 'development', CORS_ORIGINS: '*', CORS_CREDENTIALS: true }),
    ).toThrow(CorsConfigError);
    expect(() =>
      corsFromEnv({
        NODE_ENV: 'production',
        CORS_ORIGINS: 'https://shop.example.com/',
        CORS_CREDENTIALS: false,
      }),
    ).toThrow(/not an origin/);
  });

  it('should default to localhost origins in development and to none in production', () => {
    expect(corsFromEnv({ NODE_ENV: 'development', CORS_CREDENTIALS: false })).toMatchObject({
      origins: [],
      localhost: true,
    });
    expect(corsFromEnv({ NODE_ENV: 'production', CORS_CREDENTIALS: false })).toMatchObject({
      origins: [],
      localhost: false,
    });
    expect(
      corsFromEnv({
        NODE_ENV: 'production',
        CORS_ORIGINS: ' https://a.example , https://b.example:8443 ',
        CORS_CREDENTIALS: false,
      }).origins,
    ).toEqual(['https://a.example', 'https://b.example:8443']);
  });
});

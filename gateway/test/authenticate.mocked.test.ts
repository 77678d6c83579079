import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  loadSigningKey,
  signJwt,
  type SigningKey,
} from '@shop/auth';
import type * as AuthModule from '@shop/auth';
import { composeSupergraph } from '@shop/schema';
import { startGateway, type RunningGateway } from '../src/gateway';

/** Access-token verifications the gateway asked for (every call of its cached verifier). */
const verifications = vi.hoisted(() => ({ count: 0 }));
vi.mock('@shop/auth', async (importOriginal) => {
  const auth = await importOriginal<typeof AuthModule>();
  return {
    ...auth,
    withVerificationCache: ((...args: Parameters<typeof auth.withVerificationCache>) => {
      const verify = auth.withVerificationCache(...args);
      return Object.assign((token: string) => {
        verifications.count += 1;
        return verify(token);
      }, verify);
    }) as typeof auth.withVerificationCache,
  };
});

const ACCOUNTS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { me: String }
`;

describe('authentication once per request', () => {
  let gatewayKey: SigningKey;
  let accessKey: SigningKey;
  let accounts: Server;
  let dir: string;
  let gw: RunningGateway;

  const post = async (
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string }> => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };
  const accessToken = () =>
    signJwt(accessKey, {
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      type: ACCESS_TOKEN_TYPE,
      expiresInSeconds: 300,
      subject: 'user-1',
      claims: { roles: ['CUSTOMER'] },
    });

  beforeAll(async () => {
    gatewayKey = await loadSigningKey();
    accessKey = await loadSigningKey();
    // The subgraph is a stub (it verifies no tokens, so every verification counted is the
    // gateway's): it answers `me` with the subject of the internal token it was sent.
    accounts = createServer((req, res) => {
      const internal = req.headers.authorization?.split('.')[1] ?? '';
      const subject = JSON.parse(Buffer.from(internal, 'base64url').toString() || '{}').sub;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { me: subject ?? null } }));
      });
    });
    await new Promise<void>((resolve) => accounts.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(accounts.address() as AddressInfo).port}/graphql`;
    dir = mkdtempSync(join(tmpdir(), 'shop-authenticate-'));
    writeFileSync(join(dir, 'accounts.graphql'), ACCOUNTS_SDL);
    const composed = composeSupergraph([
      {
        name: 'accounts',
        defaultUrl: url,
        sdlPath: pathToFileURL(join(dir, 'accounts.graphql')),
      },
    ]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));
    // Rate limits (per IP and per user) and multipart subscriptions on, as by default.
    gw = await startGateway({
      supergraphSdl: composed.supergraphSdl,
      subgraphUrls: {},
      accessTokenKeys: [accessKey],
      signingKey: gatewayKey,
      port: 0,
      host: '127.0.0.1',
    });
  });

  afterAll(async () => {
    await gw?.stop(1_000);
    await new Promise((resolve) => accounts?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    verifications.count = 0;
  });

  it('verifies a query’s token once for the rate limits and the context together', async () => {
    const response = await post(
      { query: '{ me }' },
      { authorization: `Bearer ${await accessToken()}` },
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text).data).toEqual({ me: 'user-1' });
    expect(verifications.count).toBe(1);
  });

  it('verifies a rejected token once, and answers 401 with its reason', async () => {
    const response = await post({ query: '{ me }' }, { authorization: 'Bearer not-a-token' });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text).errors[0].extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'TOKEN_INVALID',
    });
    expect(verifications.count).toBe(1);
  });

  it('verifies a multipart subscription’s token once for the rate limits and the stream', async () => {
    const response = await post(
      { query: 'subscription { ticks }' },
      {
        authorization: 'Bearer not-a-token',
        accept: 'multipart/mixed;subscriptionSpec=1.0, application/json',
      },
    );
    expect(response.status).toBe(401);
    expect(verifications.count).toBe(1);
  });

  it('verifies nothing for an anonymous caller', async () => {
    expect((await post({ query: '{ me }' })).status).toBe(200);
    expect(verifications.count).toBe(0);
  });
});

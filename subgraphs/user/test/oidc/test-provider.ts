import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/** An account of the test provider: its `sub` and the claims it releases. */
export interface TestAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** A fresh RSA signing key (RS256, the default ID-token algorithm) as a private JWK. */
export function newSigningKey(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/**
 * A real OpenID provider (`oidc-provider`) on 127.0.0.1 for one test file, without its dev
 * interaction pages: `/interaction/:uid` signs in the account named by `nextLogin` at once, and
 * every client is granted its requested scopes (no consent page). `rotateKeys` replaces the
 * signing keys (the provider is rebuilt on the same port, as a provider's deploy would).
 */
export async function startTestProvider(client: TestClient) {
  const accounts = new Map<string, TestAccount>();
  const state = {
    nextLogin: undefined as string | undefined,
    idTokenTtlSeconds: 600,
    keys: [newSigningKey()],
  };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const build = () => {
    const configuration: Configuration = {
      clients: [
        {
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: [client.redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      jwks: { keys: state.keys as never },
      cookies: { keys: ['test-provider-cookie-key'] },
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true, methods: ['S256'] },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      ttl: { IdToken: () => state.idTokenTtlSeconds },
      findAccount: (_ctx, sub) => {
        const account = accounts.get(sub);
        return account ? { accountId: sub, claims: () => ({ ...account }) } : undefined;
      },
      // Every client is granted what it asks for: no consent page to drive.
      loadExistingGrant: async (ctx) => {
        const grant = new ctx.oidc.provider.Grant({
          clientId: ctx.oidc.client!.clientId,
          accountId: ctx.oidc.session!.accountId!,
        });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
    };
    return new Provider(issuer, configuration);
  };

  let provider = build();
  let callback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const interaction = /^\/interaction\/([^/?]+)/.exec(req.url ?? '');
    if (!interaction) {
      void callback(req, res);
      return;
    }
    const accountId = state.nextLogin;
    if (!accountId || !accounts.has(accountId)) {
      res.writeHead(400).end('no test login chosen');
      return;
    }
    provider
      .interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false })
      .catch(() => res.writeHead(500).end());
  });

  return {
    issuer,
    addAccount(account: TestAccount) {
      accounts.set(account.sub, account);
    },
    /** The account the next `/interaction` signs in. */
    loginAs(sub: string) {
      state.nextLogin = sub;
    },
    /** ID tokens issued from now on live this long (negative: already expired). */
    setIdTokenTtl(seconds: number) {
      state.idTokenTtlSeconds = seconds;
    },
    /** Replaces the signing keys; tokens are signed with the new key only from now on. */
    rotateKeys(): { kid: string } {
      state.keys = [newSigningKey()];
      provider = build();
      callback = provider.callback();
      return { kid: state.keys[0]!.kid as string };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TestProvider = Awaited<ReturnType<typeof startTestProvider>>;

/**
 * What a browser does between the authorization URL and the redirect back to ShopGraph:
 * follows the provider's redirects (keeping its cookies) through its interaction endpoint until
 * the redirect URI, and returns that redirect's query (`code`, `state`, or `error`).
 */
export async function followAuthorization(
  authorizationUrl: string,
  redirectUri: string,
): Promise<URLSearchParams> {
  const cookies = new Map<string, string>();
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    const location = response.headers.get('location');
    if (!location) {
      throw new Error(
        `authorization stopped at ${url.pathname}: ${response.status} ${await response.text()}`,
      );
    }
    await response.body?.cancel();
    const next = new URL(location, url);
    if (`${next.origin}${next.pathname}` === redirectUri) return next.searchParams;
    url = next;
  }
  throw new Error('too many redirects during authorization');
}

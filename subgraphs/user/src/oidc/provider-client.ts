import * as client from 'openid-client';
import type { GithubProviderConfig, OidcProviderConfig, ProviderConfig } from './config';
import { classifyProviderError, oidcFail, ProviderError } from './errors';

/** Who the provider says signed in. */
export interface ProviderProfile {
  /** Stable account id at the provider: OpenID Connect `sub`, or GitHub's numeric user id. */
  subject: string;
  email: string | null;
  /** True only when the provider states that it verified `email`. */
  emailVerified: boolean;
  name: string | null;
}

/** The secrets of one authorization-code flow, kept server-side between start and completion. */
export interface FlowSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** How long discovered provider metadata is reused before it is read again. */
const METADATA_TTL_MS = 60 * 60 * 1000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Plain HTTP is allowed only for providers on this machine (local development and tests). */
const allowsHttp = (url: string) => LOOPBACK_HOSTS.has(new URL(url).hostname);

/** One configured provider: builds authorization URLs and turns a code into a profile. */
export interface ProviderClient {
  readonly config: ProviderConfig;
  authorizationUrl(secrets: FlowSecrets): Promise<URL>;
  /** Exchanges `code` (PKCE, state and, for OpenID Connect, nonce checked); throws `ProviderError`. */
  exchange(
    redirect: { code: string; iss?: string | null | undefined },
    secrets: FlowSecrets,
  ): Promise<ProviderProfile>;
}

/**
 * A fresh openid-client `Configuration` for each operation: the provider's JWKS is then read at
 * every completion, so a rotated signing key is accepted at once (one extra request per sign-in).
 */
function configurationFor(
  provider: ProviderConfig,
  metadata: client.ServerMetadata,
): client.Configuration {
  const config = new client.Configuration(metadata, provider.clientId, provider.clientSecret);
  if (allowsHttp(metadata.issuer)) client.allowInsecureRequests(config);
  config.timeout = provider.timeoutMs / 1000;
  // Verify the ID token's signature against the provider's JWKS too (not only TLS trust).
  if (provider.type === 'oidc') client.enableNonRepudiationChecks(config);
  return config;
}

function metadataSource(provider: ProviderConfig): () => Promise<client.ServerMetadata> {
  if (provider.type === 'github') {
    const metadata: client.ServerMetadata = {
      issuer: new URL(provider.authorizationEndpoint).origin,
      authorization_endpoint: provider.authorizationEndpoint,
      token_endpoint: provider.tokenEndpoint,
    };
    return async () => metadata;
  }
  if (provider.authorizationEndpoint && provider.tokenEndpoint && provider.jwksUri) {
    const metadata: client.ServerMetadata = {
      issuer: provider.issuer,
      authorization_endpoint: provider.authorizationEndpoint,
      token_endpoint: provider.tokenEndpoint,
      jwks_uri: provider.jwksUri,
    };
    return async () => metadata;
  }
  let cached: { metadata: Promise<client.ServerMetadata>; at: number } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > METADATA_TTL_MS) {
      const metadata = discover(provider);
      cached = { metadata, at: Date.now() };
      // A failed discovery is not remembered: the next sign-in tries again.
      metadata.catch(() => {
        if (cached?.metadata === metadata) cached = undefined;
      });
    }
    return cached.metadata;
  };
}

async function discover(provider: OidcProviderConfig): Promise<client.ServerMetadata> {
  const config = await client.discovery(
    new URL(provider.issuer),
    provider.clientId,
    provider.clientSecret,
    undefined,
    {
      ...(allowsHttp(provider.issuer) ? { execute: [client.allowInsecureRequests] } : {}),
      timeout: provider.timeoutMs / 1000,
    },
  );
  return config.serverMetadata();
}

/** The callback URL the provider would have sent the browser to. */
function callbackUrl(
  provider: ProviderConfig,
  metadata: client.ServerMetadata,
  redirect: { code: string; state: string; iss?: string | null | undefined },
): URL {
  const url = new URL(provider.redirectUri);
  url.searchParams.set('code', redirect.code);
  url.searchParams.set('state', redirect.state);
  // RFC 9207: a provider that announces `iss` in redirects has it checked when the client passes
  // it on; without it, the flow's own provider is assumed (the state is bound to one provider,
  // and the code only ever goes to that provider's token endpoint).
  if (metadata.authorization_response_iss_parameter_supported) {
    url.searchParams.set('iss', redirect.iss ?? metadata.issuer);
  }
  return url;
}

async function githubProfile(
  provider: GithubProviderConfig,
  config: client.Configuration,
  accessToken: string,
): Promise<ProviderProfile> {
  const get = async (path: string) => {
    const response = await client.fetchProtectedResource(
      config,
      accessToken,
      new URL(`${provider.apiUrl.replace(/\/$/, '')}${path}`),
      'GET',
      undefined,
      new Headers({ accept: 'application/vnd.github+json', 'user-agent': 'ShopGraph' }),
    );
    if (!response.ok) {
      throw new ProviderError(
        response.status >= 500
          ? oidcFail('OIDC_PROVIDER_UNAVAILABLE', 'GitHub failed; try again')
          : oidcFail('OIDC_TOKEN_INVALID', 'GitHub refused the access token it issued'),
      );
    }
    return response.json() as Promise<unknown>;
  };
  const user = (await get('/user')) as { id?: unknown; name?: unknown; login?: unknown };
  if (typeof user.id !== 'number' && typeof user.id !== 'string') {
    throw new ProviderError(oidcFail('OIDC_TOKEN_INVALID', 'GitHub returned no user id'));
  }
  const emails = (await get('/user/emails')) as Array<{
    email?: unknown;
    verified?: unknown;
    primary?: unknown;
  }>;
  const primary = Array.isArray(emails)
    ? emails.find((e) => e.primary === true && typeof e.email === 'string')
    : undefined;
  const name = typeof user.name === 'string' && user.name ? user.name : user.login;
  return {
    subject: String(user.id),
    email: primary ? (primary.email as string) : null,
    emailVerified: primary?.verified === true,
    name: typeof name === 'string' ? name : null,
  };
}

function oidcProfile(claims: client.IDToken | undefined): ProviderProfile {
  if (!claims?.sub) throw new ProviderError(oidcFail('OIDC_TOKEN_INVALID', 'No ID token subject'));
  const { email, email_verified: verified, name, preferred_username: username } = claims;
  return {
    subject: claims.sub,
    email: typeof email === 'string' ? email : null,
    // Some providers send the flag as the string "true".
    emailVerified: verified === true || verified === 'true',
    name: typeof name === 'string' ? name : typeof username === 'string' ? username : null,
  };
}

/** A client for one configured provider (OpenID Connect or GitHub OAuth2). */
export function createProviderClient(provider: ProviderConfig): ProviderClient {
  const metadata = metadataSource(provider);
  const configuration = async () => {
    try {
      return configurationFor(provider, await metadata());
    } catch (error) {
      throw new ProviderError(classifyProviderError(error, 'discovery'));
    }
  };

  return {
    config: provider,

    async authorizationUrl(secrets) {
      const config = await configuration();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: provider.redirectUri,
        scope: provider.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(secrets.codeVerifier),
        code_challenge_method: 'S256',
        state: secrets.state,
        ...(provider.type === 'oidc' ? { nonce: secrets.nonce } : {}),
      });
    },

    async exchange(redirect, secrets) {
      const config = await configuration();
      try {
        const tokens = await client.authorizationCodeGrant(
          config,
          callbackUrl(provider, config.serverMetadata(), { ...redirect, state: secrets.state }),
          {
            pkceCodeVerifier: secrets.codeVerifier,
            expectedState: secrets.state,
            ...(provider.type === 'oidc'
              ? { expectedNonce: secrets.nonce, idTokenExpected: true }
              : {}),
          },
        );
        if (provider.type === 'github') {
          return await githubProfile(provider, config, tokens.access_token);
        }
        const profile = oidcProfile(tokens.claims());
        // Providers may keep email claims out of the ID token of a code flow (oidc-provider's
        // default): ask UserInfo then, checking that it speaks of the same subject.
        if (profile.email === null && config.serverMetadata().userinfo_endpoint) {
          const info = await client.fetchUserInfo(config, tokens.access_token, profile.subject);
          return { ...oidcProfile({ ...tokens.claims()!, ...info }), subject: profile.subject };
        }
        return profile;
      } catch (error) {
        throw error instanceof ProviderError
          ? error
          : new ProviderError(classifyProviderError(error, 'exchange'));
      }
    },
  };
}

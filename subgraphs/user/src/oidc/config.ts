import { z } from '@shop/config';

/** Defaults of a `github` provider: github.com's OAuth2 endpoints and REST API. */
export const GITHUB_DEFAULTS = {
  authorizationEndpoint: 'https://github.com/login/oauth/authorize',
  tokenEndpoint: 'https://github.com/login/oauth/access_token',
  apiUrl: 'https://api.github.com',
  scopes: ['read:user', 'user:email'],
} as const;

/** Every call to a provider (discovery, JWKS, token, user info) gives up after this long. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 1_500;

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and "-", at most 32');
const url = z.string().url();

const common = {
  id,
  /** Shown to people, e.g. "Google"; the id when absent. */
  name: z.string().min(1).max(64).optional(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Where the provider sends the browser back with `code` and `state` (registered with it). */
  redirectUri: url,
  timeoutMs: z.number().int().positive().max(30_000).default(DEFAULT_PROVIDER_TIMEOUT_MS),
};

const oidcProvider = z
  .object({
    ...common,
    type: z.literal('oidc').default('oidc'),
    /** Issuer URL; its `/.well-known/openid-configuration` is read unless endpoints are given. */
    issuer: url,
    authorizationEndpoint: url.optional(),
    tokenEndpoint: url.optional(),
    jwksUri: url.optional(),
    scopes: z.array(z.string().min(1)).default(['openid', 'email', 'profile']),
  })
  .strict()
  .refine(
    (p) =>
      [p.authorizationEndpoint, p.tokenEndpoint, p.jwksUri].every((v) => v === undefined) ||
      [p.authorizationEndpoint, p.tokenEndpoint, p.jwksUri].every((v) => v !== undefined),
    'give all of authorizationEndpoint, tokenEndpoint and jwksUri, or none (discovery)',
  )
  .refine((p) => p.scopes.includes('openid'), 'scopes must include "openid"');

const githubProvider = z
  .object({
    ...common,
    type: z.literal('github'),
    authorizationEndpoint: url.default(GITHUB_DEFAULTS.authorizationEndpoint),
    tokenEndpoint: url.default(GITHUB_DEFAULTS.tokenEndpoint),
    /** GitHub's REST API (`/user`, `/user/emails`); GitHub Enterprise: `https://HOST/api/v3`. */
    apiUrl: url.default(GITHUB_DEFAULTS.apiUrl),
    scopes: z.array(z.string().min(1)).default([...GITHUB_DEFAULTS.scopes]),
  })
  .strict();

const providerList = z
  .array(z.union([githubProvider, oidcProvider]))
  .refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'provider ids repeat');

export type OidcProviderConfig = z.infer<typeof oidcProvider>;
export type GithubProviderConfig = z.infer<typeof githubProvider>;
export type ProviderConfig = OidcProviderConfig | GithubProviderConfig;
/** A provider as written in `OIDC_PROVIDERS` (defaults not applied yet). */
export type ProviderInput = z.input<typeof oidcProvider> | z.input<typeof githubProvider>;

/**
 * Parses `OIDC_PROVIDERS` (a JSON array, see README "Sign-in with OpenID Connect and GitHub")
 * or a ready list; throws a readable error naming the bad entry (never echoing secrets).
 */
export function parseProviders(input: string | ProviderInput[] | undefined): ProviderConfig[] {
  if (input === undefined || input === '') return [];
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch {
      throw new Error('OIDC_PROVIDERS is not valid JSON (expected an array of providers)');
    }
  }
  const parsed = providerList.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(list)'}: ${i.message}`,
    );
    throw new Error(`OIDC_PROVIDERS is invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

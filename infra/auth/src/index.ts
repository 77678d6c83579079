import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';

/**
 * Roles known to the graph. `SERVICE` is never given to a person: it marks a subgraph calling
 * another subgraph directly (e.g. order reserving stock in product).
 */
export type Role = 'CUSTOMER' | 'ADMIN' | 'SERVICE';
export const ROLES: readonly Role[] = ['CUSTOMER', 'ADMIN', 'SERVICE'];

/** Who is calling, as established by a verified token; `null` for anonymous callers. */
export interface Identity {
  userId: string;
  roles: Role[];
}

export type SigningAlgorithm = 'ES256' | 'EdDSA';
const ALLOWED_ALGORITHMS: SigningAlgorithm[] = ['ES256', 'EdDSA'];

/** `typ` of access tokens issued by the user subgraph to clients (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** `typ` of the short-lived tokens the gateway mints for each subgraph request. */
export const INTERNAL_TOKEN_TYPE = 'shop-internal+jwt';
/** Issuer of access tokens. */
export const ACCESS_TOKEN_ISSUER = 'shopgraph-user';
/** Audience of access tokens: the graph as a whole. */
export const ACCESS_TOKEN_AUDIENCE = 'shopgraph';
/** Issuer of internal tokens. */
export const INTERNAL_TOKEN_ISSUER = 'shopgraph-gateway';
/** Audience of internal tokens for one subgraph. */
export const internalAudience = (subgraph: string) => `subgraph:${subgraph}`;
/** Allowed clock skew in seconds for exp/nbf/iat. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** A private signing key with its public JWK and `kid`. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * Loads a signing key from a private JWK (JSON string or object), or generates a fresh one.
 *
 * @example
 * const key = await loadSigningKey(env.AUTH_PRIVATE_JWK); // generated when undefined
 */
export async function loadSigningKey(
  privateJwk?: string | JWK,
  alg: SigningAlgorithm = 'ES256',
): Promise<SigningKey> {
  let jwk: JWK;
  if (privateJwk) {
    jwk = typeof privateJwk === 'string' ? (JSON.parse(privateJwk) as JWK) : privateJwk;
    if (!jwk.d) throw new Error('signing key JWK has no private part ("d")');
    alg = (jwk.alg as SigningAlgorithm | undefined) ?? (jwk.kty === 'OKP' ? 'EdDSA' : 'ES256');
    if (!ALLOWED_ALGORITHMS.includes(alg)) throw new Error(`unsupported signing algorithm ${alg}`);
  } else {
    const pair = await generateKeyPair(alg, { extractable: true });
    jwk = await exportJWK(pair.privateKey);
  }
  const privateKey = (await importJWK({ ...jwk, alg }, alg, { extractable: true })) as CryptoKey;
  const { d: _private, ...publicPart } = jwk;
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicPart));
  return { kid, alg, privateKey, publicJwk: { ...publicPart, kid, alg, use: 'sig' } };
}

/** Exports a key's private JWK (to persist or hand to another process). */
export async function exportPrivateJwk(key: SigningKey): Promise<JWK> {
  return { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: key.alg };
}

/** The JWKS document (`/.well-known/jwks.json`) for a set of keys. */
export function toJwks(keys: SigningKey[]): JSONWebKeySet {
  return { keys: keys.map((key) => key.publicJwk) };
}

export interface SignOptions {
  issuer: string;
  audience: string;
  type: string;
  expiresInSeconds: number;
  subject?: string | undefined;
  claims?: Record<string, unknown>;
}

/** Signs a JWT with `kid`, `typ`, `iat`, `exp`, `jti`. */
export async function signJwt(key: SigningKey, options: SignOptions): Promise<string> {
  const jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: options.type })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${options.expiresInSeconds}s`);
  if (options.subject) jwt.setSubject(options.subject);
  return jwt.sign(key.privateKey);
}

/** Where verification keys come from: a JWKS URL, a JWKS document, or local keys. */
export type KeySource = URL | JSONWebKeySet | SigningKey[];

/** Remote JWKS caching (jose `createRemoteJWKSet`); defaults: 30 s cooldown, 10 min max age. */
export interface RemoteJwksOptions {
  /** Minimum gap between refetches triggered by an unknown `kid`. Default 30,000 ms. */
  cooldownMs?: number;
  /** Age after which the cached key set is refetched before use. Default 600,000 ms. */
  cacheMaxAgeMs?: number;
}

function resolveKeys(source: KeySource, jwks: RemoteJwksOptions = {}): JWTVerifyGetKey {
  if (source instanceof URL) {
    return createRemoteJWKSet(source, {
      timeoutDuration: 2_000,
      cooldownDuration: jwks.cooldownMs ?? 30_000,
      ...(jwks.cacheMaxAgeMs !== undefined ? { cacheMaxAge: jwks.cacheMaxAgeMs } : {}),
    });
  }
  return createLocalJWKSet(Array.isArray(source) ? toJwks(source) : source);
}

export type VerifyFailure = 'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'KEYS_UNAVAILABLE';
export type VerifyResult =
  { ok: true; payload: JWTPayload } | { ok: false; code: VerifyFailure; reason: string };

export interface VerifierOptions {
  keys: KeySource;
  issuer: string;
  audience: string;
  type: string;
  requireSubject: boolean;
  /** Caching of a remote JWKS (`keys` is a URL); ignored for local keys. */
  jwks?: RemoteJwksOptions;
}

/**
 * Builds a strict verifier: algorithm allow-list (ES256, EdDSA), `iss`, `aud`, `typ`, and
 * `exp` + `iat` required, 30 s clock tolerance. `alg: none`, HS256 key confusion, missing
 * `exp` and wrong audiences are all rejected.
 */
export function createVerifier(options: VerifierOptions): (token: string) => Promise<VerifyResult> {
  const getKey = resolveKeys(options.keys, options.jwks);
  const requiredClaims = options.requireSubject ? ['exp', 'iat', 'sub'] : ['exp', 'iat'];
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, getKey, {
        algorithms: ALLOWED_ALGORITHMS,
        issuer: options.issuer,
        audience: options.audience,
        typ: options.type,
        requiredClaims,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      return { ok: true, payload };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        return { ok: false, code: 'TOKEN_EXPIRED', reason: 'token has expired' };
      }
      if (error instanceof joseErrors.JWKSTimeout || isFetchFailure(error)) {
        return { ok: false, code: 'KEYS_UNAVAILABLE', reason: 'signing keys unavailable' };
      }
      const reason = error instanceof Error ? error.message : 'invalid token';
      return { ok: false, code: 'TOKEN_INVALID', reason };
    }
  };
}

function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch failed/i.test(error.message);
}

/** Reads the identity claims (`sub`, `roles`) out of a verified payload. */
export function identityFromPayload(payload: JWTPayload): Identity | null {
  if (!payload.sub) return null;
  const raw = Array.isArray(payload.roles) ? payload.roles : [];
  const roles = raw.filter((role): role is Role => ROLES.includes(role as Role));
  return { userId: payload.sub, roles };
}

/** Mints the per-request token the gateway sends to one subgraph (valid for 60 s). */
export function mintInternalToken(
  key: SigningKey,
  subgraph: string,
  identity: Identity | null,
): Promise<string> {
  return signJwt(key, {
    issuer: INTERNAL_TOKEN_ISSUER,
    audience: internalAudience(subgraph),
    type: INTERNAL_TOKEN_TYPE,
    expiresInSeconds: 60,
    subject: identity?.userId,
    claims: identity ? { roles: identity.roles } : {},
  });
}

/**
 * An account's email as the user subgraph stores and looks it up (trimmed, lower case), and as
 * the gateway counts sign-in attempts: one function, so no spelling of an email gets a budget
 * of its own.
 */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Extracts the token from an `Authorization: Bearer …` header value. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

export type { JSONWebKeySet, JWK };

export {
  createInternalTokenCache,
  withVerificationCache,
  type InternalTokenCache,
  type InternalTokenCacheOptions,
  type VerificationCacheOptions,
} from './caches';
export { createCartTokens, type CartTokens } from './cart-tokens';

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  signJwt,
  type Role,
  type SigningKey,
} from '@shop/auth';
import type { SessionClient, UserRepo } from './repo';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

/** What a successful sign-in or refresh hands to the client. */
export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
}

export type RefreshOutcome =
  | { ok: true; userId: string; refreshToken: string }
  | { ok: false; code: 'INVALID_REFRESH_TOKEN' | 'REFRESH_TOKEN_REUSED' };

/** Opaque refresh tokens: 32 random bytes, base64url. Only their SHA-256 is stored. */
export const newRefreshToken = () => randomBytes(32).toString('base64url');
export const hashRefreshToken = (token: string) =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Access tokens (short-lived JWTs, RFC 9068 `at+jwt`) and rotating refresh tokens grouped in
 * families (RFC 9700 §4.14.2: reuse of a rotated token revokes the family).
 */
export function createTokenService(options: { accessTokenKey: SigningKey; repo: UserRepo }) {
  const { accessTokenKey, repo } = options;

  const signAccessToken = async (user: { id: string; roles: Role[] }) => {
    const accessToken = await signJwt(accessTokenKey, {
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      type: ACCESS_TOKEN_TYPE,
      expiresInSeconds: ACCESS_TOKEN_TTL_SECONDS,
      subject: user.id,
      claims: { roles: user.roles },
    });
    // Matches the `exp` signJwt sets (whole seconds from now).
    const accessTokenExpiresAt = new Date(
      (Math.floor(Date.now() / 1000) + ACCESS_TOKEN_TTL_SECONDS) * 1000,
    );
    return { accessToken, accessTokenExpiresAt };
  };

  return {
    signAccessToken,

    /** Starts a new refresh-token family (a new sign-in, a session) for `userId`. */
    async startFamily(userId: string, client?: SessionClient): Promise<string> {
      const refreshToken = newRefreshToken();
      await repo.insertRefreshToken({
        id: randomUUID(),
        userId,
        familyId: randomUUID(),
        tokenHash: hashRefreshToken(refreshToken),
        ttlSeconds: REFRESH_TOKEN_TTL_SECONDS,
        client,
      });
      return refreshToken;
    },

    /** Exchanges a refresh token for its successor (exactly once). */
    async rotate(presented: string, client?: SessionClient): Promise<RefreshOutcome> {
      const refreshToken = newRefreshToken();
      const outcome = await repo.rotateRefreshToken({
        presentedHash: hashRefreshToken(presented),
        next: {
          id: randomUUID(),
          tokenHash: hashRefreshToken(refreshToken),
          ttlSeconds: REFRESH_TOKEN_TTL_SECONDS,
        },
        client,
      });
      switch (outcome.status) {
        case 'rotated':
          return { ok: true, userId: outcome.userId, refreshToken };
        case 'reused':
          return { ok: false, code: 'REFRESH_TOKEN_REUSED' };
        case 'invalid':
          return { ok: false, code: 'INVALID_REFRESH_TOKEN' };
      }
    },

    /** Revokes every token of the presented token's family; false when it is unknown. */
    revokeFamily(presented: string): Promise<boolean> {
      return repo.revokeFamilyOf(hashRefreshToken(presented));
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;

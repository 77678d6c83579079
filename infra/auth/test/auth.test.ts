import { SignJWT, UnsecuredJWT, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  bearerToken,
  createVerifier,
  exportPrivateJwk,
  identityFromPayload,
  loadSigningKey,
  signJwt,
} from '../src/index';

const accessOptions = (expiresInSeconds = 900) => ({
  issuer: ACCESS_TOKEN_ISSUER,
  audience: ACCESS_TOKEN_AUDIENCE,
  type: ACCESS_TOKEN_TYPE,
  expiresInSeconds,
  subject: 'user-1',
  claims: { roles: ['CUSTOMER'] },
});

describe('jwt verification', async () => {
  const key = await loadSigningKey();
  const verify = createVerifier({
    keys: [key],
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    type: ACCESS_TOKEN_TYPE,
    requireSubject: true,
  });

  it('should accept a valid token and read its identity', async () => {
    const result = await verify(await signJwt(key, accessOptions()));
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(identityFromPayload(result.payload)).toEqual({
        userId: 'user-1',
        roles: ['CUSTOMER'],
      });
  });

  it('should reject alg none', async () => {
    const token = new UnsecuredJWT({ sub: 'admin', roles: ['ADMIN'] })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    expect(await verify(token)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
  });

  it('should reject HS256 signed with the public key (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const token = await new SignJWT({ roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: ACCESS_TOKEN_TYPE })
      .setSubject('admin')
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    expect(await verify(token)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
  });

  it('should reject a token without exp', async () => {
    const token = await new SignJWT({ roles: ['CUSTOMER'] })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: ACCESS_TOKEN_TYPE })
      .setSubject('user-1')
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .sign(key.privateKey);
    expect(await verify(token)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
  });

  it('should reject expired tokens beyond the 30 s skew but accept within it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const make = (exp: number) =>
      new SignJWT({ roles: [] })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: ACCESS_TOKEN_TYPE })
        .setSubject('user-1')
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setIssuedAt(now - 600)
        .setExpirationTime(exp)
        .sign(key.privateKey);
    expect(await verify(await make(now - 60))).toMatchObject({ ok: false, code: 'TOKEN_EXPIRED' });
    expect((await verify(await make(now - 10))).ok).toBe(true);
  });

  it('should reject the wrong audience, the wrong issuer and the wrong typ', async () => {
    for (const patch of [{ audience: 'other' }, { issuer: 'evil' }, { type: 'JWT' }]) {
      const token = await signJwt(key, { ...accessOptions(), ...patch });
      expect(await verify(token)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    }
  });

  it('should reject a tampered payload and a token from another key', async () => {
    const token = await signJwt(key, accessOptions());
    const [header, , signature] = token.split('.');
    const forged = base64url.encode(JSON.stringify({ sub: 'admin', roles: ['ADMIN'] }));
    expect(await verify(`${header}.${forged}.${signature}`)).toMatchObject({ ok: false });
    const other = await loadSigningKey();
    expect(await verify(await signJwt(other, accessOptions()))).toMatchObject({
      ok: false,
      code: 'TOKEN_INVALID',
    });
  });

  it('should round-trip a persisted private key', async () => {
    const again = await loadSigningKey(JSON.stringify(await exportPrivateJwk(key)));
    expect(again.kid).toBe(key.kid);
    expect((await verify(await signJwt(again, accessOptions()))).ok).toBe(true);
  });

  it('should parse bearer headers strictly', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

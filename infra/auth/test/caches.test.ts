import { decodeJwt } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import {
  createInternalTokenCache,
  createVerifier,
  identityFromPayload,
  INTERNAL_TOKEN_ISSUER,
  INTERNAL_TOKEN_TYPE,
  internalAudience,
  loadSigningKey,
  mintInternalToken,
  withVerificationCache,
  type Identity,
  type VerifyResult,
} from '../src/index';

const customer: Identity = { userId: 'user-1', roles: ['CUSTOMER'] };
const admin: Identity = { userId: 'user-1', roles: ['CUSTOMER', 'ADMIN'] };
const other: Identity = { userId: 'user-2', roles: ['CUSTOMER'] };

describe('internal token cache', async () => {
  const key = await loadSigningKey();
  const setup = (maxEntries?: number) => {
    let clock = 1_000_000;
    const mint = vi.fn((subgraph: string, identity: Identity | null) =>
      mintInternalToken(key, subgraph, identity),
    );
    const cache = createInternalTokenCache({
      mint,
      now: () => clock,
      ...(maxEntries ? { maxEntries } : {}),
    });
    return { cache, mint, advance: (ms: number) => (clock += ms) };
  };

  it('should reuse the token of one (subgraph, identity) until half its lifetime is gone', async () => {
    const { cache, mint, advance } = setup();
    const first = await cache.get('order', customer);
    expect(await cache.get('order', { userId: 'user-1', roles: ['CUSTOMER'] })).toBe(first);
    advance(29_000);
    expect(await cache.get('order', customer)).toBe(first);
    expect(mint).toHaveBeenCalledTimes(1);
    advance(1_000); // 30 s: only half of the 60 s lifetime left → a new token
    const second = await cache.get('order', customer);
    expect(second).not.toBe(first);
    expect(mint).toHaveBeenCalledTimes(2);
  });

  it('should share one mint between concurrent requests', async () => {
    const { cache, mint } = setup();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => cache.get('cart', null)));
    expect(new Set(tokens).size).toBe(1);
    expect(mint).toHaveBeenCalledTimes(1);
  });

  it('should never hand one identity the token of another', async () => {
    const { cache } = setup();
    const tokens = {
      anonymous: await cache.get('order', null),
      customer: await cache.get('order', customer),
      admin: await cache.get('order', admin),
      other: await cache.get('order', other),
      otherSubgraph: await cache.get('product', customer),
    };
    expect(new Set(Object.values(tokens)).size).toBe(5);
    expect(decodeJwt(tokens.anonymous).sub).toBeUndefined();
    expect(decodeJwt(tokens.customer)).toMatchObject({ sub: 'user-1', roles: ['CUSTOMER'] });
    expect(decodeJwt(tokens.admin)).toMatchObject({ sub: 'user-1', roles: ['CUSTOMER', 'ADMIN'] });
    expect(decodeJwt(tokens.other)).toMatchObject({ sub: 'user-2' });
    expect(decodeJwt(tokens.otherSubgraph).aud).toBe(internalAudience('product'));
    // The roles' order does not matter; their set does.
    expect(await cache.get('order', { userId: 'user-1', roles: ['ADMIN', 'CUSTOMER'] })).toBe(
      tokens.admin,
    );
  });

  it('should stay bounded and not cache a failed mint', async () => {
    const { cache } = setup(3);
    for (let i = 0; i < 10; i++) await cache.get('order', { userId: `u${i}`, roles: [] });
    expect(cache.size).toBe(3);

    let fail = true;
    const flaky = createInternalTokenCache({
      mint: async (subgraph, identity) => {
        if (fail) throw new Error('no key');
        return mintInternalToken(key, subgraph, identity);
      },
    });
    await expect(flaky.get('order', null)).rejects.toThrow('no key');
    fail = false;
    expect(typeof (await flaky.get('order', null))).toBe('string');
  });
});

describe('verification cache', async () => {
  const key = await loadSigningKey();
  const foreign = await loadSigningKey();
  const strict = createVerifier({
    keys: [key],
    issuer: INTERNAL_TOKEN_ISSUER,
    audience: internalAudience('order'),
    type: INTERNAL_TOKEN_TYPE,
    requireSubject: false,
  });
  const setup = (maxEntries?: number, maxAgeMs?: number) => {
    let clock = Date.now();
    const inner = vi.fn(strict);
    const verify = withVerificationCache(inner, {
      now: () => clock,
      ...(maxEntries ? { maxEntries } : {}),
      ...(maxAgeMs ? { maxAgeMs } : {}),
    });
    return { verify, inner, advance: (ms: number) => (clock += ms) };
  };

  it('should verify a repeated token once and give the same identity', async () => {
    const { verify, inner } = setup();
    const token = await mintInternalToken(key, 'order', customer);
    const first = await verify(token);
    const second = await verify(token);
    expect(inner).toHaveBeenCalledTimes(1);
    expect(second).toEqual(first);
    expect(second.ok && identityFromPayload(second.payload)).toEqual(customer);
  });

  it('should stop serving a cached verification at the token expiry', async () => {
    const { verify, inner, advance } = setup();
    const token = await mintInternalToken(key, 'order', customer);
    expect((await verify(token)).ok).toBe(true);
    advance(59_000);
    expect((await verify(token)).ok).toBe(true);
    expect(inner).toHaveBeenCalledTimes(1);
    advance(2_000); // past `exp`: verified again (and cached no more)
    await verify(token);
    expect(inner).toHaveBeenCalledTimes(2);
    expect(verify.size).toBe(0);
  });

  it('should serve a cached verification no longer than maxAgeMs, even before expiry', async () => {
    const { verify, inner, advance } = setup(undefined, 30_000);
    const token = await mintInternalToken(key, 'order', customer); // exp in 60 s
    expect((await verify(token)).ok).toBe(true);
    advance(29_000);
    expect((await verify(token)).ok).toBe(true);
    expect(inner).toHaveBeenCalledTimes(1);
    advance(2_000); // 31 s: past maxAgeMs, before exp — verified again, then cached again
    expect((await verify(token)).ok).toBe(true);
    expect(inner).toHaveBeenCalledTimes(2);
    expect(verify.size).toBe(1);
  });

  it('should never cache failures', async () => {
    const { verify, inner } = setup();
    const forged = await mintInternalToken(foreign, 'order', admin);
    const wrongAudience = await mintInternalToken(key, 'product', admin);
    for (const token of [forged, forged, wrongAudience, wrongAudience]) {
      const result: VerifyResult = await verify(token);
      expect(result.ok).toBe(false);
    }
    expect(inner).toHaveBeenCalledTimes(4);
    expect(verify.size).toBe(0);
  });

  it('should stay bounded', async () => {
    const { verify } = setup(5);
    for (let i = 0; i < 12; i++) {
      await verify(await mintInternalToken(key, 'order', { userId: `u${i}`, roles: [] }));
    }
    expect(verify.size).toBe(5);
  });
});

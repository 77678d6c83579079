import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCartTokens } from '../src';

describe('guest cart tokens', () => {
  const tokens = createCartTokens('a-test-secret-of-enough-length');

  it('should verify the tokens it signs and nothing else', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string({ maxLength: 80 }), (cartId, junk) => {
        const token = tokens.sign(cartId);
        expect(tokens.verify(token)).toBe(cartId);
        expect(tokens.verify(`${token}${junk}`)).toBe(junk === '' ? cartId : null);
        expect(tokens.verify(junk)).toBeNull();
      }),
    );
  });

  it('should refuse tokens signed with another secret or for another cart', () => {
    const cartId = randomUUID();
    const token = tokens.sign(cartId);
    expect(token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(createCartTokens('another-secret-of-enough-length').verify(token)).toBeNull();
    const mac = token.split('.')[1];
    expect(tokens.verify(`${randomUUID()}.${mac}`)).toBeNull();
    expect(() => createCartTokens('short')).toThrow(/at least 16/);
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '@shop/primitives';

/**
 * Guest cart tokens: `<cartId>.<base64url HMAC-SHA256(cartId, secret)>`. Holding the token is
 * what proves access to a guest cart; forging one needs the secret. The cart subgraph signs and
 * verifies them; the notification subgraph verifies them with the same `CART_TOKEN_SECRET`.
 */
export interface CartTokens {
  sign(cartId: string): string;
  /** The cart id of a genuine token, or null for a malformed or forged one. */
  verify(token: string): string | null;
}

export function createCartTokens(secret: string): CartTokens {
  if (secret.length < 16) throw new Error('cart token secret must be at least 16 characters');
  const mac = (cartId: string) => createHmac('sha256', secret).update(cartId).digest();
  return {
    sign: (cartId) => `${cartId}.${mac(cartId).toString('base64url')}`,
    verify(token) {
      if (token.length > 200) return null;
      const dot = token.indexOf('.');
      if (dot < 0) return null;
      const cartId = token.slice(0, dot);
      if (!isUuid(cartId)) return null;
      // Compares the text, so non-canonical base64url spellings of the MAC are refused too.
      const given = Buffer.from(token.slice(dot + 1));
      const expected = Buffer.from(mac(cartId).toString('base64url'));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return cartId;
    },
  };
}

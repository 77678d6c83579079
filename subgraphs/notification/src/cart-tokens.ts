import { createHmac, timingSafeEqual } from 'node:crypto';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID. */
export const isUuid = (value: string) => UUID_PATTERN.test(value);

/**
 * Verifies guest cart tokens issued by the cart subgraph: `<cartId>.<base64url HMAC-SHA256(cartId,
 * secret)>` (same secret as the cart subgraph's `CART_TOKEN_SECRET`). Returns the cart id of a
 * genuine token, or null for a malformed or forged one.
 */
export function createCartTokenVerifier(secret: string): (token: string) => string | null {
  if (secret.length < 16) throw new Error('cart token secret must be at least 16 characters');
  const mac = (cartId: string) => createHmac('sha256', secret).update(cartId).digest();
  return (token) => {
    if (token.length > 200) return null;
    const dot = token.indexOf('.');
    if (dot < 0) return null;
    const cartId = token.slice(0, dot);
    if (!isUuid(cartId)) return null;
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(mac(cartId).toString('base64url'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return cartId;
  };
}

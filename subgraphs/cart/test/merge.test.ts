import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@shop/auth';
import { testDatabaseTargets } from '@shop/testing';
import { ADD, customer, MERGE, outboxOf, startHarness, type Harness } from './harness';
import type { StubVariant } from './product-stub';

describe.each(testDatabaseTargets())('mergeGuestCart on $name', (target) => {
  let h: Harness;
  let a: StubVariant;
  let b: StubVariant;
  let c: StubVariant;

  beforeAll(async () => {
    h = await startHarness(target);
    a = h.product.add({ sku: 'A' });
    b = h.product.add({ sku: 'B' });
    c = h.product.add({ sku: 'C' });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A user cart with A×2, B×1 and a guest cart with B×3, C×1. */
  async function setUp(): Promise<{ me: Identity; userCartId: string; guestToken: string }> {
    const me = customer();
    const own = await h.mutate(me, ADD, {
      lines: [
        { variantId: a.id, quantity: 2 },
        { variantId: b.id, quantity: 1 },
      ],
    });
    const guest = await h.mutate(null, ADD, {
      lines: [
        { variantId: b.id, quantity: 3 },
        { variantId: c.id, quantity: 1 },
      ],
    });
    return { me, userCartId: own.cart!.id, guestToken: guest.cartToken! };
  }

  const linesOf = (cart: { lines: Array<{ sku: string; quantity: number }> } | null) =>
    cart?.lines.map((line) => [line.sku, line.quantity]);

  it.each([
    [
      'MERGE',
      [
        ['A', 2],
        ['B', 3],
        ['C', 1],
      ],
    ],
    [
      'USE_GUEST',
      [
        ['B', 3],
        ['C', 1],
      ],
    ],
    [
      'USE_EXISTING',
      [
        ['A', 2],
        ['B', 1],
      ],
    ],
  ])('should merge with %s idempotently', async (strategy, expected) => {
    const { me, userCartId, guestToken } = await setUp();
    const guestId = guestToken.split('.')[0]!;
    const merged = await h.mutate(me, MERGE, { cartToken: guestToken, strategy });
    expect(merged.userErrors).toEqual([]);
    expect(merged.cartToken).toBeNull();
    expect(merged.cart?.id).toBe(userCartId);
    expect(merged.cart?.status).toBe('ACTIVE');
    expect(merged.cart?.version).toBe(4);
    expect(linesOf(merged.cart)).toEqual(expected);
    expect(linesOf(await h.readCart(me))).toEqual(expected);

    const guest = await h.readCart(null, guestToken);
    expect(guest?.status).toBe('MERGED');
    expect(guest?.warnings).toEqual([]);
    const [row] = await h.database.query<{ status: string; merged_into: string }>(
      'select status, merged_into from cart.carts where id = $1',
      [guestId],
    );
    expect(row).toEqual({ status: 'MERGED', merged_into: userCartId });

    // Second merge: nothing changes, the user's cart comes back.
    const again = await h.mutate(me, MERGE, { cartToken: guestToken, strategy: 'MERGE' });
    expect(again.userErrors).toEqual([]);
    expect(again.cart?.id).toBe(userCartId);
    expect(again.cart?.version).toBe(4);
    expect(linesOf(again.cart)).toEqual(expected);

    const events = await outboxOf(h.database, userCartId);
    expect(
      events.filter((event) => event.type === 'cart.merged').map((e) => e.envelope.data),
    ).toEqual([
      {
        cartId: userCartId,
        userId: me.userId,
        version: 4,
        guestCartId: guestId,
        strategy,
        lineCount: expected.length,
      },
    ]);

    // The merged guest cart is read-only now.
    const add = await h.mutate(null, ADD, {
      cartToken: guestToken,
      lines: [{ variantId: a.id, quantity: 1 }],
    });
    expect(add.userErrors[0]?.code).toBe('CART_NOT_ACTIVE');
    // Another user cannot "merge" it into theirs.
    const stranger = await h.mutate(customer(), MERGE, { cartToken: guestToken, strategy });
    expect(stranger.userErrors[0]?.code).toBe('CART_NOT_FOUND');
  });

  it('should hand the guest cart to a user who has none', async () => {
    const me = customer();
    const guest = await h.mutate(null, ADD, { lines: [{ variantId: c.id, quantity: 2 }] });
    const merged = await h.mutate(me, MERGE, {
      cartToken: guest.cartToken,
      strategy: 'USE_EXISTING',
    });
    expect(merged.cart?.id).toBe(guest.cart?.id);
    expect(merged.cart?.version).toBe(3);
    expect(merged.cartToken).toBeNull();
    expect(linesOf(merged.cart)).toEqual([['C', 2]]);
    expect((await h.readCart(me))?.id).toBe(guest.cart?.id);
    // The token no longer opens it for anyone else.
    expect(await h.readCart(null, guest.cartToken)).toBeNull();
    const again = await h.mutate(me, MERGE, { cartToken: guest.cartToken, strategy: 'MERGE' });
    expect(again.cart?.version).toBe(3);
  });

  it('should require sign-in, a valid token and the right version', async () => {
    const { me, guestToken } = await setUp();
    const anonymous = await h.call(null, MERGE, {
      input: { cartToken: guestToken, strategy: 'MERGE' },
    });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await h.mutate(me, MERGE, { cartToken: `${guestToken}x`, strategy: 'MERGE' });
    expect(forged.userErrors[0]?.code).toBe('INVALID_CART_TOKEN');
    const stale = await h.mutate(me, MERGE, {
      cartToken: guestToken,
      strategy: 'MERGE',
      expectedVersion: 1,
    });
    expect(stale.userErrors[0]?.code).toBe('VERSION_CONFLICT');
    expect((await h.readCart(null, guestToken))?.status).toBe('ACTIVE');
  });

  it('should refuse to MERGE carts in different currencies', async () => {
    const me = customer();
    const euro = h.product.add({ sku: 'EU', price: { amount: 500, currencyCode: 'EUR' } });
    await h.mutate(me, ADD, { lines: [{ variantId: a.id, quantity: 1 }] });
    const guest = await h.mutate(null, ADD, { lines: [{ variantId: euro.id, quantity: 1 }] });
    const merged = await h.mutate(me, MERGE, { cartToken: guest.cartToken, strategy: 'MERGE' });
    expect(merged.userErrors[0]?.code).toBe('CURRENCY_MISMATCH');
    const replaced = await h.mutate(me, MERGE, {
      cartToken: guest.cartToken,
      strategy: 'USE_GUEST',
    });
    expect(replaced.cart?.currencyCode).toBe('EUR');
    expect(linesOf(replaced.cart)).toEqual([['EU', 1]]);
  });
});

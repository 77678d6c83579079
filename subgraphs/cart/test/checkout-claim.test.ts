import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@shop/auth';
import { createEnvelope, TOPICS } from '@shop/events';
import { testDatabaseTargets } from '@shop/testing';
import { CHECKOUT_CLAIM_TTL_SECONDS } from '../src/service';
import {
  ADD,
  CLAIM,
  customer,
  eventually,
  outboxOf,
  RELEASE,
  SERVICE,
  startHarness,
  type Harness,
} from './harness';
import type { StubVariant } from './product-stub';

/**
 * The checkout claim (issue 15: one cart, at most one order): atomic under concurrency, lines
 * added meanwhile go to a new cart, a failed checkout gives the cart back (with those lines), a
 * stale claim is taken over, and `order.created` converts a claimed cart.
 */
describe.each(testDatabaseTargets())('checkout claims on $name', (target) => {
  let h: Harness;
  let mug: StubVariant;
  let tee: StubVariant;

  beforeAll(async () => {
    h = await startHarness(target);
    mug = h.product.add({ sku: 'MUG', price: { amount: 1_250, currencyCode: 'USD' } });
    tee = h.product.add({ sku: 'TEE', price: { amount: 2_000, currencyCode: 'USD' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const claim = async (me: Identity, cartId: string, orderId: string = randomUUID()) => {
    const result = await h.call(SERVICE, CLAIM, { cartId, userId: me.userId, orderId });
    expect(result.errors).toBeUndefined();
    return result.data.claimCartForCheckout as {
      cart: {
        id: string;
        version: number;
        lines: Array<{ variantId: string; quantity: number }>;
      } | null;
      claimedByOrderId: string | null;
    } | null;
  };
  const release = async (cartId: string, orderId: string) =>
    (await h.call(SERVICE, RELEASE, { cartId, orderId })).data.releaseCartClaim as boolean;
  const rowOf = async (cartId: string) =>
    (
      await h.database.query<{
        status: string;
        order_id: string | null;
        merged_into: string | null;
      }>('select status, order_id, merged_into from cart.carts where id = $1', [cartId])
    )[0];
  const newCart = async (me: Identity, lines = [{ variantId: mug.id, quantity: 2 }]) =>
    (await h.mutate(me, ADD, { lines })).cart!;

  it('should grant exactly one of 5 concurrent claims and name its order to the others', async () => {
    const me = customer();
    const cart = await newCart(me);
    const orderIds = Array.from({ length: 5 }, () => randomUUID());

    const answers = await Promise.all(orderIds.map((orderId) => claim(me, cart.id, orderId)));

    const granted = answers.flatMap((answer, index) => (answer?.cart ? [orderIds[index]!] : []));
    expect(granted).toHaveLength(1);
    for (const answer of answers.filter((a) => !a?.cart)) {
      expect(answer).toEqual({ cart: null, claimedByOrderId: granted[0] });
    }
    expect(await rowOf(cart.id)).toEqual({
      status: 'CHECKING_OUT',
      order_id: granted[0],
      merged_into: null,
    });
    // Claiming again for the same order answers the cart again (a retried service call).
    const again = await claim(me, cart.id, granted[0]);
    expect(again?.cart?.lines).toEqual([
      { variantId: mug.id, quantity: 2, unitPrice: { amount: 1_250, currencyCode: 'USD' } },
    ]);
    const types = (await outboxOf(h.database, cart.id)).map((row) => row.type);
    expect(types.filter((type) => type === 'cart.checkout_started')).toHaveLength(1);
  });

  it('should send lines added after the claim to a new cart, and fold them back in when the checkout fails', async () => {
    const me = customer();
    const cart = await newCart(me);
    const orderId = randomUUID();
    expect((await claim(me, cart.id, orderId))?.cart?.id).toBe(cart.id);
    // The claimed cart is not the user's active cart any more.
    expect(await h.readCart(me)).toBeNull();

    // One more mug (the claimed cart has 2) and a new tee, while the checkout runs.
    const added = await h.mutate(me, ADD, {
      lines: [
        { variantId: mug.id, quantity: 1 },
        { variantId: tee.id, quantity: 1 },
      ],
    });
    expect(added.userErrors).toEqual([]);
    const newer = added.cart!;
    expect(newer.id).not.toBe(cart.id);
    expect(newer.lines.map((line) => line.variantId)).toEqual([mug.id, tee.id]);
    expect((await rowOf(cart.id))?.status).toBe('CHECKING_OUT');

    // Only the claiming order may release.
    expect(await release(cart.id, randomUUID())).toBe(false);
    expect(await release(cart.id, orderId)).toBe(true);
    expect(await release(cart.id, orderId)).toBe(false);

    expect(await rowOf(cart.id)).toEqual({ status: 'ACTIVE', order_id: null, merged_into: null });
    expect(await rowOf(newer.id)).toEqual({
      status: 'MERGED',
      order_id: null,
      merged_into: cart.id,
    });
    const active = await h.readCart(me);
    expect(active?.id).toBe(cart.id);
    // Quantities added during the checkout add up (2 + 1), nothing the customer added is lost.
    expect(active?.lines.map((line) => [line.variantId, line.quantity])).toEqual([
      [mug.id, 3],
      [tee.id, 1],
    ]);
    // The released cart can be claimed again by the next checkout.
    expect((await claim(me, cart.id))?.cart?.lines).toHaveLength(2);
  });

  it('should make a released cart ACTIVE again when no newer cart was started', async () => {
    const me = customer();
    const cart = await newCart(me);
    const orderId = randomUUID();
    await claim(me, cart.id, orderId);
    expect(await release(cart.id, orderId)).toBe(true);
    const active = await h.readCart(me);
    expect(active).toMatchObject({ id: cart.id, status: 'ACTIVE', totalQuantity: 2 });
    const types = (await outboxOf(h.database, cart.id)).map((row) => row.type);
    expect(types.slice(-2)).toEqual(['cart.checkout_started', 'cart.checkout_released']);
  });

  it('should end with one ACTIVE cart holding every line when a release races an add', async () => {
    for (let round = 0; round < 5; round += 1) {
      const me = customer();
      const cart = await newCart(me);
      const orderId = randomUUID();
      await claim(me, cart.id, orderId);
      const [released, added] = await Promise.all([
        release(cart.id, orderId),
        h.mutate(me, ADD, { lines: [{ variantId: tee.id, quantity: 1 }] }),
      ]);
      expect(released).toBe(true);
      expect(added.userErrors).toEqual([]);
      const active = await h.database.query<{ id: string }>(
        `select id from cart.carts where user_id = $1 and status = 'ACTIVE'`,
        [me.userId],
      );
      expect(active).toEqual([{ id: cart.id }]);
      const lines = (await h.readCart(me))?.lines.map((line) => [line.variantId, line.quantity]);
      expect(lines).toEqual([
        [mug.id, 2],
        [tee.id, 1],
      ]);
    }
  });

  it(`should let a claim older than ${CHECKOUT_CLAIM_TTL_SECONDS} s be taken over, and only then`, async () => {
    const me = customer();
    const cart = await newCart(me);
    const dead = randomUUID();
    await claim(me, cart.id, dead);
    const next = randomUUID();
    expect(await claim(me, cart.id, next)).toEqual({ cart: null, claimedByOrderId: dead });

    // The first checkout died: its claim ages past the TTL.
    await h.database.query(
      `update cart.carts set claimed_at = now() - make_interval(secs => $2) where id = $1`,
      [cart.id, CHECKOUT_CLAIM_TTL_SECONDS + 1],
    );
    const taken = await claim(me, cart.id, next);
    expect(taken?.cart?.id).toBe(cart.id);
    expect(await rowOf(cart.id)).toMatchObject({ status: 'CHECKING_OUT', order_id: next });
    // The dead checkout's late release changes nothing.
    expect(await release(cart.id, dead)).toBe(false);
    const started = (await outboxOf(h.database, cart.id)).filter(
      (row) => row.type === 'cart.checkout_started',
    );
    expect(started.at(-1)?.envelope.data).toMatchObject({ orderId: next, takenOverFrom: dead });
  });

  it('should convert a claimed cart on order.created and refuse every later claim with that order', async () => {
    const me = customer();
    const cart = await newCart(me);
    const orderId = randomUUID();
    const claimed = await claim(me, cart.id, orderId);
    await h.bus.publish([
      createEnvelope({
        type: 'order.created',
        source: 'order',
        topic: TOPICS.order,
        subject: orderId,
        sequence: 1,
        data: {
          orderId,
          number: 'SG-3001',
          userId: me.userId,
          cartId: cart.id,
          cartVersion: claimed!.cart!.version,
          status: 'PENDING_PAYMENT',
          total: { amountMinor: 2_500, currency: 'USD' },
          lines: [
            {
              variantId: mug.id,
              productId: randomUUID(),
              sku: 'MUG',
              productName: 'Mug',
              quantity: 2,
              unitPrice: { amountMinor: 1_250, currency: 'USD' },
            },
          ],
        },
      }),
    ]);
    await eventually(async () =>
      (await rowOf(cart.id))?.status === 'CONVERTED' ? true : undefined,
    );
    expect(await rowOf(cart.id)).toEqual({
      status: 'CONVERTED',
      order_id: orderId,
      merged_into: null,
    });
    expect(await release(cart.id, orderId)).toBe(false);
    expect(await claim(me, cart.id)).toEqual({ cart: null, claimedByOrderId: orderId });
    // Nothing was carried over: the order read the claimed version.
    expect(await h.readCart(me)).toBeNull();
  });
});

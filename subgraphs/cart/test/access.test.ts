import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@shop/auth';
import { testDatabaseTargets } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { ADD, CLAIM, customer, RELEASE, SERVICE, startHarness, type Harness } from './harness';
import type { StubVariant } from './product-stub';

const USER_CART = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { id cart { id totalQuantity } }
    ... on Cart { id version }
  }
}`;
describe.each(testDatabaseTargets())('cart access on $name', (target) => {
  let h: Harness;
  let me: Identity;
  let cartId: string;
  let mug: StubVariant;

  beforeAll(async () => {
    h = await startHarness(target);
    mug = h.product.add({ sku: 'MUG', price: { amount: 1_250, currencyCode: 'USD' } });
    me = customer();
    cartId = (await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 2 }] })).cart!.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('should show User.cart only to that user', async () => {
    const representations = [{ __typename: 'User', id: me.userId }];
    const asSelf = await h.call(me, USER_CART, { representations });
    expect(asSelf.errors).toBeUndefined();
    expect(asSelf.data._entities).toEqual([
      { id: me.userId, cart: { id: cartId, totalQuantity: 2 } },
    ]);
    for (const identity of [customer(), null, SERVICE]) {
      const other = await h.call(identity, USER_CART, { representations });
      expect(other.errors).toBeUndefined();
      expect(other.data._entities).toEqual([{ id: me.userId, cart: null }]);
    }
  });

  it('should resolve Cart references only for the owner, admins and services', async () => {
    const representations = [{ __typename: 'Cart', id: cartId }];
    const asSelf = await h.call(me, USER_CART, { representations });
    expect(asSelf.data._entities).toEqual([{ id: cartId, version: 2 }]);
    const asAdmin = await h.call({ userId: 'admin', roles: ['ADMIN'] }, USER_CART, {
      representations,
    });
    expect(asAdmin.data._entities).toEqual([{ id: cartId, version: 2 }]);
    const asOther = await h.call(customer(), USER_CART, { representations });
    expect(asOther.data._entities).toEqual([null]);
    const guest = await h.mutate(null, ADD, { lines: [{ variantId: mug.id, quantity: 1 }] });
    const asAnonymous = await h.call(null, USER_CART, {
      representations: [{ __typename: 'Cart', id: guest.cart!.id }],
    });
    expect(asAnonymous.data._entities).toEqual([null]);
  });

  it('should let only services claim a cart for checkout and release the claim', async () => {
    // Another customer's cart: claiming it changes its status.
    const buyer = customer();
    const buyersCart = (await h.mutate(buyer, ADD, { lines: [{ variantId: mug.id, quantity: 2 }] }))
      .cart!.id;
    const orderId = randomUUID();
    const args = { cartId: buyersCart, userId: buyer.userId, orderId };
    for (const identity of [buyer, { userId: 'admin', roles: ['ADMIN' as const] }]) {
      const refused = await h.call(identity, CLAIM, args);
      expect(refused.data).toEqual({ claimCartForCheckout: null });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const release = await h.call(identity, RELEASE, { cartId: buyersCart, orderId });
      expect(release.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const anonymous = await h.call(null, CLAIM, args);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const wrongUser = await h.call(SERVICE, CLAIM, { ...args, userId: customer().userId });
    expect(wrongUser.data.claimCartForCheckout).toBeNull();
    const unknown = await h.call(SERVICE, CLAIM, { ...args, cartId: 'nope' });
    expect(unknown.data.claimCartForCheckout).toBeNull();

    const ok = await h.call(SERVICE, CLAIM, args);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.claimCartForCheckout).toEqual({
      cart: {
        id: buyersCart,
        userId: buyer.userId,
        currencyCode: 'USD',
        version: 3,
        lines: [
          { variantId: mug.id, quantity: 2, unitPrice: { amount: 1_250, currencyCode: 'USD' } },
        ],
      },
      claimedByOrderId: null,
    });
    const released = await h.call(SERVICE, RELEASE, { cartId: buyersCart, orderId });
    expect(released.data).toEqual({ releaseCartClaim: true });
  });

  it('should answer 401 without a gateway token', async () => {
    const response = await fetch(h.subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': me.userId },
      body: JSON.stringify({ query: '{ cart { id } }' }),
    });
    expect(response.status).toBe(401);
  });
});

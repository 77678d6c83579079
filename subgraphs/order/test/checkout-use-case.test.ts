import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CheckoutCart, OrderPorts, OrderStore, Reservation } from '../src/ports';
import type { OrderRow } from '../src/tables';
import { createCheckout } from '../src/use-cases/checkout';

/** The checkout use case against in-memory ports: which side effects each outcome leaves. */

const USER = 'user-1';
const ADDRESS = {
  fullName: 'Ada Lovelace',
  line1: '1 Analytical Row',
  city: 'London',
  postalCode: 'N1 9GU',
  countryCode: 'GB',
};

function cartOf(lines: Array<{ quantity: number; amount: number }>): CheckoutCart {
  return {
    id: randomUUID(),
    userId: USER,
    currencyCode: 'EUR',
    version: 4,
    lines: lines.map(({ quantity, amount }, index) => ({
      variantId: `variant-${index}`,
      quantity,
      unitPrice: { amount, currencyCode: 'EUR' },
    })),
  };
}

/** Product reserves every requested line at `amount` per unit (or answers `answer`). */
function setUp(cart: CheckoutCart, options: { amount?: number; answer?: Reservation } = {}) {
  const calls = { claimReleases: 0, stockReleases: 0, inserted: [] as unknown[] };
  const repo = {
    findOrder: async () => undefined,
    findOrderIdForCart: async () => undefined,
    async insertOrder(order, lines, history, eventsOf) {
      const row = { ...order, number: 'SG-000001', version: 1 } as unknown as OrderRow;
      calls.inserted.push({ order, lines, history, events: eventsOf(row) });
      return row;
    },
  } as Partial<OrderStore> as OrderStore;
  const ports: Pick<OrderPorts, 'repo' | 'cart' | 'stock' | 'idempotency' | 'logger'> = {
    repo,
    cart: {
      claim: async () => ({ claimed: true, cart }),
      release: async () => {
        calls.claimReleases += 1;
        return true;
      },
    },
    stock: {
      reserve: async ({ lines }) =>
        options.answer ?? {
          ok: true,
          lines: lines.map(({ variantId, quantity }) => ({
            variantId,
            productId: `product-of-${variantId}`,
            sku: variantId.toUpperCase(),
            productName: 'Thing',
            variantName: 'Default',
            quantity,
            unitPrice: { amount: options.amount ?? 500, currencyCode: 'EUR' },
          })),
        },
      release: async () => {
        calls.stockReleases += 1;
        return true;
      },
    },
    idempotency: {
      run: async (_request, work) => ({ ok: true, replay: false, response: await work() }),
    },
    logger: { warn: () => undefined },
  };
  const checkout = createCheckout(ports, { paymentTtlSeconds: 900 });
  const place = (expectedTotal: number) =>
    checkout.checkout(USER, {
      cartId: cart.id,
      shippingAddress: ADDRESS,
      idempotencyKey: 'key-1',
      expectedTotal: { amount: expectedTotal, currencyCode: 'EUR' },
    });
  return { calls, place };
}

describe('checkout use case', () => {
  it('should write the order at the confirmed total and keep the claim and the stock', async () => {
    const cart = cartOf([
      { quantity: 2, amount: 500 },
      { quantity: 1, amount: 500 },
    ]);
    const { calls, place } = setUp(cart);
    const response = await place(1500);
    expect(response.userErrors).toEqual([]);
    expect(response.orderId).toEqual(expect.any(String));
    expect(calls).toMatchObject({ claimReleases: 0, stockReleases: 0 });
    expect(calls.inserted).toHaveLength(1);
    expect(calls.inserted[0]).toMatchObject({
      order: {
        id: response.orderId,
        cartId: cart.id,
        totalAmount: 1500,
        status: 'PENDING_PAYMENT',
      },
      history: { from: null, to: 'PENDING_PAYMENT', actorId: USER },
      events: [{ type: 'order.created', data: { cartVersion: 4, total: { amountMinor: 1500 } } }],
    });
  });

  it('should answer PRICE_CHANGED with the breakdown and give the stock and the claim back', async () => {
    const { calls, place } = setUp(cartOf([{ quantity: 2, amount: 500 }]), { amount: 600 });
    const response = await place(1000);
    expect(response.orderId).toBeNull();
    expect(response.userErrors[0]).toMatchObject({
      code: 'PRICE_CHANGED',
      breakdown: {
        lines: [
          {
            quantity: 2,
            unitPrice: { amount: 600 },
            previousUnitPrice: { amount: 500 },
            lineTotal: { amount: 1200 },
          },
        ],
        total: { amount: 1200, currencyCode: 'EUR' },
      },
    });
    expect(calls).toMatchObject({ claimReleases: 1, stockReleases: 1, inserted: [] });
  });

  it('should answer OUT_OF_STOCK per refused line and give the claim back', async () => {
    const { calls, place } = setUp(cartOf([{ quantity: 3, amount: 500 }]), {
      answer: {
        ok: false,
        failures: [{ variantId: 'variant-0', code: 'OUT_OF_STOCK', requested: null, available: 1 }],
      },
    });
    const response = await place(1500);
    expect(response.userErrors).toMatchObject([
      { code: 'OUT_OF_STOCK', variantId: 'variant-0', requested: 3, available: 1 },
    ]);
    expect(calls).toMatchObject({ claimReleases: 1, stockReleases: 0, inserted: [] });
  });

  it('should release stock and claim and throw when product reserves other lines', async () => {
    const { calls, place } = setUp(cartOf([{ quantity: 1, amount: 500 }]), {
      answer: { ok: true, lines: [] },
    });
    await expect(place(500)).rejects.toThrow(/does not match the request/);
    expect(calls).toMatchObject({ claimReleases: 1, stockReleases: 1, inserted: [] });
  });
});

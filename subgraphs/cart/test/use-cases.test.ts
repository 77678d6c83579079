import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createNoCache } from '../src/cache';
import type { CartQueries, CartStore } from '../src/ports';
import type { CartSnapshot } from '../src/repo';
import type { CartLineRow, CartRow } from '../src/tables';
import { createCartChanges, MAX_LINE_QUANTITY, MAX_LINES } from '../src/use-cases/cart-change';
import { checkRoom, requestedQuantities } from '../src/use-cases/line-checks';
import { planMerge } from '../src/use-cases/merge';

/** The cart use cases' pure parts and commit policy, without a database. */

const now = new Date();
const cartRow = (currencyCode: string | null): CartRow => ({
  id: randomUUID(),
  userId: 'user-1',
  status: 'ACTIVE',
  currencyCode,
  version: 1,
  mergedInto: null,
  orderId: null,
  claimedAt: null,
  createdAt: now,
  updatedAt: now,
});
const lineRow = (variantId: string, quantity: number, position = 1): CartLineRow => ({
  id: randomUUID(),
  cartId: randomUUID(),
  variantId,
  productId: null,
  sku: variantId.toUpperCase(),
  productName: 'Thing',
  variantName: 'Default',
  quantity,
  unitPriceAmount: 500,
  currencyCode: 'EUR',
  position,
  createdAt: now,
  updatedAt: now,
});

describe('cart use cases', () => {
  it('should add requested quantities per variant and refuse the first malformed line', () => {
    const id = randomUUID();
    expect(
      requestedQuantities([
        { variantId: id, quantity: 2 },
        { variantId: id, quantity: 3 },
      ]),
    ).toEqual(new Map([[id, 5]]));
    expect(requestedQuantities([])).toMatchObject({ code: 'INVALID_QUANTITY' });
    expect(
      requestedQuantities([
        { variantId: id, quantity: 1 },
        { variantId: 'not-a-uuid', quantity: 1 },
      ]),
    ).toMatchObject({ code: 'VARIANT_NOT_FOUND', field: ['input', 'lines', '1', 'variantId'] });
  });

  it('should refuse adds beyond a line or the cart limit', () => {
    const existing = [lineRow('a', MAX_LINE_QUANTITY - 1)];
    expect(checkRoom(existing, new Map([['a', 1]]))).toBeUndefined();
    expect(checkRoom(existing, new Map([['a', 2]]))).toMatchObject({ code: 'INVALID_QUANTITY' });
    const full = Array.from({ length: MAX_LINES }, (_, index) => lineRow(`v${index}`, 1, index));
    expect(checkRoom(full, new Map([['new', 1]]))).toMatchObject({
      message: `A cart holds at most ${MAX_LINES} lines`,
    });
  });

  it('should plan a released claim taking in a newer cart with added, capped quantities', () => {
    const own = [lineRow('a', MAX_LINE_QUANTITY - 1), lineRow('b', 1, 2)];
    const newer = [lineRow('a', 5), lineRow('c', 2)];
    const plan = planMerge(
      'MERGE',
      { cart: cartRow('EUR'), lines: own },
      { cart: cartRow('EUR'), lines: newer },
      'added',
    );
    expect(plan).toMatchObject({
      ok: true,
      deletes: [],
      updates: [[own[0]!.id, MAX_LINE_QUANTITY]],
      inserts: [{ variantId: 'c', quantity: 2, position: 3 }],
      currencyCode: 'EUR',
    });
    expect(
      planMerge('MERGE', { cart: cartRow('EUR'), lines: own }, { cart: cartRow('USD'), lines: [] }),
    ).toMatchObject({ ok: false, code: 'CURRENCY_MISMATCH' });
  });

  it('should retry a change once after losing the one-active-cart race, then publish it', async () => {
    let attempts = 0;
    let commits = 0;
    const snapshot = { ...cartRow('EUR'), lines: [] } satisfies CartSnapshot;
    const repo = {
      async transaction<T>(fn: (tx: CartQueries) => Promise<T>) {
        attempts += 1;
        if (attempts === 1) throw Object.assign(new Error('duplicate key'), { code: '23505' });
        return fn({} as CartQueries);
      },
    } as Partial<CartStore> as CartStore;
    // Published once: the committed snapshot reaches the cache once.
    const cache = {
      ...createNoCache(),
      set: async () => {
        commits += 1;
      },
    };
    const { mutate } = createCartChanges({ repo, cache });
    const result = await mutate(async () => ({ ok: true, cart: snapshot }));
    expect(result).toEqual({ ok: true, cart: snapshot });
    expect({ attempts, commits }).toEqual({ attempts: 2, commits: 1 });
  });
});

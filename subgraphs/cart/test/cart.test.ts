import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import {
  ADD,
  CART_TOKEN_SECRET,
  customer,
  outboxOf,
  REMOVE,
  startHarness,
  UPDATE,
  type Harness,
} from './harness';
import type { StubVariant } from './product-stub';

describe.each(testDatabaseTargets())('cart lines on $name', (target) => {
  let h: Harness;
  let mug: StubVariant;
  let shirt: StubVariant;
  let soldOut: StubVariant;
  let euro: StubVariant;
  let draft: StubVariant;

  beforeAll(async () => {
    h = await startHarness(target);
    mug = h.product.add({
      sku: 'MUG',
      name: 'Blue',
      price: { amount: 1_250, currencyCode: 'USD' },
    });
    shirt = h.product.add({ sku: 'SHIRT-M', name: 'M', stockOnHand: 3 });
    soldOut = h.product.add({ sku: 'GONE', stockOnHand: 0 });
    euro = h.product.add({ sku: 'EURO', price: { amount: 900, currencyCode: 'EUR' } });
    draft = h.product.add({ sku: 'DRAFT' });
    draft.product.status = 'DRAFT';
  });
  afterAll(async () => {
    await h?.close();
  });

  it('should create a guest cart with a token and read it back with that token', async () => {
    const added = await h.mutate(null, ADD, {
      lines: [
        { variantId: mug.id, quantity: 2 },
        { variantId: shirt.id, quantity: 1 },
      ],
    });
    expect(added.userErrors).toEqual([]);
    expect(added.warnings).toEqual([]);
    const cart = added.cart!;
    expect(added.cartToken).toMatch(new RegExp(`^${cart.id}\\.[A-Za-z0-9_-]{43}$`));
    expect(cart).toMatchObject({
      status: 'ACTIVE',
      version: 3, // created (1), then one version per added line
      totalQuantity: 3,
      currencyCode: 'USD',
      subtotal: { amount: 2 * 1_250 + 1_000, currencyCode: 'USD' },
      warnings: [],
    });
    expect(cart.lines).toEqual([
      {
        id: expect.any(String),
        variantId: mug.id,
        variant: { id: mug.id },
        sku: 'MUG',
        productName: mug.product.name,
        variantName: 'Blue',
        quantity: 2,
        unitPrice: { amount: 1_250, currencyCode: 'USD' },
        currentUnitPrice: { amount: 1_250, currencyCode: 'USD' },
        lineTotal: { amount: 2_500, currencyCode: 'USD' },
      },
      {
        id: expect.any(String),
        variantId: shirt.id,
        variant: { id: shirt.id },
        sku: 'SHIRT-M',
        productName: shirt.product.name,
        variantName: 'M',
        quantity: 1,
        unitPrice: { amount: 1_000, currencyCode: 'USD' },
        currentUnitPrice: { amount: 1_000, currencyCode: 'USD' },
        lineTotal: { amount: 1_000, currencyCode: 'USD' },
      },
    ]);

    const read = await h.readCart(null, added.cartToken);
    expect(read).toEqual(cart);
    // Signed-in callers may read a guest cart with its token too; without it they see theirs.
    expect((await h.readCart(customer(), added.cartToken))?.id).toBe(cart.id);
    expect(await h.readCart(customer())).toBeNull();
    expect(await h.readCart(null)).toBeNull();

    // Adding again with the token adds up quantities in the same cart.
    const again = await h.mutate(null, ADD, {
      cartToken: added.cartToken,
      lines: [{ variantId: mug.id, quantity: 3 }],
    });
    expect(again.cart?.id).toBe(cart.id);
    expect(again.cartToken).toBe(added.cartToken);
    expect(again.cart?.lines.map((line) => [line.sku, line.quantity])).toEqual([
      ['MUG', 5],
      ['SHIRT-M', 1],
    ]);
  });

  it('should ask product once per request, as the cart service', async () => {
    const before = h.product.calls.length;
    const added = await h.mutate(null, ADD, {
      lines: [
        { variantId: mug.id, quantity: 1 },
        { variantId: shirt.id, quantity: 1 },
      ],
    });
    expect(added.cart?.lines).toHaveLength(2);
    const calls = h.product.calls.slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual({
      userId: 'service:cart',
      roles: ['SERVICE'],
      ids: [mug.id, shirt.id],
    });
    const beforeRead = h.product.calls.length;
    await h.readCart(null, added.cartToken);
    expect(h.product.calls.slice(beforeRead)).toEqual([
      { userId: 'service:cart', roles: ['SERVICE'], ids: [mug.id, shirt.id] },
    ]);
  });

  it('should reject forged and malformed cart tokens', async () => {
    const added = await h.mutate(null, ADD, { lines: [{ variantId: mug.id, quantity: 1 }] });
    const [cartId, mac] = added.cartToken!.split('.') as [string, string];
    const forged = [
      `${cartId}.${mac.slice(0, -2)}AA`,
      `${cartId}.`,
      cartId,
      'garbage',
      `${cartId}.${Buffer.from('x'.repeat(32)).toString('base64url')}`,
    ];
    for (const token of forged) {
      expect(await h.readCart(null, token)).toBeNull();
      const result = await h.mutate(null, ADD, {
        cartToken: token,
        lines: [{ variantId: mug.id, quantity: 1 }],
      });
      expect(result).toMatchObject({
        cart: null,
        cartToken: null,
        userErrors: [{ code: 'INVALID_CART_TOKEN', field: ['input', 'cartToken'] }],
      });
    }
    // A token for another cart id signed with the wrong secret is also refused.
    const { createCartTokens } = await import('@shop/auth');
    const other = createCartTokens(`${CART_TOKEN_SECRET}-other`).sign(cartId);
    expect(await h.readCart(null, other)).toBeNull();
    const lines = await h.database.query('select 1 from cart.cart_lines where cart_id = $1', [
      cartId,
    ]);
    expect(lines).toHaveLength(1);
  });

  it("should use the signed-in user's cart without a token, created on first add", async () => {
    const me = customer();
    expect(await h.readCart(me)).toBeNull();
    const first = await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 1 }] });
    expect(first.userErrors).toEqual([]);
    expect(first.cartToken).toBeNull();
    const second = await h.mutate(me, ADD, { lines: [{ variantId: shirt.id, quantity: 2 }] });
    expect(second.cart?.id).toBe(first.cart?.id);
    expect(second.cart?.version).toBe(3);
    const read = await h.readCart(me);
    expect(read?.lines.map((line) => [line.sku, line.quantity])).toEqual([
      ['MUG', 1],
      ['SHIRT-M', 2],
    ]);
    // Nobody else sees it, not even with a token for it.
    const someoneElse = customer();
    expect(await h.readCart(someoneElse)).toBeNull();
    const { createCartTokens } = await import('@shop/auth');
    const token = createCartTokens(CART_TOKEN_SECRET).sign(first.cart!.id);
    expect(await h.readCart(someoneElse, token)).toBeNull();
    expect(await h.readCart(null, token)).toBeNull();
    expect((await h.readCart(me, token))?.id).toBe(first.cart!.id);
  });

  it('should validate quantities, variants, availability and currency', async () => {
    const me = customer();
    const overpriced = h.product.add({
      sku: 'HUGE',
      price: { amount: Number.MAX_SAFE_INTEGER, currencyCode: 'USD' },
    });
    const cases: Array<[Record<string, unknown>, string, string[] | null]> = [
      [{ lines: [] }, 'INVALID_QUANTITY', ['input', 'lines']],
      [
        { lines: [{ variantId: mug.id, quantity: 0 }] },
        'INVALID_QUANTITY',
        ['input', 'lines', '0', 'quantity'],
      ],
      [
        {
          lines: [
            { variantId: mug.id, quantity: 1 },
            { variantId: shirt.id, quantity: 100 },
          ],
        },
        'INVALID_QUANTITY',
        ['input', 'lines', '1', 'quantity'],
      ],
      [
        { lines: [{ variantId: mug.id, quantity: -3 }] },
        'INVALID_QUANTITY',
        ['input', 'lines', '0', 'quantity'],
      ],
      [
        { lines: [{ variantId: '00000000-0000-4000-8000-000000000001', quantity: 1 }] },
        'VARIANT_NOT_FOUND',
        ['input', 'lines', '0', 'variantId'],
      ],
      [
        { lines: [{ variantId: 'not-a-uuid', quantity: 1 }] },
        'VARIANT_NOT_FOUND',
        ['input', 'lines', '0', 'variantId'],
      ],
      [
        { lines: [{ variantId: draft.id, quantity: 1 }] },
        'PRODUCT_UNAVAILABLE',
        ['input', 'lines', '0', 'variantId'],
      ],
      [
        { lines: [{ variantId: soldOut.id, quantity: 1 }] },
        'OUT_OF_STOCK',
        ['input', 'lines', '0', 'variantId'],
      ],
      [
        // Priced above the bound (a catalog row from before it): totals would be unsafe.
        { lines: [{ variantId: overpriced.id, quantity: 2 }] },
        'PRODUCT_UNAVAILABLE',
        ['input', 'lines', '0', 'variantId'],
      ],
      [
        {
          lines: [
            { variantId: mug.id, quantity: 1 },
            { variantId: euro.id, quantity: 1 },
          ],
        },
        'CURRENCY_MISMATCH',
        ['input', 'lines', '1', 'variantId'],
      ],
    ];
    for (const [input, code, field] of cases) {
      const result = await h.mutate(me, ADD, input);
      expect(result.cart).toBeNull();
      expect(result.userErrors).toEqual([{ code, message: expect.any(String), field }]);
    }
    // None of that wrote anything.
    expect(await h.readCart(me)).toBeNull();
    const rows = await h.database.query(
      `select 1 from cart.carts where user_id = $1
       union all select 1 from cart.outbox where envelope->'data'->>'userId' = $1`,
      [me.userId],
    );
    expect(rows).toEqual([]);

    // One currency per cart; at most 99 per line.
    await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 98 }] });
    const other = await h.mutate(me, ADD, { lines: [{ variantId: euro.id, quantity: 1 }] });
    expect(other.userErrors[0]?.code).toBe('CURRENCY_MISMATCH');
    const tooMany = await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 2 }] });
    expect(tooMany.userErrors[0]?.code).toBe('INVALID_QUANTITY');
    const read = await h.readCart(me);
    expect(read?.lines.map((line) => line.quantity)).toEqual([98]);
    expect(read?.version).toBe(2);
  });

  it('should add more than the stock with a NOT_ENOUGH_STOCK warning', async () => {
    const me = customer();
    const result = await h.mutate(me, ADD, { lines: [{ variantId: shirt.id, quantity: 5 }] });
    expect(result.userErrors).toEqual([]);
    expect(result.cart?.lines[0]?.quantity).toBe(5);
    const expected = [
      {
        code: 'NOT_ENOUGH_STOCK',
        message: `Only 3 of ${shirt.product.name} (M) in stock, 5 in cart`,
        variantId: shirt.id,
      },
    ];
    expect(result.warnings).toEqual(expected);
    expect(result.cart?.warnings).toEqual(expected);
    expect((await h.readCart(me))?.warnings).toEqual(expected);
  });

  it('should warn about price changes, sell-outs and vanished products on read', async () => {
    const me = customer();
    const lamp = h.product.add({ sku: 'LAMP', price: { amount: 4_000, currencyCode: 'USD' } });
    const chair = h.product.add({ sku: 'CHAIR' });
    const desk = h.product.add({ sku: 'DESK' });
    await h.mutate(me, ADD, {
      lines: [
        { variantId: lamp.id, quantity: 1 },
        { variantId: chair.id, quantity: 2 },
        { variantId: desk.id, quantity: 1 },
      ],
    });
    lamp.price.amount = 3_500;
    chair.stockOnHand = 0;
    h.product.variants.delete(desk.id);

    const cart = (await h.readCart(me))!;
    expect(cart.warnings.map((warning) => [warning.code, warning.variantId])).toEqual([
      ['PRICE_CHANGED', lamp.id],
      ['OUT_OF_STOCK', chair.id],
      ['PRODUCT_UNAVAILABLE', desk.id],
    ]);
    expect(cart.warnings[0]?.message).toBe(
      `The price of ${lamp.product.name} (${lamp.name}) changed from 40.00 USD to 35.00 USD`,
    );
    const lampLine = cart.lines.find((line) => line.variantId === lamp.id)!;
    expect(lampLine.unitPrice).toEqual({ amount: 4_000, currencyCode: 'USD' });
    expect(lampLine.currentUnitPrice).toEqual({ amount: 3_500, currencyCode: 'USD' });
    expect(lampLine.lineTotal).toEqual({ amount: 4_000, currencyCode: 'USD' });
    expect(cart.lines.find((line) => line.variantId === desk.id)?.currentUnitPrice).toBeNull();
    expect(cart.subtotal).toEqual({ amount: 4_000 + 2 * 1_000 + 1_000, currencyCode: 'USD' });

    lamp.product.status = 'DRAFT';
    const later = (await h.readCart(me))!;
    expect(later.warnings.find((w) => w.variantId === lamp.id)?.code).toBe('PRODUCT_UNAVAILABLE');
  });

  it('should update and remove lines with versions and events', async () => {
    const me = customer();
    const added = await h.mutate(me, ADD, {
      lines: [
        { variantId: mug.id, quantity: 1 },
        { variantId: shirt.id, quantity: 1 },
      ],
    });
    const cartId = added.cart!.id;
    expect(added.cart?.version).toBe(3);

    const stale = await h.mutate(me, UPDATE, {
      variantId: mug.id,
      quantity: 4,
      expectedVersion: 2,
    });
    expect(stale.userErrors).toEqual([
      {
        code: 'VERSION_CONFLICT',
        message: 'The cart is at version 3, not 2; reload it and try again',
        field: ['input', 'expectedVersion'],
      },
    ]);
    const updated = await h.mutate(me, UPDATE, {
      variantId: mug.id,
      quantity: 4,
      expectedVersion: 3,
    });
    expect(updated.userErrors).toEqual([]);
    expect(updated.cart?.version).toBe(4);
    expect(updated.cart?.lines.map((line) => [line.sku, line.quantity])).toEqual([
      ['MUG', 4],
      ['SHIRT-M', 1],
    ]);

    const invalid = await h.mutate(me, UPDATE, { variantId: mug.id, quantity: 100 });
    expect(invalid.userErrors[0]).toMatchObject({
      code: 'INVALID_QUANTITY',
      field: ['input', 'quantity'],
    });
    const missing = await h.mutate(me, UPDATE, { variantId: euro.id, quantity: 1 });
    expect(missing.userErrors[0]?.code).toBe('VARIANT_NOT_FOUND');

    const zero = await h.mutate(me, UPDATE, { variantId: shirt.id, quantity: 0 });
    expect(zero.cart?.lines.map((line) => line.sku)).toEqual(['MUG']);
    expect(zero.cart?.version).toBe(5);

    const removed = await h.mutate(me, REMOVE, { variantId: mug.id });
    expect(removed.cart).toMatchObject({
      lines: [],
      version: 6,
      totalQuantity: 0,
      subtotal: null,
      currencyCode: null,
    });
    const again = await h.mutate(me, REMOVE, { variantId: mug.id });
    expect(again.userErrors[0]?.code).toBe('VARIANT_NOT_FOUND');
    // An emptied cart takes another currency.
    const euros = await h.mutate(me, ADD, { lines: [{ variantId: euro.id, quantity: 1 }] });
    expect(euros.cart?.currencyCode).toBe('EUR');

    const outbox = await outboxOf(h.database, cartId);
    expect(outbox.map((row) => [row.type, row.envelope.sequence])).toEqual([
      ['cart.created', 1],
      ['cart.line_added', 2],
      ['cart.line_added', 3],
      ['cart.line_updated', 4],
      ['cart.line_removed', 5],
      ['cart.line_removed', 6],
      ['cart.line_added', 7],
    ]);
    expect(outbox.every((row) => row.topic === 'cart.events.v1' && row.key === cartId)).toBe(true);
    expect(outbox[3]?.envelope).toMatchObject({
      source: 'cart',
      subject: cartId,
      actor: { userId: me.userId },
      data: {
        cartId,
        userId: me.userId,
        version: 4,
        variantId: mug.id,
        sku: 'MUG',
        fromQuantity: 1,
        quantity: 4,
      },
    });
    expect(outbox[1]?.envelope.data).toEqual({
      cartId,
      userId: me.userId,
      version: 2,
      variantId: mug.id,
      productId: mug.product.id,
      sku: 'MUG',
      quantity: 1,
      lineQuantity: 1,
      unitPrice: { amountMinor: 1_250, currency: 'USD' },
    });
  });

  it('should need a cart for updates and removals', async () => {
    const me = customer();
    const update = await h.mutate(me, UPDATE, { variantId: mug.id, quantity: 1 });
    expect(update.userErrors[0]?.code).toBe('CART_NOT_FOUND');
    const remove = await h.mutate(null, REMOVE, { variantId: mug.id });
    expect(remove.userErrors[0]?.code).toBe('CART_NOT_FOUND');
  });

  it('should fail adds but keep reads working while product is down', async () => {
    const me = customer();
    await h.mutate(me, ADD, { lines: [{ variantId: mug.id, quantity: 2 }] });
    const url = h.serviceUrls.product!;
    h.serviceUrls.product = 'http://127.0.0.1:1/graphql';
    try {
      const failed = await h.call(me, ADD, {
        input: { lines: [{ variantId: shirt.id, quantity: 1 }] },
      });
      expect(failed.data).toEqual({ addCartLines: null });
      // Typed and retryable, like a database that is down.
      expect(failed.errors?.[0]).toMatchObject({
        message: 'The service is temporarily unavailable; retry the request',
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
      });
      const read = (await h.readCart(me))!;
      expect(read.lines.map((line) => [line.sku, line.quantity, line.currentUnitPrice])).toEqual([
        ['MUG', 2, null],
      ]);
      expect(read.warnings).toEqual([]);
      // Quantities can still change without product.
      const updated = await h.mutate(me, UPDATE, { variantId: mug.id, quantity: 1 });
      expect(updated.cart?.lines[0]?.quantity).toBe(1);
      expect(updated.warnings).toEqual([]);
    } finally {
      h.serviceUrls.product = url;
    }
  });
});

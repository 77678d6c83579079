import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogBus, idempotentHandler, TOPICS, type EventBus } from '@shop/events';
import { testDatabaseTargets } from '@shop/testing';
import { applyOrderEvent, releaseStock, reserveStock } from '../src/inventory';
import { startHarness, type Harness } from './harness';

const SERVICE = { userId: 'service:order', roles: ['SERVICE' as const] };
const RESERVE = `mutation($input: ReserveStockInput!) {
  reserveStock(input: $input) { ok lines { variantId sku productName quantity unitPrice { amount currencyCode } } failures { variantId code requested available } }
}`;

describe.each(testDatabaseTargets())('stock reservations on $name', (target) => {
  let h: Harness;
  let variantId: string;
  const stockOf = async (id: string) =>
    (
      await h.database.query<{ s: number }>(
        'select stock_on_hand as s from product.variants where id = $1',
        [id],
      )
    )[0]!.s;

  beforeAll(async () => {
    h = await startHarness(target);
    const [row] = await h.database.query<{ id: string }>(
      `select v.id from product.variants v join product.products p on p.id = v.product_id
       where p.status = 'PUBLISHED' order by v.sku limit 1`,
    );
    variantId = row!.id;
    await h.database.query('update product.variants set stock_on_hand = 10 where id = $1', [
      variantId,
    ]);
  });
  afterAll(async () => h?.close());

  it('should reserve exactly the stock there is under 200 concurrent orders', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        reserveStock(h.database, { orderId: randomUUID(), lines: [{ variantId, quantity: 1 }] }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    const failures = results.filter((r) => !r.ok).map((r) => r.failures[0]);
    expect(failures).toHaveLength(190);
    expect(
      failures.every((f) => f?.code === 'OUT_OF_STOCK' && f.requested === 1 && f.available === 0),
    ).toBe(true);
    expect(await stockOf(variantId)).toBe(0);
    const [count] = await h.database.query<{ n: number }>(
      `select count(*)::int as n from product.stock_reservations where variant_id = $1 and status = 'RESERVED'`,
      [variantId],
    );
    expect(count!.n).toBe(10);
  });

  it('should be all-or-nothing, idempotent per order and release exactly once', async () => {
    const [a, b] = await h.database.query<{ id: string }>(
      `select v.id from product.variants v join product.products p on p.id = v.product_id
       where p.status = 'PUBLISHED' and v.stock_on_hand >= 5 order by v.sku desc limit 2`,
    );
    const before = [await stockOf(a!.id), await stockOf(b!.id)];
    const tooMany = await reserveStock(h.database, {
      orderId: randomUUID(),
      lines: [
        { variantId: a!.id, quantity: 1 },
        { variantId: b!.id, quantity: before[1]! + 1 },
      ],
    });
    expect(tooMany).toMatchObject({
      ok: false,
      failures: [{ variantId: b!.id, code: 'OUT_OF_STOCK' }],
    });
    expect([await stockOf(a!.id), await stockOf(b!.id)]).toEqual(before);

    const orderId = randomUUID();
    const input = {
      orderId,
      lines: [
        { variantId: a!.id, quantity: 2 },
        { variantId: b!.id, quantity: 1 },
      ],
    };
    const first = await reserveStock(h.database, input);
    const again = await reserveStock(h.database, input);
    expect(first.ok).toBe(true);
    expect(again).toEqual(first);
    expect([await stockOf(a!.id), await stockOf(b!.id)]).toEqual([before[0]! - 2, before[1]! - 1]);

    expect(await releaseStock(h.database, orderId, 'test')).toBe(2);
    expect(await releaseStock(h.database, orderId, 'test')).toBe(0);
    expect([await stockOf(a!.id), await stockOf(b!.id)]).toEqual(before);
  });

  it('should only let services call reserveStock, and refuse unknown variants', async () => {
    const input = { orderId: randomUUID(), lines: [{ variantId, quantity: 1 }] };
    const customer = await h.customer(RESERVE, { input });
    expect(customer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await h.call(SERVICE, RESERVE, {
      input: { orderId: randomUUID(), lines: [{ variantId: randomUUID(), quantity: 1 }] },
    });
    expect(unknown.body.data?.reserveStock).toMatchObject({
      ok: false,
      failures: [{ code: 'VARIANT_NOT_FOUND' }],
    });
    const garbage = await h.call(SERVICE, RESERVE, {
      input: { orderId: randomUUID(), lines: [{ variantId: 'nope', quantity: 1 }] },
    });
    expect(garbage.body.data?.reserveStock).toMatchObject({
      ok: false,
      failures: [{ code: 'VARIANT_NOT_FOUND' }],
    });
  });

  it('should release on order.cancelled and commit on order.placed, once each, via events', async () => {
    const bus: EventBus = await createLogBus({ database: h.database });
    const consumer = await startHarnessConsumer(bus);
    try {
      const [row] = await h.database.query<{ id: string }>(
        `select v.id from product.variants v join product.products p on p.id = v.product_id
         where p.status = 'PUBLISHED' and v.stock_on_hand >= 3 order by v.sku limit 1 offset 3`,
      );
      const id = row!.id;
      const start = await stockOf(id);
      const placed = randomUUID();
      const cancelled = randomUUID();
      await reserveStock(h.database, { orderId: placed, lines: [{ variantId: id, quantity: 1 }] });
      await reserveStock(h.database, {
        orderId: cancelled,
        lines: [{ variantId: id, quantity: 2 }],
      });
      expect(await stockOf(id)).toBe(start - 3);
      const event = (type: string, orderId: string) => ({
        id: randomUUID(),
        type,
        version: 1,
        source: 'order',
        subject: orderId,
        topic: TOPICS.order,
        time: new Date().toISOString(),
        sequence: 1,
        data: { orderId, userId: randomUUID(), reason: 'test' },
      });
      const cancel = event('order.cancelled', cancelled);
      await bus.publish([event('order.placed', placed), cancel, cancel]);
      await waitFor(async () => (await stockOf(id)) === start - 1);
      const statuses = await h.database.query<{ order_id: string; status: string }>(
        'select order_id, status from product.stock_reservations where order_id = any($1::uuid[]) order by status',
        [[placed, cancelled]],
      );
      expect(statuses).toEqual([
        { order_id: placed, status: 'COMMITTED' },
        { order_id: cancelled, status: 'RELEASED' },
      ]);
      // a redelivered cancel after everything settled changes nothing
      await bus.publish([{ ...cancel }]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await stockOf(id)).toBe(start - 1);
    } finally {
      await consumer.stop();
      await bus.close();
    }
  });

  async function startHarnessConsumer(bus: EventBus) {
    return bus.subscribe({
      group: 'product-inventory-test',
      topics: [TOPICS.order],
      fromBeginning: true,
      handler: idempotentHandler(
        { database: h.database, schema: 'product', consumer: 'product-inventory-test' },
        applyOrderEvent,
      ),
    });
  }
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met in time');
}

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSubgraph, testDatabaseTargets } from '@shop/testing';
import {
  ADDRESS,
  CHECKOUT_DETAILED,
  customer,
  startHarness,
  waitFor,
  type Harness,
} from './harness';

type Replica = Harness['subgraph'];

/**
 * Several replicas of the order subgraph on one database: idempotency keys, one order per cart
 * and the expiry of unpaid orders hold across them, because each is decided in Postgres (the
 * key's row, the unique cart id, the order's row lock and status check), not in a process.
 */
describe.each(testDatabaseTargets())('order subgraph replicas on $name', (target) => {
  describe('checkout', () => {
    let h: Harness;
    let other: Replica;
    beforeAll(async () => {
      h = await startHarness(target);
      other = await h.startAnother({});
    });
    afterAll(async () => {
      await h?.close();
    });

    const checkoutOn = async (
      replica: Replica,
      identity: ReturnType<typeof customer>,
      cartId: string,
      idempotencyKey: string,
    ) => {
      const result = await callSubgraph(
        { url: replica.url, subgraph: 'order', gatewayKey: h.gatewayKey, identity },
        {
          query: CHECKOUT_DETAILED,
          variables: {
            input: {
              cartId,
              idempotencyKey,
              shippingAddress: ADDRESS,
              expectedTotal: h.catalog.currentTotal(cartId),
            },
          },
        },
      );
      expect(result.body.errors).toBeUndefined();
      return (result.body.data as any).checkout as { order: any; userErrors: any[] };
    };
    const ordersOfCart = async (cartId: string) =>
      (
        await h.database.query<{ id: string }>(`select id from "order".orders where cart_id = $1`, [
          cartId,
        ])
      ).map((row) => row.id);

    it('should run one key sent concurrently to both replicas once, with one answer for all', async () => {
      const alice = customer();
      const variant = h.catalog.addVariant({ price: 900, stock: 50 });
      const cart = h.catalog.addCart(alice.userId, [{ variant, quantity: 2 }]);
      const key = randomUUID();
      const payloads = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          checkoutOn(i % 2 === 0 ? h.subgraph : other, alice, cart.id, key),
        ),
      );
      const orderId = payloads[0]!.order?.id as string;
      expect(orderId).toBeTruthy();
      expect(new Set(payloads.map((payload) => JSON.stringify(payload))).size).toBe(1);
      expect(await ordersOfCart(cart.id)).toEqual([orderId]);
      expect(variant.stock).toBe(48);
      expect((await h.outbox(orderId)).map((row) => row.type)).toEqual(['order.created']);
    });

    it('should place one order for a cart checked out with different keys on both replicas at once, even when every claim is granted', async () => {
      for (const grantEveryClaim of [false, true]) {
        h.catalog.grantEveryClaim = grantEveryClaim;
        const bob = customer();
        const variant = h.catalog.addVariant({ price: 1_100, stock: 50 });
        const cart = h.catalog.addCart(bob.userId, [{ variant, quantity: 3 }]);
        const payloads = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            checkoutOn(i % 2 === 0 ? h.subgraph : other, bob, cart.id, randomUUID()),
          ),
        );
        const placed = payloads.filter((payload) => payload.order);
        expect(placed).toHaveLength(1);
        const orderId = placed[0]!.order.id as string;
        for (const payload of payloads.filter((p) => !p.order)) {
          expect(payload.userErrors).toEqual([
            expect.objectContaining({ code: 'CART_ALREADY_CHECKED_OUT', orderId }),
          ]);
        }
        expect(await ordersOfCart(cart.id)).toEqual([orderId]);
        // Losers gave their stock back: one order's worth is reserved.
        expect(variant.stock).toBe(47);
      }
      h.catalog.grantEveryClaim = false;
    });
  });

  describe('unpaid-order expiry', () => {
    let h: Harness;
    beforeAll(async () => {
      // Orders are overdue as soon as they are placed; nothing sweeps until asked.
      h = await startHarness(target, { paymentTtlSeconds: 0 });
    });
    afterAll(async () => {
      await h?.close();
    });

    /** Each order has exactly one EXPIRED change: one history row, one of each event. */
    const expectExpiredOnce = async (orderIds: string[]) => {
      for (const orderId of orderIds) {
        const events = await h.outbox(orderId);
        expect(events.filter((e) => e.type === 'order.expired')).toHaveLength(1);
        expect(
          events.filter((e) => e.type === 'order.status_changed' && e.data.to === 'EXPIRED'),
        ).toHaveLength(1);
        const [history] = await h.database.query<{ n: number }>(
          `select count(*)::int as n from "order".order_status_history
           where order_id = $1 and to_status = 'EXPIRED'`,
          [orderId],
        );
        expect(history!.n).toBe(1);
      }
    };

    it('should expire each order once when two replicas sweep at the same time', async () => {
      const other = await h.startAnother({ paymentTtlSeconds: 0 });
      const orderIds: string[] = [];
      for (let i = 0; i < 30; i += 1) orderIds.push((await h.placeOrder()).order.id);

      const [byA, byB] = await Promise.all([
        h.subgraph.expireOverdueOrders(),
        other.expireOverdueOrders(),
      ]);
      expect(byA + byB).toBe(30);
      const again = await Promise.all([
        h.subgraph.expireOverdueOrders(),
        other.expireOverdueOrders(),
      ]);
      expect(again).toEqual([0, 0]);
      await expectExpiredOnce(orderIds);
    });

    it('should expire each order once with the sweeper running on three replicas', async () => {
      const sweepers = await Promise.all(
        [0, 1, 2].map(() => h.startAnother({ paymentTtlSeconds: 0, expirySweepIntervalMs: 15 })),
      );
      expect(sweepers).toHaveLength(3);
      const orderIds: string[] = [];
      for (let i = 0; i < 20; i += 1) orderIds.push((await h.placeOrder()).order.id);
      await waitFor(async () => {
        const [row] = await h.database.query<{ n: number }>(
          `select count(*)::int as n from "order".orders
           where id = any($1::uuid[]) and status = 'EXPIRED'`,
          [orderIds],
        );
        return row!.n === orderIds.length;
      });
      // A few more sweeps on every replica change nothing.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expectExpiredOnce(orderIds);
    });
  });
});

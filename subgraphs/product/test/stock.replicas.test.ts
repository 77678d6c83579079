import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey } from '@shop/auth';
import { createDatabase, type Database } from '@shop/db';
import { createLogBus, TOPICS, type EventBus, type EventEnvelope } from '@shop/events';
import type { RunningSubgraph } from '@shop/subgraph';
import { testDatabaseTargets } from '@shop/testing';
import { prepareProductDatabase, startProductSubgraph } from '../src/index';
import { reserveStock } from '../src/inventory';

const ORDERS = 20;
const QUANTITY = 2;

/**
 * Two replicas of the product subgraph on one database, each running the reservation sweep and
 * a member of the `product-inventory` consumer group: an unpaid order's stock comes back exactly
 * once, whether the sweep (reservation past its TTL) or `order.expired` releases it, and
 * however the replicas race (the release is one conditional update in Postgres).
 */
describe.each(testDatabaseTargets())('stock release across product replicas on $name', (target) => {
  let opened: Awaited<ReturnType<(typeof target)['open']>>;
  const extraDatabases: Database[] = [];
  const buses: EventBus[] = [];
  const replicas: RunningSubgraph[] = [];

  beforeAll(async () => {
    opened = await target.open();
    await prepareProductDatabase(opened.database, { seed: true });
    const gatewayKey = await loadSigningKey();
    for (let i = 0; i < 2; i += 1) {
      // Its own connection pool per replica on Postgres, as separate processes would have.
      const database = opened.url
        ? await createDatabase({ url: opened.url, maxConnections: 5 })
        : opened.database;
      if (database !== opened.database) extraDatabases.push(database);
      const bus = await createLogBus({ database, pollIntervalMs: 10 });
      buses.push(bus);
      replicas.push(
        await startProductSubgraph({
          database,
          bus,
          gatewayKeys: [gatewayKey],
          port: 0,
          reservationSweepIntervalMs: 15,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    for (const bus of buses) await bus.close();
    for (const database of extraDatabases) await database.close();
    await opened?.cleanup();
  });

  it('should give every expired order its stock back once, from sweeps and events racing on both replicas', async () => {
    const { database } = opened;
    const [row] = await database.query<{ id: string }>(
      `select v.id from product.variants v join product.products p on p.id = v.product_id
       where p.status = 'PUBLISHED' order by v.sku limit 1`,
    );
    const variantId = row!.id;
    await database.query('update product.variants set stock_on_hand = 100 where id = $1', [
      variantId,
    ]);
    const orderIds = Array.from({ length: ORDERS }, () => randomUUID());
    for (const orderId of orderIds) {
      const reserved = await reserveStock(database, {
        orderId,
        lines: [{ variantId, quantity: QUANTITY }],
      });
      expect(reserved.ok).toBe(true);
    }
    const stock = async () =>
      (
        await database.query<{ s: number }>(
          'select stock_on_hand as s from product.variants where id = $1',
          [variantId],
        )
      )[0]!.s;
    expect(await stock()).toBe(100 - ORDERS * QUANTITY);

    // Every reservation is past its TTL (both sweeps pick them up) and every order expires
    // (the consumer group releases them too), at once.
    const expired = (orderId: string): EventEnvelope => ({
      id: randomUUID(),
      type: 'order.expired',
      version: 1,
      source: 'order',
      subject: orderId,
      topic: TOPICS.order,
      time: new Date().toISOString(),
      sequence: 2,
      data: { orderId, userId: randomUUID(), reason: 'payment window elapsed' },
    });
    await Promise.all([
      database.query(
        `update product.stock_reservations set expires_at = now() - interval '1 second'
         where order_id = any($1::uuid[])`,
        [orderIds],
      ),
      buses[0]!.publish(orderIds.map(expired)),
    ]);

    const deadline = Date.now() + 15_000;
    for (;;) {
      const [left] = await database.query<{ n: number }>(
        `select count(*)::int as n from product.stock_reservations
         where order_id = any($1::uuid[]) and status <> 'RELEASED'`,
        [orderIds],
      );
      if (left!.n === 0) break;
      if (Date.now() > deadline) throw new Error(`${left!.n} reservations never released`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // Let the sweeps and the consumer run a few more times: nothing changes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await stock()).toBe(100);
    const released = await database.query<{ order_id: string; n: number }>(
      `select envelope->'data'->>'orderId' as order_id, count(*)::int as n from product.outbox
       where envelope->>'type' = 'stock.reservation_released'
         and envelope->'data'->>'orderId' = any($1::text[])
       group by 1`,
      [orderIds],
    );
    expect(released).toHaveLength(ORDERS);
    expect(released.every((entry) => entry.n === 1)).toBe(true);
  });
});

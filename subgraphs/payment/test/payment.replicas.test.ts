import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@shop/auth';
import { testDatabaseTargets } from '@shop/testing';
import {
  card,
  customerIdentity,
  newKey,
  PAY_ORDER,
  startHarness,
  type Harness,
  type PaymentPayload,
} from './harness';

/**
 * Two replicas of the payment subgraph on one database (and one PSP): idempotency keys and the
 * one-charge-per-order rule hold across them, because both live in Postgres (the key's row, the
 * order's lock), not in a process.
 */
describe.each(testDatabaseTargets())('payOrder across two replicas on $name', (target) => {
  let h: Harness;
  let other: Awaited<ReturnType<Harness['startReplica']>>;
  let alice: Identity;

  beforeAll(async () => {
    h = await startHarness(target);
    other = await h.startReplica();
    alice = customerIdentity();
  });
  afterAll(async () => {
    await h?.close();
  });

  const paymentsOf = async (orderId: string) =>
    h.database.query<{ id: string; status: string }>(
      'select id, status from payment.payments where order_id = $1',
      [orderId],
    );

  it('should run one key sent concurrently to both replicas once, and give both the same answer', async () => {
    const orderId = h.addOrder(alice.userId, { amount: 6_101 });
    const authorizeBefore = h.provider.executedCalls('authorize').length;
    const input = { orderId, card: card(), idempotencyKey: newKey() };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? h : other).call(alice, PAY_ORDER, { input }),
      ),
    );
    expect(results.every((r) => r.status === 200 && r.errors === undefined)).toBe(true);
    expect(new Set(results.map((r) => JSON.stringify(r.data))).size).toBe(1);
    const payload = results[0]!.data.payOrder as PaymentPayload;
    expect(payload.userErrors).toEqual([]);
    expect(payload.payment!.status).toBe('AUTHORIZED');

    expect(await paymentsOf(orderId)).toEqual([{ id: payload.payment!.id, status: 'AUTHORIZED' }]);
    expect(await h.ledgerRows(payload.payment!.id)).toEqual([
      { type: 'AUTHORIZATION', state: 'SUCCESS', amount: 6_101 },
    ]);
    expect(h.provider.executedCalls('authorize').length - authorizeBefore).toBe(1);
    expect((await h.outbox(payload.payment!.id)).map((e) => e.type)).toEqual([
      'payment.authorized',
    ]);
  });

  it('should charge an order once when both replicas get payments with different keys at once', async () => {
    const orderId = h.addOrder(alice.userId, { amount: 6_202 });
    const authorizeBefore = h.provider.executedCalls('authorize').length;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? h : other).payOrder(alice, {
          orderId,
          card: card(),
          idempotencyKey: newKey(),
        }),
      ),
    );
    const authorized = results.filter((r) => r.payment?.status === 'AUTHORIZED');
    expect(authorized).toHaveLength(1);
    for (const refused of results.filter((r) => r !== authorized[0])) {
      expect(refused.payment).toBeNull();
      expect(['ALREADY_PAID', 'OPERATION_IN_PROGRESS']).toContain(refused.userErrors[0]?.code);
    }
    const payments = await paymentsOf(orderId);
    expect(payments.filter((p) => p.status === 'AUTHORIZED')).toEqual([
      { id: authorized[0]!.payment!.id, status: 'AUTHORIZED' },
    ]);
    expect(payments).toHaveLength(1);
    expect(h.provider.executedCalls('authorize').length - authorizeBefore).toBe(1);

    // Retries of the losers, on either replica, still find the order paid.
    const retry = await other.payOrder(alice, { orderId, card: card(), idempotencyKey: newKey() });
    expect(retry.userErrors[0]?.code).toBe('ALREADY_PAID');
    expect(h.provider.executedCalls('authorize').length - authorizeBefore).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@shop/auth';
import { testDatabaseTargets } from '@shop/testing';
import { TEST_CARDS } from '../src/index';
import {
  adminIdentity,
  CAPTURE,
  customerIdentity,
  newKey,
  PAYMENT,
  REFUND,
  startHarness,
  VOID,
  type Harness,
  type PaymentData,
  type PaymentPayload,
} from './harness';

describe.each(testDatabaseTargets())('payment lifecycle on $name', (target) => {
  let h: Harness;
  let alice: Identity;
  let admin: Identity;

  const status = async (paymentId: string) =>
    (await h.call(admin, PAYMENT, { id: paymentId })).data.payment as PaymentData;
  const waitForStatus = (paymentId: string, expected: string) =>
    h.waitFor(async () => {
      const payment = await status(paymentId);
      return payment.status === expected ? payment : undefined;
    });
  const adminCall = async (query: string, field: string, input: Record<string, unknown>) => {
    const { data, errors } = await h.call(admin, query, { input });
    if (errors) throw new Error(JSON.stringify(errors));
    return data[field] as PaymentPayload;
  };
  const capture = (input: Record<string, unknown>) => adminCall(CAPTURE, 'capturePayment', input);
  const refund = (input: Record<string, unknown>) => adminCall(REFUND, 'refundPayment', input);
  const voidPayment = (input: Record<string, unknown>) => adminCall(VOID, 'voidPayment', input);
  /** Waits until the payment consumer has handled everything on the order topic. */
  const consumerCaughtUp = () =>
    h.waitFor(async () => {
      const [row] = await h.database.query<{ behind: boolean }>(
        `select coalesce((select max(position) from events.log where topic = 'order.events.v1'), 0)
                > coalesce((select position from events.consumer_offsets
                            where group_id = 'payment' and topic = 'order.events.v1'), 0) as behind`,
      );
      return !row!.behind;
    });

  beforeAll(async () => {
    h = await startHarness(target);
    alice = customerIdentity();
    admin = adminIdentity();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('should capture the authorized amount when the order ships', async () => {
    const payment = await h.paidOrder(alice, TEST_CARDS.success, 12_345);
    await h.publishOrderEvent('order.shipped', payment.orderId, alice.userId);
    const captured = await waitForStatus(payment.id, 'CAPTURED');
    expect(captured.capturedAmount).toEqual({ amount: 12_345, currencyCode: 'USD' });
    expect(await h.ledgerRows(payment.id)).toEqual([
      { type: 'AUTHORIZATION', state: 'SUCCESS', amount: 12_345 },
      { type: 'CAPTURE', state: 'SUCCESS', amount: 12_345 },
    ]);
    const events = await h.outbox(payment.id);
    expect(events.map((e) => e.type)).toEqual(['payment.authorized', 'payment.captured']);
    expect(events[1]!.key).toBe(payment.orderId);
    expect(events[1]!.envelope.data).toMatchObject({
      amount: { amountMinor: 12_345, currency: 'USD' },
      status: 'CAPTURED',
    });
    expect(events[1]!.envelope.sequence).toBeGreaterThan(events[0]!.envelope.sequence);
  });

  it('should record a failed capture and stay AUTHORIZED', async () => {
    const payment = await h.paidOrder(alice, TEST_CARDS.captureFails, 3_000);
    expect(payment.status).toBe('AUTHORIZED');
    await h.publishOrderEvent('order.shipped', payment.orderId, alice.userId);
    await h.waitFor(async () => (await h.ledgerRows(payment.id)).length === 2);
    expect(await h.ledgerRows(payment.id)).toEqual([
      { type: 'AUTHORIZATION', state: 'SUCCESS', amount: 3_000 },
      { type: 'CAPTURE', state: 'FAILURE', amount: 3_000 },
    ]);
    const after = await status(payment.id);
    expect(after.status).toBe('AUTHORIZED');
    expect(after.capturedAmount.amount).toBe(0);
    expect(after.transactions[1]!.failureCode).toBe('capture_failed');
    const events = await h.outbox(payment.id);
    expect(events.map((e) => e.type)).toEqual(['payment.authorized', 'payment.capture_failed']);
    expect(events[1]!.envelope.data).toMatchObject({
      status: 'AUTHORIZED',
      declineCode: 'capture_failed',
    });
  });

  it('should void an authorization when the order is cancelled, and refund captured money', async () => {
    const authorized = await h.paidOrder(alice, TEST_CARDS.success, 2_500);
    await h.publishOrderEvent('order.cancelled', authorized.orderId, alice.userId);
    const voided = await waitForStatus(authorized.id, 'VOIDED');
    expect(voided.transactions.map((t) => `${t.type}:${t.state}`)).toEqual([
      'AUTHORIZATION:SUCCESS',
      'VOID:SUCCESS',
    ]);
    expect(voided.capturedAmount.amount).toBe(0);

    const captured = await h.paidOrder(alice, TEST_CARDS.success, 6_000);
    await capture({ paymentId: captured.id, idempotencyKey: newKey() });
    await h.publishOrderEvent('order.expired', captured.orderId, alice.userId);
    const refunded = await waitForStatus(captured.id, 'REFUNDED');
    expect(refunded.refundedAmount.amount).toBe(6_000);
    expect((await h.outbox(captured.id)).map((e) => e.type)).toEqual([
      'payment.authorized',
      'payment.captured',
      'payment.refunded',
    ]);
    expect((await h.outbox(authorized.id)).map((e) => e.type)).toEqual([
      'payment.authorized',
      'payment.voided',
    ]);

    const pending = await h.paidOrder(alice, TEST_CARDS.requiresAction, 900);
    await h.publishOrderEvent('order.cancelled', pending.orderId, alice.userId);
    const closed = await waitForStatus(pending.id, 'DECLINED');
    expect(closed.transactions.at(-1)).toMatchObject({
      state: 'FAILURE',
      failureCode: 'order_closed',
    });
  });

  it('should have one effect per event, even when events are delivered again', async () => {
    const payment = await h.paidOrder(alice, TEST_CARDS.success, 4_000);
    await h.publishOrderEvent('order.shipped', payment.orderId, alice.userId);
    await waitForStatus(payment.id, 'CAPTURED');
    // a second, distinct shipped event for the same order moves no money
    await h.publishOrderEvent('order.shipped', payment.orderId, alice.userId);
    await consumerCaughtUp();
    const capturesBefore = h.provider.executedCalls('capture').length;

    // redeliver the whole topic to the payment group (at-least-once delivery)
    const [{ processed } = { processed: 0 }] = await h.database.query<{ processed: number }>(
      `select count(*)::int as processed from payment.processed_events`,
    );
    expect(processed).toBeGreaterThanOrEqual(2);
    await h.database.query(
      `update events.consumer_offsets set position = 0
       where group_id = 'payment' and topic = 'order.events.v1'`,
    );
    await consumerCaughtUp();
    // a redelivered event is skipped by its id
    const [{ after } = { after: 0 }] = await h.database.query<{ after: number }>(
      `select count(*)::int as after from payment.processed_events`,
    );
    expect(after).toBe(processed);

    expect(await h.ledgerRows(payment.id)).toEqual([
      { type: 'AUTHORIZATION', state: 'SUCCESS', amount: 4_000 },
      { type: 'CAPTURE', state: 'SUCCESS', amount: 4_000 },
    ]);
    expect(h.provider.executedCalls('capture').length).toBe(capturesBefore);
    expect((await h.outbox(payment.id)).map((e) => e.type)).toEqual([
      'payment.authorized',
      'payment.captured',
    ]);
  });

  it('should capture and refund partial amounts within the limits', async () => {
    const payment = await h.paidOrder(alice, TEST_CARDS.success, 10_000);
    const id = payment.id;

    const zero = await capture({ paymentId: id, amount: 0, idempotencyKey: newKey() });
    expect(zero.userErrors).toMatchObject([{ code: 'INVALID_AMOUNT', field: ['amount'] }]);
    const tooMuch = await capture({ paymentId: id, amount: 10_001, idempotencyKey: newKey() });
    expect(tooMuch.userErrors).toMatchObject([{ code: 'INVALID_AMOUNT' }]);
    expect(tooMuch.payment!.status).toBe('AUTHORIZED');

    const key = newKey();
    const part = await capture({ paymentId: id, amount: 3_000, idempotencyKey: key });
    expect(part.userErrors).toEqual([]);
    expect(part.payment).toMatchObject({
      status: 'PARTIALLY_CAPTURED',
      capturedAmount: { amount: 3_000 },
    });
    const capturesAfterFirst = h.provider.executedCalls('capture').length;
    const replay = await capture({ paymentId: id, amount: 3_000, idempotencyKey: key });
    expect(replay).toEqual(part);
    expect(h.provider.executedCalls('capture').length).toBe(capturesAfterFirst);
    const reused = await capture({ paymentId: id, amount: 2_000, idempotencyKey: key });
    expect(reused.userErrors).toMatchObject([{ code: 'IDEMPOTENCY_KEY_REUSED' }]);

    const over = await capture({ paymentId: id, amount: 7_001, idempotencyKey: newKey() });
    expect(over.userErrors[0]).toMatchObject({ code: 'INVALID_AMOUNT' });
    expect(over.userErrors[0]!.message).toContain('7000');
    const voidPartly = await voidPayment({ paymentId: id, idempotencyKey: newKey() });
    expect(voidPartly.userErrors).toMatchObject([{ code: 'INVALID_STATE' }]);

    const rest = await capture({ paymentId: id, idempotencyKey: newKey() });
    expect(rest.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: { amount: 10_000 } });

    const overRefund = await refund({ paymentId: id, amount: 10_001, idempotencyKey: newKey() });
    expect(overRefund.userErrors).toMatchObject([{ code: 'INVALID_AMOUNT' }]);
    const partRefund = await refund({ paymentId: id, amount: 4_000, idempotencyKey: newKey() });
    expect(partRefund.payment).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedAmount: { amount: 4_000 },
    });
    const captureAfterRefund = await capture({ paymentId: id, idempotencyKey: newKey() });
    expect(captureAfterRefund.userErrors).toMatchObject([{ code: 'INVALID_STATE' }]);
    const restRefund = await refund({ paymentId: id, idempotencyKey: newKey() });
    expect(restRefund.payment).toMatchObject({
      status: 'REFUNDED',
      refundedAmount: { amount: 10_000 },
      capturedAmount: { amount: 10_000 },
    });
    const nothingLeft = await refund({ paymentId: id, amount: 1, idempotencyKey: newKey() });
    expect(nothingLeft.userErrors).toMatchObject([{ code: 'INVALID_STATE' }]);

    expect(await h.ledgerRows(id)).toEqual([
      { type: 'AUTHORIZATION', state: 'SUCCESS', amount: 10_000 },
      { type: 'CAPTURE', state: 'SUCCESS', amount: 3_000 },
      { type: 'CAPTURE', state: 'SUCCESS', amount: 7_000 },
      { type: 'REFUND', state: 'SUCCESS', amount: 4_000 },
      { type: 'REFUND', state: 'SUCCESS', amount: 6_000 },
    ]);
    expect((await h.outbox(id)).map((e) => e.type)).toEqual([
      'payment.authorized',
      'payment.captured',
      'payment.captured',
      'payment.refunded',
      'payment.refunded',
    ]);
  });

  it('should void an authorization and then refuse to capture it', async () => {
    const payment = await h.paidOrder(alice, TEST_CARDS.success, 1_000);
    const voided = await voidPayment({ paymentId: payment.id, idempotencyKey: newKey() });
    expect(voided.payment).toMatchObject({ status: 'VOIDED', capturedAmount: { amount: 0 } });
    const late = await capture({ paymentId: payment.id, idempotencyKey: newKey() });
    expect(late.userErrors).toMatchObject([{ code: 'INVALID_STATE' }]);
    const unknown = await capture({
      paymentId: '00000000-0000-4000-8000-000000000002',
      idempotencyKey: newKey(),
    });
    expect(unknown).toEqual({
      payment: null,
      userErrors: [
        { code: 'PAYMENT_NOT_FOUND', message: 'Payment not found', field: ['paymentId'] },
      ],
    });
  });

  it('should allow capture, void and refund to admins only', async () => {
    const payment = await h.paidOrder(alice, TEST_CARDS.success, 1_000);
    for (const [field, query, input] of [
      ['capturePayment', CAPTURE, { paymentId: payment.id, idempotencyKey: newKey() }],
      ['voidPayment', VOID, { paymentId: payment.id, idempotencyKey: newKey() }],
      ['refundPayment', REFUND, { paymentId: payment.id, idempotencyKey: newKey() }],
    ] as const) {
      const asOwner = await h.call(alice, query, { input });
      expect(asOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(asOwner.data).toEqual({ [field]: null });
      const anonymous = await h.call(null, query, { input });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await status(payment.id)).status).toBe('AUTHORIZED');
    expect(await h.ledgerRows(payment.id)).toHaveLength(1);
  });

  it('should refuse to update or delete ledger rows', async () => {
    const payment = await h.paidOrder(alice);
    await expect(
      h.database.query(`update payment.transactions set amount = 1 where payment_id = $1`, [
        payment.id,
      ]),
    ).rejects.toThrow(/append-only/);
    await expect(
      h.database.query(`delete from payment.transactions where payment_id = $1`, [payment.id]),
    ).rejects.toThrow(/append-only/);
    expect(await h.ledgerRows(payment.id)).toHaveLength(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@shop/auth';
import { testDatabaseTargets } from '@shop/testing';
import { TEST_CARDS } from '../src/index';
import {
  adminIdentity,
  card,
  CONFIRM,
  customerIdentity,
  newKey,
  ORDER_ENTITIES,
  PAY_ORDER,
  PAYMENT,
  startHarness,
  type Harness,
  type PaymentPayload,
} from './harness';

describe.each(testDatabaseTargets())('payOrder on $name', (target) => {
  let h: Harness;
  let alice: Identity;
  let bob: Identity;
  let admin: Identity;

  beforeAll(async () => {
    h = await startHarness(target);
    alice = customerIdentity();
    bob = customerIdentity();
    admin = adminIdentity();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('should authorize a good card, write one ledger row and a payment.authorized event', async () => {
    const orderId = h.addOrder(alice.userId, { amount: 4_999 });
    const result = await h.payOrder(alice, {
      orderId,
      card: card(TEST_CARDS.success),
      idempotencyKey: newKey(),
    });
    expect(result.userErrors).toEqual([]);
    const payment = result.payment!;
    expect(payment).toMatchObject({
      orderId,
      status: 'AUTHORIZED',
      amount: { amount: 4_999, currencyCode: 'USD' },
      authorizedAmount: { amount: 4_999, currencyCode: 'USD' },
      capturedAmount: { amount: 0, currencyCode: 'USD' },
      refundedAmount: { amount: 0, currencyCode: 'USD' },
      card: { brand: 'VISA', last4: '4242' },
    });
    expect(payment.transactions).toHaveLength(1);
    expect(payment.transactions[0]).toMatchObject({
      type: 'AUTHORIZATION',
      state: 'SUCCESS',
      amount: { amount: 4_999, currencyCode: 'USD' },
      failureCode: null,
    });
    expect(payment.transactions[0]!.pspReference).toMatch(/^tp_ok_/);
    expect(await h.ledgerRows(payment.id)).toEqual([
      { type: 'AUTHORIZATION', state: 'SUCCESS', amount: 4_999 },
    ]);

    const events = await h.outbox(payment.id);
    expect(events.map((e) => e.type)).toEqual(['payment.authorized']);
    expect(events[0]!.key).toBe(orderId);
    expect(events[0]!.envelope).toMatchObject({
      topic: 'payment.events.v1',
      source: 'payment',
      subject: orderId,
      data: {
        paymentId: payment.id,
        orderId,
        userId: alice.userId,
        amount: { amountMinor: 4_999, currency: 'USD' },
        status: 'AUTHORIZED',
      },
    });
    expect(events[0]!.envelope.data).not.toHaveProperty('declineCode');
    // the relay publishes it to the bus
    await h.waitFor(async () => {
      const [row] = await h.database.query<{ n: number }>(
        `select count(*)::int as n from events.log where envelope->>'id' = $1`,
        [events[0]!.envelope.id],
      );
      return row!.n === 1;
    });
  });

  it('should never store the card number or CVC', async () => {
    const orderId = h.addOrder(alice.userId);
    await h.payOrder(alice, { orderId, card: card(), idempotencyKey: newKey() });
    const dump = JSON.stringify(
      await h.database.query(
        `select (select json_agg(p) from payment.payments p) as payments,
                (select json_agg(t) from payment.transactions t) as ledger,
                (select json_agg(k) from payment.idempotency_keys k) as keys,
                (select json_agg(o) from payment.outbox o) as outbox`,
      ),
    );
    expect(dump).toContain('4242');
    expect(dump).not.toContain(TEST_CARDS.success);
    expect(dump).not.toContain('424242424242');
  });

  it.each([
    [TEST_CARDS.declined, 'card_declined'],
    [TEST_CARDS.insufficientFunds, 'insufficient_funds'],
  ])('should decline card %s with %s', async (number, code) => {
    const orderId = h.addOrder(alice.userId, { amount: 1_500 });
    const result = await h.payOrder(alice, {
      orderId,
      card: card(number),
      idempotencyKey: newKey(),
    });
    expect(result.userErrors).toHaveLength(1);
    expect(result.userErrors[0]!.code).toBe('CARD_DECLINED');
    expect(result.userErrors[0]!.message).toContain(code);
    expect(result.payment).toMatchObject({
      status: 'DECLINED',
      authorizedAmount: { amount: 0 },
      card: { last4: number.slice(-4) },
    });
    expect(result.payment!.transactions).toMatchObject([
      { type: 'AUTHORIZATION', state: 'FAILURE', failureCode: code },
    ]);
    const events = await h.outbox(result.payment!.id);
    expect(events.map((e) => e.type)).toEqual(['payment.declined']);
    expect(events[0]!.envelope.data).toMatchObject({ status: 'DECLINED', declineCode: code });

    // a declined attempt does not block a new one with another card
    const retry = await h.payOrder(alice, { orderId, card: card(), idempotencyKey: newKey() });
    expect(retry.payment?.status).toBe('AUTHORIZED');
  });

  it('should require 3-D Secure and authorize once the customer confirms', async () => {
    const orderId = h.addOrder(alice.userId, { amount: 2_000 });
    const result = await h.payOrder(alice, {
      orderId,
      card: card(TEST_CARDS.requiresAction),
      idempotencyKey: newKey(),
    });
    expect(result.userErrors).toEqual([]);
    const payment = result.payment!;
    expect(payment.status).toBe('ACTION_REQUIRED');
    expect(payment.authorizedAmount.amount).toBe(0);
    expect(payment.transactions).toMatchObject([{ type: 'AUTHORIZATION', state: 'REQUEST' }]);

    const asBob = await h.call(bob, CONFIRM, { paymentId: payment.id, success: true });
    expect(asBob.data.confirmPaymentAction).toEqual({
      payment: null,
      userErrors: [
        { code: 'PAYMENT_NOT_FOUND', message: 'Payment not found', field: ['paymentId'] },
      ],
    });

    const confirmed = await h.call(alice, CONFIRM, { paymentId: payment.id, success: true });
    const done = confirmed.data.confirmPaymentAction as PaymentPayload;
    expect(done.userErrors).toEqual([]);
    expect(done.payment).toMatchObject({
      status: 'AUTHORIZED',
      authorizedAmount: { amount: 2_000 },
    });
    expect(done.payment!.transactions.map((t) => `${t.type}:${t.state}`)).toEqual([
      'AUTHORIZATION:REQUEST',
      'AUTHORIZATION:SUCCESS',
    ]);
    expect((await h.outbox(payment.id)).map((e) => e.type)).toEqual([
      'payment.action_required',
      'payment.authorized',
    ]);

    const again = await h.call(alice, CONFIRM, { paymentId: payment.id, success: true });
    expect(again.data.confirmPaymentAction.userErrors[0].code).toBe('INVALID_STATE');
    expect(again.data.confirmPaymentAction.payment.status).toBe('AUTHORIZED');
  });

  it('should decline a payment whose 3-D Secure challenge fails', async () => {
    const orderId = h.addOrder(alice.userId);
    const { payment } = await h.payOrder(alice, {
      orderId,
      card: card(TEST_CARDS.requiresAction),
      idempotencyKey: newKey(),
    });
    const failed = await h.call(alice, CONFIRM, { paymentId: payment!.id, success: false });
    const result = failed.data.confirmPaymentAction as PaymentPayload;
    expect(result.userErrors[0]).toMatchObject({ code: 'CARD_DECLINED' });
    expect(result.userErrors[0]!.message).toContain('authentication_failed');
    expect(result.payment!.status).toBe('DECLINED');
  });

  it("should answer ORDER_NOT_FOUND identically for another user's order and a missing one", async () => {
    const bobsOrder = h.addOrder(bob.userId);
    const foreign = await h.payOrder(alice, {
      orderId: bobsOrder,
      card: card(),
      idempotencyKey: newKey(),
    });
    const missing = await h.payOrder(alice, {
      orderId: '00000000-0000-4000-8000-000000000001',
      card: card(),
      idempotencyKey: newKey(),
    });
    const garbage = await h.payOrder(alice, {
      orderId: 'not-an-id',
      card: card(),
      idempotencyKey: newKey(),
    });
    const expected = {
      payment: null,
      userErrors: [{ code: 'ORDER_NOT_FOUND', message: 'Order not found', field: ['orderId'] }],
    };
    expect(foreign).toEqual(expected);
    expect(missing).toEqual(expected);
    expect(garbage).toEqual(expected);
    const [row] = await h.database.query<{ n: number }>(
      'select count(*)::int as n from payment.payments where order_id = $1',
      [bobsOrder],
    );
    expect(row!.n).toBe(0);
  });

  it('should refuse orders that are not waiting for payment', async () => {
    const orderId = h.addOrder(alice.userId, { status: 'CANCELLED' });
    const result = await h.payOrder(alice, { orderId, card: card(), idempotencyKey: newKey() });
    expect(result.payment).toBeNull();
    expect(result.userErrors).toMatchObject([{ code: 'ORDER_NOT_PAYABLE', field: ['orderId'] }]);
    expect(result.userErrors[0]!.message).toContain('CANCELLED');
    const [row] = await h.database.query<{ n: number }>(
      'select count(*)::int as n from payment.payments where order_id = $1',
      [orderId],
    );
    expect(row!.n).toBe(0);
  });

  it('should answer ALREADY_PAID to a second payment of a paid order', async () => {
    const orderId = h.addOrder(alice.userId);
    const first = await h.payOrder(alice, { orderId, card: card(), idempotencyKey: newKey() });
    expect(first.payment!.status).toBe('AUTHORIZED');
    const second = await h.payOrder(alice, { orderId, card: card(), idempotencyKey: newKey() });
    expect(second).toEqual({
      payment: null,
      userErrors: [
        { code: 'ALREADY_PAID', message: 'This order has already been paid', field: ['orderId'] },
      ],
    });
  });

  it('should answer OPERATION_IN_PROGRESS while another attempt runs, without storing it', async () => {
    const orderId = h.addOrder(alice.userId);
    const inFlightId = '00000000-0000-4000-8000-0000000000f1';
    await h.database.query(
      `insert into payment.payments (id, order_id, user_id, amount, currency, status, card_brand,
         card_last4, idempotency_key) values ($1, $2, $3, 4999, 'USD', 'CREATED', 'VISA', '4242', $4)`,
      [inFlightId, orderId, alice.userId, newKey()],
    );
    const key = newKey();
    const busy = await h.payOrder(alice, { orderId, card: card(), idempotencyKey: key });
    expect(busy).toMatchObject({
      payment: null,
      userErrors: [{ code: 'OPERATION_IN_PROGRESS' }],
    });
    // the other attempt is abandoned (older than a minute): the same key now goes through
    await h.database.query(
      `update payment.payments set created_at = now() - interval '2 minutes' where id = $1`,
      [inFlightId],
    );
    const retried = await h.payOrder(alice, { orderId, card: card(), idempotencyKey: key });
    expect(retried.userErrors).toEqual([]);
    expect(retried.payment!.status).toBe('AUTHORIZED');
  });

  it('should reject invalid cards without consuming the idempotency key', async () => {
    const orderId = h.addOrder(alice.userId);
    const key = newKey();
    const badLuhn = await h.payOrder(alice, {
      orderId,
      card: card('4242424242424241'),
      idempotencyKey: key,
    });
    expect(badLuhn.userErrors).toMatchObject([{ code: 'INVALID_CARD', field: ['card', 'number'] }]);
    const expired = await h.payOrder(alice, {
      orderId,
      card: { ...card(), expMonth: 1, expYear: 2020 },
      idempotencyKey: key,
    });
    expect(expired.userErrors).toMatchObject([
      { code: 'INVALID_CARD', field: ['card', 'expYear'] },
    ]);
    const badCvc = await h.payOrder(alice, {
      orderId,
      card: { ...card(), cvc: '12' },
      idempotencyKey: key,
    });
    expect(badCvc.userErrors).toMatchObject([{ code: 'INVALID_CARD', field: ['card', 'cvc'] }]);
    const ok = await h.payOrder(alice, { orderId, card: card(), idempotencyKey: key });
    expect(ok.payment!.status).toBe('AUTHORIZED');
  });

  it('should run 100 concurrent payOrder calls with one key exactly once', async () => {
    const orderId = h.addOrder(alice.userId, { amount: 7_777 });
    const key = newKey();
    const ordersBefore = h.orderCalls();
    const authorizeBefore = h.provider.executedCalls('authorize').length;
    const input = { orderId, card: card(), idempotencyKey: key };
    const results = await Promise.all(
      Array.from({ length: 100 }, () => h.call(alice, PAY_ORDER, { input })),
    );
    expect(results.every((r) => r.status === 200 && r.errors === undefined)).toBe(true);
    const bodies = results.map((r) => JSON.stringify(r.data));
    expect(new Set(bodies).size).toBe(1);
    const payload = results[0]!.data.payOrder as PaymentPayload;
    expect(payload.userErrors).toEqual([]);
    expect(payload.payment!.status).toBe('AUTHORIZED');

    const [payments] = await h.database.query<{ n: number }>(
      'select count(*)::int as n from payment.payments where order_id = $1',
      [orderId],
    );
    expect(payments!.n).toBe(1);
    expect(await h.ledgerRows(payload.payment!.id)).toEqual([
      { type: 'AUTHORIZATION', state: 'SUCCESS', amount: 7_777 },
    ]);
    expect(h.provider.executedCalls('authorize').length - authorizeBefore).toBe(1);
    expect(h.provider.calls.filter((c) => c.amount === 7_777)).toHaveLength(1);
    expect(h.orderCalls() - ordersBefore).toBe(1);
    expect((await h.outbox(payload.payment!.id)).map((e) => e.type)).toEqual([
      'payment.authorized',
    ]);
  });

  it('should replay a key with the same request and reject it with a different one', async () => {
    const orderId = h.addOrder(alice.userId);
    const key = newKey();
    const first = await h.payOrder(alice, { orderId, card: card(), idempotencyKey: key });
    const replay = await h.payOrder(alice, { orderId, card: card(), idempotencyKey: key });
    expect(replay).toEqual(first);

    const reused = {
      payment: null,
      userErrors: [
        {
          code: 'IDEMPOTENCY_KEY_REUSED',
          message: 'This idempotency key was already used with a different request',
          field: null,
        },
      ],
    };
    const otherCard = await h.payOrder(alice, {
      orderId,
      card: card(TEST_CARDS.captureFails),
      idempotencyKey: key,
    });
    expect(otherCard).toEqual(reused);
    const otherOrder = await h.payOrder(alice, {
      orderId: h.addOrder(alice.userId),
      card: card(),
      idempotencyKey: key,
    });
    expect(otherOrder).toEqual(reused);

    // keys are scoped per user: Bob's identical key string is independent
    const bobsOrder = h.addOrder(bob.userId);
    const bobs = await h.payOrder(bob, { orderId: bobsOrder, card: card(), idempotencyKey: key });
    expect(bobs.payment!.status).toBe('AUTHORIZED');
    expect(bobs.payment!.id).not.toBe(first.payment!.id);
  });

  it('should require a signed-in caller and a sane key', async () => {
    const orderId = h.addOrder(alice.userId);
    const input = { orderId, card: card(), idempotencyKey: newKey() };
    const anonymous = await h.call(null, PAY_ORDER, { input });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const longKey = await h.call(alice, PAY_ORDER, {
      input: { ...input, idempotencyKey: 'k'.repeat(256) },
    });
    expect(longKey.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const emptyKey = await h.call(alice, PAY_ORDER, { input: { ...input, idempotencyKey: '' } });
    expect(emptyKey.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('should show a payment only to its owner and admins', async () => {
    const payment = await h.paidOrder(alice);
    const asOwner = await h.call(alice, PAYMENT, { id: payment.id });
    expect(asOwner.data.payment).toEqual(payment);
    const asAdmin = await h.call(admin, PAYMENT, { id: payment.id });
    expect(asAdmin.data.payment.id).toBe(payment.id);
    const asBob = await h.call(bob, PAYMENT, { id: payment.id });
    expect(asBob.errors).toBeUndefined();
    expect(asBob.data.payment).toBeNull();
    const asAnonymous = await h.call(null, PAYMENT, { id: payment.id });
    expect(asAnonymous.data.payment).toBeNull();
  });

  it('should resolve Order.payments and paymentStatus for the owner and admins only', async () => {
    const declinedThenPaid = h.addOrder(alice.userId);
    await h.payOrder(alice, {
      orderId: declinedThenPaid,
      card: card(TEST_CARDS.declined),
      idempotencyKey: newKey(),
    });
    const paid = await h.payOrder(alice, {
      orderId: declinedThenPaid,
      card: card(),
      idempotencyKey: newKey(),
    });
    const unpaid = h.addOrder(alice.userId);
    const representations = [
      { __typename: 'Order', id: declinedThenPaid },
      { __typename: 'Order', id: unpaid },
    ];

    const asOwner = await h.call(alice, ORDER_ENTITIES, { representations });
    expect(asOwner.errors).toBeUndefined();
    expect(asOwner.data._entities[0].paymentStatus).toBe('AUTHORIZED');
    expect(asOwner.data._entities[0].payments.map((p: any) => p.status)).toEqual([
      'DECLINED',
      'AUTHORIZED',
    ]);
    expect(asOwner.data._entities[0].payments[1].id).toBe(paid.payment!.id);
    expect(asOwner.data._entities[1]).toEqual({ id: unpaid, paymentStatus: 'NONE', payments: [] });

    const asAdmin = await h.call(admin, ORDER_ENTITIES, { representations });
    expect(asAdmin.data._entities).toEqual(asOwner.data._entities);

    const hidden = [
      { id: declinedThenPaid, paymentStatus: 'NONE', payments: [] },
      { id: unpaid, paymentStatus: 'NONE', payments: [] },
    ];
    const asBob = await h.call(bob, ORDER_ENTITIES, { representations });
    expect(asBob.errors).toBeUndefined();
    expect(asBob.data._entities).toEqual(hidden);
    const asAnonymous = await h.call(null, ORDER_ENTITIES, { representations });
    expect(asAnonymous.data._entities).toEqual(hidden);
  });
});

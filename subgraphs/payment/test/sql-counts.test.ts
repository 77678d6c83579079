import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelQueriesByServer, testDatabaseTargets } from '@shop/testing';
import {
  adminIdentity,
  customerIdentity,
  ORDER_ENTITIES,
  PAYMENT_FIELDS,
  startHarness,
  type Harness,
  type PaymentData,
} from './harness';

// SQL per operation must not grow with the number of entities (docs/CONVENTIONS.md).
const PAYMENT_ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Payment { ${PAYMENT_FIELDS} } }
}`;

describe.each(testDatabaseTargets())('payment SQL per operation on $name', (target) => {
  let h: Harness;
  const alice = customerIdentity();
  const bob = customerIdentity();
  const payments: PaymentData[] = [];

  beforeAll(async () => {
    h = await startHarness(target);
    labelQueriesByServer({ payment: h.subgraph });
    for (let i = 0; i < 25; i += 1) {
      payments.push(await h.paidOrder(alice), await h.paidOrder(bob));
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  const sqlOf = async <T>(fn: () => Promise<T>) => {
    const { result, byLabel } = await h.database.countQueries(fn);
    return { result, queries: byLabel.payment ?? 0 };
  };
  const refs = (typename: string, ids: string[]) => ids.map((id) => ({ __typename: typename, id }));

  it('should resolve 50 payments with their ledgers in as many queries as 1', async () => {
    const ids = payments.map((payment) => payment.id);
    const admin = adminIdentity();
    const one = await sqlOf(() =>
      h.call(admin, PAYMENT_ENTITIES, { representations: refs('Payment', ids.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() =>
      h.call(admin, PAYMENT_ENTITIES, { representations: refs('Payment', ids) }),
    );
    console.log(`[sql] payment _entities(Payment): 1 → ${one.queries}, 50 → ${fifty.queries}`);

    expect(fifty.result.errors).toBeUndefined();
    const found = fifty.result.data._entities as PaymentData[];
    expect(found.map((payment) => payment.id)).toEqual(ids);
    expect(found.map((payment) => payment.transactions.length)).toEqual(
      payments.map((payment) => payment.transactions.length),
    );
    expect(found.every((payment) => payment.status === 'AUTHORIZED')).toBe(true);
    expect(fifty.queries).toBe(one.queries);
    expect(fifty.queries).toBeLessThanOrEqual(2); // payments, ledgers
  });

  it('should keep other customers’ payments null, one by one, within one batch', async () => {
    const ids = payments.map((payment) => payment.id);
    const one = await sqlOf(() =>
      h.call(alice, PAYMENT_ENTITIES, { representations: refs('Payment', ids.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() =>
      h.call(alice, PAYMENT_ENTITIES, { representations: refs('Payment', ids) }),
    );
    const found = fifty.result.data._entities as Array<PaymentData | null>;
    expect(found.map((payment) => payment?.id ?? null)).toEqual(
      ids.map((id, i) => (i % 2 === 0 ? id : null)),
    );
    expect(fifty.queries).toBe(one.queries);
  });

  it('should read the payments of 50 orders in as many queries as of 1', async () => {
    const orderIds = payments.map((payment) => payment.orderId);
    const admin = adminIdentity();
    const one = await sqlOf(() =>
      h.call(admin, ORDER_ENTITIES, { representations: refs('Order', orderIds.slice(0, 1)) }),
    );
    const fifty = await sqlOf(() =>
      h.call(admin, ORDER_ENTITIES, { representations: refs('Order', orderIds) }),
    );
    console.log(
      `[sql] payment _entities(Order.payments): 1 → ${one.queries}, 50 → ${fifty.queries}`,
    );

    const orders = fifty.result.data._entities as Array<{
      paymentStatus: string;
      payments: Array<{ id: string }>;
    }>;
    expect(orders.map((order) => order.payments.map((payment) => payment.id))).toEqual(
      payments.map((payment) => [payment.id]),
    );
    expect(orders.every((order) => order.paymentStatus === 'AUTHORIZED')).toBe(true);
    expect(fifty.queries).toBe(one.queries);
    expect(fifty.queries).toBeLessThanOrEqual(2);
  });
});

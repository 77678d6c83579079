import { randomUUID } from 'node:crypto';
import gql from 'graphql-tag';
import { loadSigningKey, type Identity, type SigningKey } from '@shop/auth';
import type { Database } from '@shop/db';
import {
  createEnvelope,
  createLogBus,
  TOPICS,
  type EventBus,
  type EventEnvelope,
} from '@shop/events';
import {
  createSubgraph,
  requireRole,
  type BaseSubgraphContext,
  type RunningSubgraph,
} from '@shop/subgraph';
import { callSubgraph, type TestDatabaseTarget } from '@shop/testing';
import {
  PAYMENT_SUBGRAPH,
  preparePaymentDatabase,
  startPaymentSubgraph,
  TEST_CARDS,
  TestPaymentProvider,
} from '../src/index';

export const PAYMENT_FIELDS = `
  id orderId status
  amount { amount currencyCode }
  authorizedAmount { amount currencyCode }
  capturedAmount { amount currencyCode }
  refundedAmount { amount currencyCode }
  card { brand last4 }
  transactions { id type state amount { amount currencyCode } pspReference failureCode createdAt }
  createdAt updatedAt`;

export const PAY_ORDER = `mutation ($input: PayOrderInput!) {
  payOrder(input: $input) { payment { ${PAYMENT_FIELDS} } userErrors { code message field } }
}`;
export const CONFIRM = `mutation ($paymentId: ID!, $success: Boolean!) {
  confirmPaymentAction(paymentId: $paymentId, success: $success) {
    payment { ${PAYMENT_FIELDS} } userErrors { code message field }
  }
}`;
const operation = (name: string, input: string) => `mutation ($input: ${input}!) {
  ${name}(input: $input) { payment { ${PAYMENT_FIELDS} } userErrors { code message field } }
}`;
export const CAPTURE = operation('capturePayment', 'CapturePaymentInput');
export const VOID = operation('voidPayment', 'VoidPaymentInput');
export const REFUND = operation('refundPayment', 'RefundPaymentInput');
export const PAYMENT = `query ($id: ID!) { payment(id: $id) { ${PAYMENT_FIELDS} } }`;
export const ORDER_ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Order { id paymentStatus payments { id status } }
  }
}`;

export interface UserError {
  code: string;
  message: string;
  field: string[] | null;
}
export interface PaymentData {
  id: string;
  orderId: string;
  status: string;
  amount: { amount: number; currencyCode: string };
  authorizedAmount: { amount: number; currencyCode: string };
  capturedAmount: { amount: number; currencyCode: string };
  refundedAmount: { amount: number; currencyCode: string };
  card: { brand: string; last4: string };
  transactions: Array<{
    id: string;
    type: string;
    state: string;
    amount: { amount: number; currencyCode: string };
    pspReference: string | null;
    failureCode: string | null;
    createdAt: string;
  }>;
  createdAt: string;
  updatedAt: string;
}
export interface PaymentPayload {
  payment: PaymentData | null;
  userErrors: UserError[];
}

/** A card that passes validation, with a given number. */
export const card = (number: string = TEST_CARDS.success) => ({
  number,
  expMonth: 12,
  expYear: new Date().getUTCFullYear() + 2,
  cvc: '123',
});

export const newKey = () => `key-${randomUUID()}`;

export const customerIdentity = (): Identity => ({ userId: randomUUID(), roles: ['CUSTOMER'] });
export const adminIdentity = (): Identity => ({ userId: randomUUID(), roles: ['ADMIN'] });

interface StubOrder {
  id: string;
  userId: string;
  status: string;
  total: { amount: number; currencyCode: string };
}

export interface OutboxRow {
  type: string;
  key: string;
  envelope: EventEnvelope<{
    paymentId: string;
    orderId: string;
    userId: string;
    amount: { amountMinor: number; currency: string };
    status: string;
    declineCode?: string;
  }>;
}

export interface Harness {
  database: Database;
  bus: EventBus;
  subgraph: RunningSubgraph;
  orderSubgraph: RunningSubgraph;
  gatewayKey: SigningKey;
  provider: TestPaymentProvider;
  orders: Map<string, StubOrder>;
  /** How many `orderForPayment` calls the stub order subgraph answered. */
  orderCalls(): number;
  call<TData = Record<string, any>>(
    identity: Identity | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; data: TData; errors: Array<Record<string, any>> | undefined }>;
  /** Adds an order to the stub order subgraph. */
  addOrder(userId: string, options?: { status?: string; amount?: number }): string;
  payOrder(identity: Identity, input: Record<string, unknown>): Promise<PaymentPayload>;
  /** Pays a new order of `identity` and returns the payment. */
  paidOrder(identity: Identity, number?: string, amount?: number): Promise<PaymentData>;
  publishOrderEvent(type: string, orderId: string, userId: string): Promise<EventEnvelope>;
  outbox(paymentId?: string): Promise<OutboxRow[]>;
  ledgerRows(paymentId: string): Promise<Array<{ type: string; state: string; amount: number }>>;
  /** Polls until `check` returns a truthy value (or fails after `timeoutMs`). */
  waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs?: number): Promise<T>;
  /**
   * Starts another replica of the payment subgraph on the same database, bus, order stub and
   * payment provider (the PSP is external: one for all replicas); stopped by `close`.
   */
  startReplica(): Promise<Pick<Harness, 'subgraph' | 'call' | 'payOrder'>>;
  close(): Promise<void>;
}

/**
 * Opens a fresh database, migrates it, starts a stub order subgraph (a real subgraph that
 * checks service tokens and answers `orderForPayment` from an in-memory map) and the payment
 * subgraph with the log bus on free ports.
 */
export async function startHarness(target: TestDatabaseTarget): Promise<Harness> {
  const opened = await target.open();
  const { database } = opened;
  await preparePaymentDatabase(database);
  const bus = await createLogBus({ database, pollIntervalMs: 10 });
  const gatewayKey = await loadSigningKey();
  const orders = new Map<string, StubOrder>();
  let orderCalls = 0;

  const orderSubgraph = await createSubgraph<BaseSubgraphContext>({
    name: 'order',
    typeDefs: gql`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      scalar MinorUnits
      type Money {
        amount: Int!
        currencyCode: String!
      }
      type OrderForPayment {
        id: ID!
        userId: ID!
        status: String!
        total: Money!
      }
      type Query {
        orderForPayment(orderId: ID!): OrderForPayment
      }
    `,
    resolvers: {
      Query: {
        orderForPayment: (_parent, args: { orderId: string }, context: BaseSubgraphContext) => {
          requireRole(context, 'SERVICE');
          orderCalls += 1;
          return orders.get(args.orderId) ?? null;
        },
      },
    },
    gatewayKeys: [gatewayKey],
    context: (base) => base,
    port: 0,
  });

  const provider = new TestPaymentProvider();
  const serviceUrls: Record<string, string> = {};
  const start = () =>
    startPaymentSubgraph({
      database,
      gatewayKeys: [gatewayKey],
      bus,
      serviceKey: gatewayKey,
      serviceUrls,
      provider,
      port: 0,
    });
  const subgraph = await start();
  // filled in after start, as the gateway's embedded runner does
  serviceUrls.order = orderSubgraph.url;
  const replicas: RunningSubgraph[] = [];

  const caller =
    (running: RunningSubgraph): Harness['call'] =>
    async (identity, query, variables) => {
      const result = await callSubgraph(
        { url: running.url, subgraph: PAYMENT_SUBGRAPH, gatewayKey, identity },
        { query, ...(variables ? { variables } : {}) },
      );
      return { status: result.status, data: result.body.data as any, errors: result.body.errors };
    };
  const payer =
    (call: Harness['call']): Harness['payOrder'] =>
    async (identity, input) => {
      const { data, errors } = await call(identity, PAY_ORDER, { input });
      if (errors) throw new Error(`unexpected errors: ${JSON.stringify(errors)}`);
      return data.payOrder as PaymentPayload;
    };
  const call = caller(subgraph);

  const harness: Harness = {
    database,
    bus,
    subgraph,
    orderSubgraph,
    gatewayKey,
    provider,
    orders,
    orderCalls: () => orderCalls,
    call,
    addOrder(userId, options = {}) {
      const id = randomUUID();
      orders.set(id, {
        id,
        userId,
        status: options.status ?? 'PENDING_PAYMENT',
        total: { amount: options.amount ?? 4_999, currencyCode: 'USD' },
      });
      return id;
    },
    payOrder: payer(call),
    async paidOrder(identity, number = TEST_CARDS.success, amount = 10_000) {
      const orderId = harness.addOrder(identity.userId, { amount });
      const result = await harness.payOrder(identity, {
        orderId,
        card: card(number),
        idempotencyKey: newKey(),
      });
      if (!result.payment) throw new Error(`no payment: ${JSON.stringify(result.userErrors)}`);
      return result.payment;
    },
    async publishOrderEvent(type, orderId, userId) {
      const envelope = createEnvelope({
        type,
        source: 'order',
        topic: TOPICS.order,
        subject: orderId,
        sequence: 1,
        data: { orderId, userId, reason: 'test', carrier: 'DHL', trackingNumber: 'T1' },
      });
      await bus.publish([envelope]);
      return envelope;
    },
    async outbox(paymentId) {
      const rows = await database.query<OutboxRow>(
        `select type, key, envelope from payment.outbox order by position`,
      );
      return paymentId ? rows.filter((row) => row.envelope.data.paymentId === paymentId) : rows;
    },
    async ledgerRows(paymentId) {
      const rows = await database.query<{ type: string; state: string; amount: string }>(
        `select type, state, amount::text as amount from payment.transactions
         where payment_id = $1 order by id`,
        [paymentId],
      );
      return rows.map((row) => ({ ...row, amount: Number(row.amount) }));
    },
    async waitFor(check, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await check();
        if (value) return value;
        if (Date.now() > deadline) throw new Error('waitFor: timed out');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async startReplica() {
      const replica = await start();
      replicas.push(replica);
      const replicaCall = caller(replica);
      return { subgraph: replica, call: replicaCall, payOrder: payer(replicaCall) };
    },
    async close() {
      for (const replica of replicas) await replica.stop();
      await subgraph.stop();
      await orderSubgraph.stop();
      await bus.close();
      await opened.cleanup();
    },
  };
  return harness;
}

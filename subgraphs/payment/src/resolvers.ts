import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import {
  badUserInput,
  DateTimeScalar,
  MinorUnitsScalar,
  requireRole,
  requireUser,
  type BaseSubgraphContext,
} from '@shop/subgraph';
import {
  MAX_IDEMPOTENCY_KEY_LENGTH,
  type CardInput,
  type PaymentResult,
  type PaymentService,
  type PaymentView,
} from './service';

export interface PaymentContext extends BaseSubgraphContext {
  service: PaymentService;
  /** Per-request, batched: the payments of an order the caller may see. */
  loadOrderPayments: (orderId: string) => Promise<PaymentView[]>;
  /** Per-request, batched: a payment the caller may see, by id. */
  loadPayment: (id: string) => Promise<PaymentView | null>;
}

type Input<T> = { input: T };

/** Keys are 1-255 characters (Stripe's limit); anything else is rejected before any work. */
function checkKey(key: string): void {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw badUserInput(`idempotencyKey must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, {
      argument: 'idempotencyKey',
    });
  }
}

const payload = (result: PaymentResult) =>
  result.ok
    ? { payment: result.payment, userErrors: [] }
    : {
        payment: result.payment ?? null,
        userErrors: [{ code: result.code, message: result.message, field: result.field ?? null }],
      };

export const resolvers: GraphQLResolverMap<PaymentContext> = {
  DateTime: DateTimeScalar,
  MinorUnits: MinorUnitsScalar,

  Query: {
    payment: (_parent, { id }: { id: string }, context: PaymentContext) =>
      context.service.payment(context.identity, id),
  },

  Payment: {
    __resolveReference: (reference: { id: string }, context: PaymentContext) =>
      context.loadPayment(reference.id),
  },

  Order: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    payments: (order: { id: string }, _args, context: PaymentContext) =>
      context.loadOrderPayments(order.id),
    paymentStatus: async (order: { id: string }, _args, context: PaymentContext) => {
      const latest = (await context.loadOrderPayments(order.id)).at(-1);
      return !latest || latest.status === 'CREATED' ? 'NONE' : latest.status;
    },
  },

  Mutation: {
    payOrder: async (
      _parent,
      { input }: Input<{ orderId: string; card: CardInput; idempotencyKey: string }>,
      context: PaymentContext,
    ) => {
      const identity = requireUser(context);
      checkKey(input.idempotencyKey);
      return payload(await context.service.payOrder(identity, input));
    },

    confirmPaymentAction: async (
      _parent,
      args: { paymentId: string; success: boolean },
      context: PaymentContext,
    ) => {
      const identity = requireUser(context);
      return payload(
        await context.service.confirmPaymentAction(identity, args.paymentId, args.success),
      );
    },

    capturePayment: async (
      _parent,
      { input }: Input<{ paymentId: string; amount?: number | null; idempotencyKey: string }>,
      context: PaymentContext,
    ) => {
      const admin = requireRole(context, 'ADMIN');
      checkKey(input.idempotencyKey);
      return payload(await context.service.capture(admin, input));
    },

    voidPayment: async (
      _parent,
      { input }: Input<{ paymentId: string; idempotencyKey: string }>,
      context: PaymentContext,
    ) => {
      const admin = requireRole(context, 'ADMIN');
      checkKey(input.idempotencyKey);
      return payload(await context.service.void(admin, input));
    },

    refundPayment: async (
      _parent,
      { input }: Input<{ paymentId: string; amount?: number | null; idempotencyKey: string }>,
      context: PaymentContext,
    ) => {
      const admin = requireRole(context, 'ADMIN');
      checkKey(input.idempotencyKey);
      return payload(await context.service.refund(admin, input));
    },
  },
};

import {
  badUserInput,
  DateTimeScalar,
  MinorUnitsScalar,
  requireRole,
  requireUser,
  type BaseSubgraphContext,
} from '@shop/subgraph';
import type { Resolvers } from './generated/resolvers-types';
import { MAX_IDEMPOTENCY_KEY_LENGTH, type PaymentResult, type PaymentView } from './model';
import type { PaymentService } from './service';

export interface PaymentContext extends BaseSubgraphContext {
  service: PaymentService;
  /** Per-request, batched: the payments of an order the caller may see. */
  loadOrderPayments: (orderId: string) => Promise<PaymentView[]>;
  /** Per-request, batched: a payment the caller may see, by id. */
  loadPayment: (id: string) => Promise<PaymentView | null>;
}

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

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  MinorUnits: MinorUnitsScalar,

  Query: {
    payment: (_parent, { id }, context) => context.service.payment(context.identity, id),
  },

  Payment: {
    __resolveReference: (reference, context) => context.loadPayment(reference.id),
  },

  Order: {
    __resolveReference: (reference) => ({ id: reference.id }),
    payments: (order, _args, context) => context.loadOrderPayments(order.id),
    paymentStatus: async (order, _args, context) => {
      const latest = (await context.loadOrderPayments(order.id)).at(-1);
      return !latest || latest.status === 'CREATED' ? 'NONE' : latest.status;
    },
  },

  Mutation: {
    payOrder: async (_parent, { input }, context) => {
      const identity = requireUser(context);
      checkKey(input.idempotencyKey);
      return payload(await context.service.payOrder(identity, input));
    },

    confirmPaymentAction: async (_parent, args, context) => {
      const identity = requireUser(context);
      return payload(
        await context.service.confirmPaymentAction(identity, args.paymentId, args.success),
      );
    },

    capturePayment: async (_parent, { input }, context) => {
      const admin = requireRole(context, 'ADMIN');
      checkKey(input.idempotencyKey);
      return payload(await context.service.capture(admin, input));
    },

    voidPayment: async (_parent, { input }, context) => {
      const admin = requireRole(context, 'ADMIN');
      checkKey(input.idempotencyKey);
      return payload(await context.service.void(admin, input));
    },

    refundPayment: async (_parent, { input }, context) => {
      const admin = requireRole(context, 'ADMIN');
      checkKey(input.idempotencyKey);
      return payload(await context.service.refund(admin, input));
    },
  },
};

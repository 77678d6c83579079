import {
  badUserInput,
  DateTimeScalar,
  decodeCursor,
  MinorUnitsScalar,
  pageSize,
  requireRole,
  requireUser,
  toConnection,
  type BaseSubgraphContext,
} from '@shop/subgraph';
import type { Resolvers } from './generated/resolvers-types';
import type { OrderLoaders } from './loaders';
import {
  isValidIdempotencyKey,
  type CheckoutResponse,
  type OrderResult,
  type OrderService,
} from './service';
import type { OrderStatus } from './state-machine';
import type { OrderRow } from './tables';

export interface OrderContext extends BaseSubgraphContext {
  service: OrderService;
  /** Per-request batch loaders (see `loaders.ts`). */
  loaders: OrderLoaders;
}

type PageArgs = { first?: number | null; after?: string | null };

const money = (amount: number, currencyCode: string) => ({ amount, currencyCode });

const isSeqCursor = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

const emptyConnection = () => toConnection<OrderRow>([], 1, (row) => row.seq);

async function orderConnection(
  context: OrderContext,
  args: PageArgs,
  filter: { userId?: string; status?: OrderStatus },
) {
  const limit = pageSize(args.first);
  const beforeSeq = args.after ? decodeCursor(args.after, isSeqCursor) : undefined;
  // One user's orders go through the loader: the same page of many users is one query.
  const rows =
    filter.userId !== undefined && filter.status === undefined
      ? await context.loaders.userOrders({ userId: filter.userId, limit: limit + 1, beforeSeq })
      : await context.service.listOrders({ ...filter, limit: limit + 1, beforeSeq });
  return toConnection(rows, limit, (row) => row.seq, { hasPreviousPage: beforeSeq !== undefined });
}

const orderPayload = async (result: Promise<OrderResult>) => {
  const outcome = await result;
  return outcome.ok
    ? { order: outcome.order, userErrors: [] }
    : {
        order: null,
        userErrors: [
          { code: outcome.code, message: outcome.message, field: outcome.field ?? null },
        ],
      };
};

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  MinorUnits: MinorUnitsScalar,

  Query: {
    order: (_parent, args, context) => context.service.orderFor(context.identity, args.id),

    orders: (_parent, args, context) => {
      requireRole(context, 'ADMIN');
      return orderConnection(context, args, args.status ? { status: args.status } : {});
    },

    orderForPayment: async (_parent, args, context) => {
      requireRole(context, 'SERVICE');
      const row = await context.service.orderForPayment(args.orderId);
      return row
        ? {
            id: row.id,
            userId: row.userId,
            status: row.status,
            total: money(row.totalAmount, row.currencyCode),
          }
        : null;
    },
  },

  Order: {
    __resolveReference: (reference, context) => context.loaders.order(reference.id),
    customer: (order) => ({ id: order.userId }),
    lines: (order, _args, context) => context.loaders.lines(order.id),
    subtotal: (order) => money(order.subtotalAmount, order.currencyCode),
    shippingTotal: (order) => money(order.shippingAmount, order.currencyCode),
    total: (order) => money(order.totalAmount, order.currencyCode),
    shipment: (order) =>
      order.carrier && order.trackingNumber && order.shippedAt
        ? {
            carrier: order.carrier,
            trackingNumber: order.trackingNumber,
            shippedAt: order.shippedAt,
          }
        : null,
    history: async (order, _args, context) =>
      (await context.loaders.history(order.id)).map((row) => ({
        from: row.fromStatus,
        to: row.toStatus,
        reason: row.reason,
        actorRole: row.actorRole,
        at: row.at,
      })),
    nextStates: (order, _args, context) => context.service.nextStatesFor(context.identity, order),
  },

  OrderLine: {
    variant: (line) => ({ __typename: 'Variant', id: line.variantId }),
    unitPrice: (line) => money(line.unitAmount, line.currencyCode),
    lineTotal: (line) => money(line.unitAmount * line.quantity, line.currencyCode),
  },

  User: {
    __resolveReference: (reference) => ({ id: reference.id }),
    orders: (user, args, context) => {
      const identity = context.identity;
      const allowed =
        identity !== null && (identity.userId === user.id || identity.roles.includes('ADMIN'));
      if (!allowed) {
        pageSize(args.first);
        return emptyConnection();
      }
      return orderConnection(context, args, { userId: user.id });
    },
  },

  Mutation: {
    checkout: async (_parent, { input }, context) => {
      const { userId } = requireUser(context);
      if (!isValidIdempotencyKey(input.idempotencyKey)) {
        throw badUserInput('idempotencyKey must be 1–255 characters', {
          field: ['input', 'idempotencyKey'],
        });
      }
      const response: CheckoutResponse = await context.service.checkout(userId, input);
      const order = response.orderId
        ? await context.service.orderFor(context.identity, response.orderId)
        : null;
      return { order, userErrors: response.userErrors };
    },

    cancelOrder: (_parent, { input }, context) =>
      orderPayload(context.service.cancel(requireUser(context), input)),

    shipOrder: (_parent, { input }, context) =>
      orderPayload(context.service.ship(requireRole(context, 'ADMIN'), input)),

    markOrderDelivered: (_parent, { input }, context) =>
      orderPayload(context.service.markDelivered(requireRole(context, 'ADMIN'), input.orderId)),

    completeOrder: (_parent, { input }, context) =>
      orderPayload(context.service.complete(requireRole(context, 'ADMIN'), input.orderId)),
  },
};

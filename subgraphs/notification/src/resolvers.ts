import {
  DateTimeScalar,
  decodeCursor,
  encodeCursor,
  notFound,
  pageSize,
  toConnection,
  unauthenticated,
  type BaseSubgraphContext,
} from '@shop/subgraph';
import type { Resolvers } from './generated/resolvers-types';
import type {
  CartUpdatedEvent,
  Failure,
  NotificationService,
  OrderStatusEvent,
  PaymentStatusEvent,
  StreamResult,
} from './service';
import type { NotificationPage } from './loaders';
import type { NotificationRow } from './tables';

export interface NotificationContext extends BaseSubgraphContext {
  service: NotificationService;
  /** Per-request, batched: one page of a user's notifications (empty unless the caller may). */
  loadNotifications: (userId: string, page: NotificationPage) => Promise<NotificationRow[]>;
}

const isSeq = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The feed position in a `Notification.cursor`; null when absent. */
const seqOf = (cursor: string | null | undefined) =>
  cursor === null || cursor === undefined ? null : decodeCursor(cursor, isSeq);

const thrown = (failure: Failure) =>
  failure.code === 'UNAUTHENTICATED' ? unauthenticated(failure.message) : notFound(failure.message);

function streamOf<T>(result: StreamResult<T>) {
  if (!result.ok) throw thrown(result);
  return result.stream;
}

const feed = {
  subscribe: (_parent: unknown, args: { after?: string | null }, context: NotificationContext) =>
    streamOf(context.service.notificationStream(context.identity, seqOf(args.after))),
  resolve: (row: NotificationRow) => row,
};

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,

  Subscription: {
    orderStatusChanged: {
      subscribe: async (_parent, args, context) =>
        streamOf(await context.service.orderStatusStream(context.identity, args.orderId)),
      resolve: (event: OrderStatusEvent) => event,
    },
    paymentStatusChanged: {
      subscribe: async (_parent, args, context) =>
        streamOf(await context.service.paymentStatusStream(context.identity, args.orderId)),
      resolve: (event: PaymentStatusEvent) => event,
    },
    cartUpdated: {
      subscribe: async (_parent, args, context) =>
        streamOf(
          await context.service.cartStream(context.identity, args.cartId, args.cartToken ?? null),
        ),
      resolve: (event: CartUpdatedEvent) => event,
    },
    notificationReceived: feed,
    myNotifications: feed,
  },

  Mutation: {
    markNotificationRead: async (_parent, args, context) => {
      const result = await context.service.markRead(context.identity, args.id);
      if (result.ok) return { notification: result.notification, userErrors: [] };
      // NOTIFICATION_NOT_FOUND is the only expected failure (the schema's error enum).
      if (result.code !== 'NOTIFICATION_NOT_FOUND') throw thrown(result);
      return {
        notification: null,
        userErrors: [{ code: result.code, message: result.message, field: result.field ?? null }],
      };
    },
  },

  OrderStatusEvent: {
    order: (event) => ({ id: event.orderId }),
  },
  PaymentStatusEvent: {
    order: (event) => ({ id: event.orderId }),
  },
  CartUpdatedEvent: {
    cart: (event) => ({ id: event.cartId }),
  },

  Notification: {
    read: (row) => row.readAt !== null,
    cursor: (row) => encodeCursor(row.seq),
  },

  User: {
    __resolveReference: (reference) => ({ id: reference.id }),
    notifications: async (user, args, context) => {
      const limit = pageSize(args.first);
      const before = seqOf(args.after);
      const rows = await context.loadNotifications(user.id, {
        before,
        limit: limit + 1,
        unreadOnly: args.unreadOnly ?? false,
      });
      return toConnection(rows, limit, (row) => row.seq, { hasPreviousPage: before !== null });
    },
  },
};

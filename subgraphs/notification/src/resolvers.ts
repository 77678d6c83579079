import {
  badUserInput,
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
import {
  StreamFailure,
  type CartUpdatedEvent,
  type Failure,
  type NotificationService,
  type OrderStatusEvent,
  type PaymentStatusEvent,
  type StreamResult,
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

/**
 * The version in a state stream's `after` (the `cursor` of its items: the version as a decimal
 * string); null when absent. Anything else is BAD_USER_INPUT.
 */
export function versionOf(after: string | null | undefined): number | null {
  if (after === null || after === undefined) return null;
  const version = /^(0|[1-9][0-9]{0,15})$/.test(after) ? Number(after) : NaN;
  if (!Number.isSafeInteger(version)) {
    throw badUserInput('Invalid cursor: `after` must be the `cursor` of an item of this stream', {
      field: ['after'],
    });
  }
  return version;
}

/** A state stream item's `cursor`: its version as a decimal string. */
const versionCursor = (event: { version: number }) => String(event.version);

const thrown = (failure: Failure) =>
  failure.code === 'UNAUTHENTICATED' ? unauthenticated(failure.message) : notFound(failure.message);

/** The stream of a result; a failure, now or when the stream ends with one, is a GraphQL error. */
function streamOf<T>(result: StreamResult<T>): AsyncIterableIterator<T> {
  if (!result.ok) throw thrown(result);
  const { stream } = result;
  const typed = (error: unknown) => {
    throw error instanceof StreamFailure ? thrown(error.failure) : error;
  };
  const iterator: AsyncIterableIterator<T> = {
    next: () => stream.next().catch(typed),
    return: () => stream.return(),
    throw: (error?: unknown) => stream.throw(error).catch(typed),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
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
        streamOf(
          context.service.orderStatusStream(context.identity, args.orderId, versionOf(args.after)),
        ),
      resolve: (event: OrderStatusEvent) => event,
    },
    paymentStatusChanged: {
      subscribe: async (_parent, args, context) =>
        streamOf(
          context.service.paymentStatusStream(
            context.identity,
            args.orderId,
            versionOf(args.after),
          ),
        ),
      resolve: (event: PaymentStatusEvent) => event,
    },
    cartUpdated: {
      subscribe: async (_parent, args, context) =>
        streamOf(
          context.service.cartStream(
            context.identity,
            args.cartId,
            args.cartToken ?? null,
            versionOf(args.after),
          ),
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
    cursor: versionCursor,
  },
  PaymentStatusEvent: {
    order: (event) => ({ id: event.orderId }),
    cursor: versionCursor,
  },
  CartUpdatedEvent: {
    cart: (event) => ({ id: event.cartId }),
    cursor: versionCursor,
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

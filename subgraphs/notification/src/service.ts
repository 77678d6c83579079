import { randomUUID } from 'node:crypto';
import type { Identity } from '@shop/auth';
import { TOPICS, type DbTransaction, type DomainEvent, type EventEnvelope } from '@shop/events';
import { isUuid } from '@shop/primitives';
import { orderMessage, paymentMessage, text, type MessageDraft } from './messages';
import { createLiveStream, type LiveStream, type PubSub, type StreamLogger } from './pubsub';
import type { NotificationQueries } from './repo';
import type { CartStateRow, NotificationRow, OrderStateRow, PaymentStateRow } from './tables';
import { log } from '@shop/log';

/** Where a new notification is sent (email, push…), inside the consumer's transaction. */
export interface NotificationChannel {
  /**
   * Delivers (or queues) one new notification. Runs inside the consumer's transaction `tx`:
   * throwing rolls the event back and the bus delivers it again.
   */
  send(notification: NotificationRow, tx: DbTransaction): Promise<void>;
}

/** `Subscription.orderStatusChanged` items. */
export interface OrderStatusEvent {
  orderId: string;
  status: string;
  previousStatus: string | null;
  version: number;
  at: Date;
  snapshot: boolean;
}

/** `Subscription.paymentStatusChanged` items. */
export interface PaymentStatusEvent {
  orderId: string;
  paymentId: string;
  status: string;
  version: number;
  at: Date;
  snapshot: boolean;
}

/** `Subscription.cartUpdated` items. */
export interface CartUpdatedEvent {
  cartId: string;
  version: number;
  reason: string;
  at: Date;
  snapshot: boolean;
}

/** Something to publish on the in-process pub/sub once the consumer's transaction committed. */
export interface Publication {
  topic: string;
  payload: unknown;
}

/** Pub/sub topic keys. */
export const topics = {
  order: (orderId: string) => `order:${orderId}`,
  payment: (orderId: string) => `payment:${orderId}`,
  cart: (cartId: string) => `cart:${cartId}`,
  user: (userId: string) => `user:${userId}`,
};

export type Failure = {
  ok: false;
  code: 'UNAUTHENTICATED' | 'NOT_FOUND' | 'NOTIFICATION_NOT_FOUND';
  message: string;
  field?: string[];
};
export type StreamResult<T> = { ok: true; stream: LiveStream<T> } | Failure;

export interface NotificationServiceDeps {
  /** Queries on the database (reads outside event handling). */
  reads: NotificationQueries;
  /** Queries bound to a consumer transaction. */
  queriesOf(tx: DbTransaction): NotificationQueries;
  pubsub: PubSub;
  channel: NotificationChannel;
  /** Verifies guest cart tokens; absent when no cart token secret is configured. */
  verifyCartToken?: ((token: string) => string | null) | undefined;
  /** Buffered live events per slow subscriber before dropping the oldest; default 1000. */
  maxBuffer?: number;
  logger?: StreamLogger;
}

/** Feed pages read per query when replaying after a cursor. */
const FEED_PAGE = 100;

const fail = (code: Failure['code'], message: string, field?: string[]): Failure => ({
  ok: false,
  code,
  message,
  ...(field ? { field } : {}),
});

const isAdmin = (identity: Identity | null) => identity?.roles.includes('ADMIN') ?? false;

const orderSnapshot = (row: OrderStateRow): OrderStatusEvent => ({
  orderId: row.orderId,
  status: row.status,
  previousStatus: row.previousStatus,
  version: row.version,
  at: row.updatedAt,
  snapshot: true,
});

const paymentSnapshot = (row: PaymentStateRow): PaymentStatusEvent => ({
  orderId: row.orderId,
  paymentId: row.paymentId,
  status: row.status,
  version: row.version,
  at: row.updatedAt,
  snapshot: true,
});

const cartSnapshot = (row: CartStateRow): CartUpdatedEvent => ({
  cartId: row.cartId,
  version: row.version,
  reason: row.reason,
  at: row.updatedAt,
  snapshot: true,
});

/**
 * The notification domain: projects order/payment/cart events into read models and per-user
 * notifications, and serves them as resumable subscription streams.
 */
export function createNotificationService(deps: NotificationServiceDeps) {
  const { reads, pubsub, channel } = deps;
  const logger = deps.logger ?? log;
  const streamOptions = {
    pubsub,
    logger,
    ...(deps.maxBuffer ? { maxBuffer: deps.maxBuffer } : {}),
  };

  /** A state stream: the current state (if newer than the client's) then every newer version. */
  function stateStream<TState extends { version: number }, TEvent extends { version: number }>(
    topic: string,
    label: string,
    read: () => Promise<TState | undefined | null>,
    snapshot: (state: TState) => TEvent,
  ): LiveStream<TEvent> {
    return createLiveStream<TEvent>({
      ...streamOptions,
      topic,
      label,
      start: 0,
      position: (event) => event.version,
      async load(after) {
        const current = await read();
        return { items: current && current.version > after ? [snapshot(current)] : [], done: true };
      },
    });
  }

  async function notify(
    q: NotificationQueries,
    tx: DbTransaction,
    envelope: EventEnvelope,
    target: { userId: string; orderId: string | null; draft: MessageDraft },
  ): Promise<Publication[]> {
    await q.lockFeed(target.userId);
    const row = await q.insertNotification({
      id: randomUUID(),
      userId: target.userId,
      eventId: envelope.id,
      kind: target.draft.kind,
      title: target.draft.title,
      body: target.draft.body,
      orderId: target.orderId,
      data: target.draft.data,
    });
    if (!row) return [];
    await channel.send(row, tx);
    return [{ topic: topics.user(target.userId), payload: row }];
  }

  async function onOrderEvent(
    envelope: EventEnvelope,
    tx: DbTransaction,
    data: Record<string, unknown>,
  ): Promise<Publication[]> {
    const q = deps.queriesOf(tx);
    const orderId = text(data.orderId) ?? envelope.subject;
    const existing = await q.orderState(orderId);
    const userId = text(data.userId) ?? existing?.userId;
    if (!userId) {
      logger.warn(`[notification] ${envelope.type} ${envelope.id}: no userId, skipped`);
      return [];
    }
    const publications: Publication[] = [];
    const created = envelope.type === 'order.created';
    const status = created
      ? (text(data.status) ?? 'PENDING_PAYMENT')
      : envelope.type === 'order.status_changed'
        ? text(data.to)
        : undefined;
    if (status) {
      const previousStatus = created ? null : (text(data.from) ?? existing?.status ?? null);
      const at = new Date(envelope.time);
      const saved = await q.advanceOrderState({
        orderId,
        userId,
        number: text(data.number) ?? null,
        status,
        previousStatus,
        version: envelope.sequence,
        updatedAt: at,
      });
      if (saved) {
        const payload: OrderStatusEvent = {
          ...orderSnapshot(saved),
          snapshot: false,
        };
        publications.push({ topic: topics.order(orderId), payload });
      }
    }
    const number = text(data.number) ?? existing?.number ?? null;
    const draft = orderMessage(envelope.type, data, number);
    if (draft) publications.push(...(await notify(q, tx, envelope, { userId, orderId, draft })));
    return publications;
  }

  async function onPaymentEvent(
    envelope: EventEnvelope,
    tx: DbTransaction,
    data: Record<string, unknown>,
  ): Promise<Publication[]> {
    const q = deps.queriesOf(tx);
    const orderId = text(data.orderId) ?? envelope.subject;
    const paymentId = text(data.paymentId);
    const status = text(data.status);
    const userId = text(data.userId);
    if (!paymentId || !status || !userId) {
      logger.warn(`[notification] ${envelope.type} ${envelope.id}: malformed payload, skipped`);
      return [];
    }
    const publications: Publication[] = [];
    const existing = await q.paymentState(orderId);
    const stale = existing?.paymentId === paymentId && existing.paymentVersion >= envelope.sequence;
    if (!stale) {
      const saved = await q.savePaymentState({
        orderId,
        userId,
        paymentId,
        status,
        version: (existing?.version ?? 0) + 1,
        paymentVersion: envelope.sequence,
        updatedAt: new Date(envelope.time),
      });
      const payload: PaymentStatusEvent = { ...paymentSnapshot(saved), snapshot: false };
      publications.push({ topic: topics.payment(orderId), payload });
    }
    const number = (await q.orderState(orderId))?.number ?? null;
    const draft = paymentMessage(envelope.type, data, number);
    if (draft) publications.push(...(await notify(q, tx, envelope, { userId, orderId, draft })));
    return publications;
  }

  async function onCartEvent(
    envelope: EventEnvelope,
    tx: DbTransaction,
    data: Record<string, unknown>,
  ): Promise<Publication[]> {
    const cartId = text(data.cartId) ?? envelope.subject;
    const version = typeof data.version === 'number' ? data.version : envelope.sequence;
    const saved = await deps.queriesOf(tx).advanceCartState({
      cartId,
      userId: text(data.userId) ?? null,
      version,
      reason: envelope.type.slice('cart.'.length),
      updatedAt: new Date(envelope.time),
    });
    if (!saved) return [];
    const payload: CartUpdatedEvent = { ...cartSnapshot(saved), snapshot: false };
    return [{ topic: topics.cart(cartId), payload }];
  }

  return {
    /**
     * Applies one event inside the consumer's transaction; returns what to publish to live
     * subscribers once that transaction has committed.
     */
    async handleEvent(envelope: DomainEvent, tx: DbTransaction): Promise<Publication[]> {
      switch (envelope.topic) {
        case TOPICS.order:
          return onOrderEvent(envelope, tx, envelope.data);
        case TOPICS.payment:
          return onPaymentEvent(envelope, tx, envelope.data);
        case TOPICS.cart:
          return onCartEvent(envelope, tx, envelope.data);
        default:
          return [];
      }
    },

    /** Publishes what {@link handleEvent} returned (call only after the commit). */
    publish(publications: Publication[]): void {
      for (const publication of publications)
        pubsub.publish(publication.topic, publication.payload);
    },

    /** The order's current status, then its changes. Owner or admin; others: NOT_FOUND. */
    async orderStatusStream(
      identity: Identity | null,
      orderId: string,
    ): Promise<StreamResult<OrderStatusEvent>> {
      if (!identity) return fail('UNAUTHENTICATED', 'Authentication required');
      const state = await reads.orderState(orderId);
      if (!state || (state.userId !== identity.userId && !isAdmin(identity))) {
        return fail('NOT_FOUND', 'Order not found');
      }
      return {
        ok: true,
        stream: stateStream(
          topics.order(orderId),
          `orderStatusChanged(${orderId})`,
          () => reads.orderState(orderId),
          orderSnapshot,
        ),
      };
    },

    /** The order's current payment status, then its changes. Owner or admin; else NOT_FOUND. */
    async paymentStatusStream(
      identity: Identity | null,
      orderId: string,
    ): Promise<StreamResult<PaymentStatusEvent>> {
      if (!identity) return fail('UNAUTHENTICATED', 'Authentication required');
      const owner =
        (await reads.orderState(orderId))?.userId ?? (await reads.paymentState(orderId))?.userId;
      if (!owner || (owner !== identity.userId && !isAdmin(identity))) {
        return fail('NOT_FOUND', 'Order not found');
      }
      return {
        ok: true,
        stream: stateStream(
          topics.payment(orderId),
          `paymentStatusChanged(${orderId})`,
          () => reads.paymentState(orderId),
          paymentSnapshot,
        ),
      };
    },

    /**
     * The cart's current version, then its changes. For its owner, an admin, or the holder of a
     * genuine guest token of this cart (unless the cart now belongs to someone else).
     */
    async cartStream(
      identity: Identity | null,
      cartId: string,
      cartToken: string | null,
    ): Promise<StreamResult<CartUpdatedEvent>> {
      const state = await reads.cartState(cartId);
      const owner = identity !== null && state?.userId === identity.userId;
      const tokenCartId =
        cartToken && deps.verifyCartToken ? deps.verifyCartToken(cartToken) : null;
      const byToken =
        tokenCartId === cartId &&
        (!state || state.userId === null || state.userId === identity?.userId);
      if (!owner && !byToken && !(isAdmin(identity) && state)) {
        return fail('NOT_FOUND', 'Cart not found');
      }
      return {
        ok: true,
        stream: stateStream(
          topics.cart(cartId),
          `cartUpdated(${cartId})`,
          () => reads.cartState(cartId),
          cartSnapshot,
        ),
      };
    },

    /**
     * The signed-in user's notifications after `after` (a feed `seq`; null: only new ones),
     * oldest first, then live ones; never a gap or a duplicate.
     */
    notificationStream(
      identity: Identity | null,
      after: number | null,
    ): StreamResult<NotificationRow> {
      if (!identity) return fail('UNAUTHENTICATED', 'Authentication required');
      const { userId } = identity;
      let skipHistory = after === null;
      const stream = createLiveStream<NotificationRow>({
        ...streamOptions,
        topic: topics.user(userId),
        label: `notificationReceived(${userId})`,
        start: after ?? 0,
        position: (row) => row.seq,
        async load(last) {
          if (skipHistory) {
            skipHistory = false;
            return { items: [], done: true, position: await reads.lastSeq(userId) };
          }
          const items = await reads.feedAfter(userId, last, FEED_PAGE);
          return { items, done: items.length < FEED_PAGE };
        },
      });
      return { ok: true, stream };
    },

    /** A page of a user's notifications (newest first); empty unless self or admin. */
    async listNotifications(
      identity: Identity | null,
      userId: string,
      page: { before: number | null; limit: number; unreadOnly: boolean },
    ): Promise<NotificationRow[]> {
      if (!identity || (identity.userId !== userId && !isAdmin(identity))) return [];
      return reads.listNotifications(userId, page);
    },

    /**
     * The same page of notifications of each of some users, in one query; users whose
     * notifications the caller may not see get an empty page (as in `listNotifications`).
     */
    async notificationsOfUsers(
      identity: Identity | null,
      userIds: string[],
      page: { before: number | null; limit: number; unreadOnly: boolean },
    ): Promise<Map<string, NotificationRow[]>> {
      const byUser = new Map<string, NotificationRow[]>(userIds.map((id) => [id, []]));
      const allowed = userIds.filter(
        (userId) => !!identity && (identity.userId === userId || isAdmin(identity)),
      );
      for (const row of await reads.listNotificationsOfUsers(allowed, page)) {
        byUser.get(row.userId)?.push(row);
      }
      return byUser;
    },

    /** Marks one of the caller's notifications read; someone else's looks missing. */
    async markRead(
      identity: Identity | null,
      id: string,
    ): Promise<{ ok: true; notification: NotificationRow } | Failure> {
      if (!identity) return fail('UNAUTHENTICATED', 'Authentication required');
      const notification = isUuid(id) ? await reads.markRead(id, identity.userId) : undefined;
      if (!notification) {
        return fail('NOTIFICATION_NOT_FOUND', 'Notification not found', ['id']);
      }
      return { ok: true, notification };
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;

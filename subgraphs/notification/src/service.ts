import { randomUUID } from 'node:crypto';
import type { Identity } from '@shop/auth';
import { TOPICS, type DbTransaction, type DomainEvent, type EventEnvelope } from '@shop/events';
import { isUuid } from '@shop/primitives';
import { orderMessage, paymentMessage, text, type MessageDraft } from './messages';
import {
  createLiveStream,
  type LiveStream,
  type LoadedPage,
  type StreamLogger,
  type Wakeups,
} from './live';
import type { NotificationQueries } from './repo';
import type {
  CartStateRow,
  NotificationRow,
  OrderStateRow,
  PaymentStateRow,
  StreamItemRow,
} from './tables';
import { log } from '@shop/log';
import type { OrderStatus, PaymentStatus } from './generated/resolvers-types';
import { orderStatusOf, paymentStatusOf } from './statuses';

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
  status: OrderStatus;
  previousStatus: OrderStatus | null;
  version: number;
  at: Date;
  snapshot: boolean;
}

/** `Subscription.paymentStatusChanged` items. */
export interface PaymentStatusEvent {
  orderId: string;
  paymentId: string;
  status: PaymentStatus;
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

/** Live stream topic keys (wake-ups, and the journal of the state streams). */
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
  /** Where live streams listen for "topic X has something new". */
  wakeups: Pick<Wakeups, 'listen'>;
  channel: NotificationChannel;
  /** Verifies guest cart tokens; absent when no cart token secret is configured. */
  verifyCartToken?: ((token: string) => string | null) | undefined;
  logger?: StreamLogger;
  /**
   * How long a state stream waits for its order, payment or cart to appear in the read models
   * before it ends with NOT_FOUND; default {@link PENDING_STREAM_MS}.
   */
  pendingStreamMs?: number;
}

/** Default of {@link NotificationServiceDeps.pendingStreamMs}: two minutes. */
export const PENDING_STREAM_MS = 120_000;

/** Ends a live stream with a typed failure (the resolvers turn it into a GraphQL error). */
export class StreamFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = 'StreamFailure';
  }
}

/** Feed and journal pages read per query when replaying after a cursor. */
const PAGE = 100;

const fail = (code: Failure['code'], message: string, field?: string[]): Failure => ({
  ok: false,
  code,
  message,
  ...(field ? { field } : {}),
});

const isAdmin = (identity: Identity | null) => identity?.roles.includes('ADMIN') ?? false;

// The read models only hold enum values: onOrderEvent/onPaymentEvent check them before writing.
const orderSnapshot = (row: OrderStateRow): OrderStatusEvent => ({
  orderId: row.orderId,
  status: row.status as OrderStatus,
  previousStatus: orderStatusOf(row.previousStatus),
  version: row.version,
  at: row.updatedAt,
  snapshot: true,
});

const paymentSnapshot = (row: PaymentStateRow): PaymentStatusEvent => ({
  orderId: row.orderId,
  paymentId: row.paymentId,
  status: row.status as PaymentStatus,
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

type StateEvent = { version: number; at: Date; snapshot: boolean };

/** The journal row of a live state change (the event without `snapshot`). */
const journalEntry = (topic: string, event: StateEvent) => {
  const { snapshot: _snapshot, ...payload } = event;
  return { topic, position: event.version, payload };
};

/** A live state change read back from the journal. */
function fromJournal<TEvent extends StateEvent>(row: StreamItemRow): TEvent {
  const payload = row.payload;
  return {
    ...payload,
    version: row.position,
    at: new Date(String(payload.at)),
    snapshot: false,
  } as unknown as TEvent;
}

/** What {@link createNotificationService}'s state streams are made of. */
interface StateStreamOf<TState, TEvent> {
  /** The live topic (wake-ups) and journal key. */
  topic: string;
  /** The version the client has (`after`), or null for "current state first". */
  after: number | null;
  read: () => Promise<TState | undefined | null>;
  snapshot: (state: TState) => TEvent;
  /** Whether the caller may see the stream, given the state (null: not known yet). */
  allowed: (state: TState | null) => boolean | Promise<boolean>;
  /** The failure it ends with when the wait is over. */
  notFound: Failure;
}

/**
 * The notification domain: projects order/payment/cart events into read models and per-user
 * notifications, and serves them as resumable subscription streams.
 */
export function createNotificationService(deps: NotificationServiceDeps) {
  const { reads, wakeups, channel } = deps;
  const logger = deps.logger ?? log;
  const pendingStreamMs = deps.pendingStreamMs ?? PENDING_STREAM_MS;

  /**
   * A state stream, for a caller who may see it (`allowed`). Without `after`: the current
   * state (`snapshot: true`), then every newer version from the journal. With `after` (a version
   * the client has): exactly the versions after it from the journal, or, when the journal no
   * longer keeps them (purged, or from before the journal), the current state as a snapshot first.
   * A state that appears after the subscription began is streamed from its first journaled
   * version, that one as the snapshot.
   *
   * The read models follow events, which arrive after the mutation that caused them (more so
   * while the event bus is degraded), so a client that subscribes right after `checkout` may ask
   * before this service knows the order. Until `allowed` says yes, the stream waits (woken like
   * any other, re-checked at the deadline); after `pendingStreamMs` it ends with `notFound`. A
   * state the caller may not see is treated exactly like one that does not exist yet (same wait,
   * same error), so a subscription tells nothing about other people's orders.
   */
  function stateStream<TState extends { version: number }, TEvent extends StateEvent>(
    stream: StateStreamOf<TState, TEvent>,
  ): LiveStream<TEvent> {
    const { topic, after, read, snapshot, allowed, notFound } = stream;
    const deadline = Date.now() + pendingStreamMs;
    let seen = false;
    let waited = false;
    const page = (rows: StreamItemRow[]): LoadedPage<TEvent> => ({
      items: rows.map((row) => fromJournal<TEvent>(row)),
      done: rows.length < PAGE,
    });
    return createLiveStream<TEvent>({
      wakeups,
      topic,
      start: after ?? 0,
      position: (event) => event.version,
      loadAgainAt: deadline,
      async load(last) {
        if (seen) return page(await reads.streamItemsAfter(topic, last, PAGE));
        const state = (await read()) ?? null;
        if (!(await allowed(state))) {
          if (Date.now() >= deadline) throw new StreamFailure(notFound);
          waited = true;
          return { items: [], done: true };
        }
        seen = true;
        const current = {
          items: state && state.version > last ? [snapshot(state)] : [],
          done: true,
        };
        if (after === null && !waited) return current;
        if (after === null) {
          // It came after the subscription: every version of it from the journal, the first
          // one as the snapshot (each journal row is the whole state at its version).
          const rows = await reads.streamItemsAfter(topic, last, PAGE);
          if (rows.length === 0) return current;
          const history = page(rows);
          history.items[0] = { ...history.items[0]!, snapshot: true };
          return history;
        }
        const resumed = await reads.resumeStream(topic, after, PAGE);
        if (resumed.items.length > 0) return resumed.kept ? page(resumed.items) : current;
        // Nothing journaled after `after`: up to date, unless the state is newer. A newer state
        // was either journaled since the read above (state and journal row commit together:
        // read the journal again) or written before the journal existed (a snapshot).
        if (!state || state.version <= last) return { items: [], done: true };
        const again = await reads.resumeStream(topic, after, PAGE);
        if (again.items.length > 0 && again.kept) return page(again.items);
        return current;
      },
    });
  }

  async function notify(
    q: NotificationQueries,
    tx: DbTransaction,
    envelope: EventEnvelope,
    target: { userId: string; orderId: string | null; draft: MessageDraft },
  ): Promise<string[]> {
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
    return [topics.user(target.userId)];
  }

  async function onOrderEvent(
    envelope: EventEnvelope,
    tx: DbTransaction,
    data: Record<string, unknown>,
  ): Promise<string[]> {
    const q = deps.queriesOf(tx);
    const orderId = text(data.orderId) ?? envelope.subject;
    const existing = await q.orderState(orderId);
    const userId = text(data.userId) ?? existing?.userId;
    if (!userId) {
      logger.warn(`[notification] ${envelope.type} ${envelope.id}: no userId, skipped`);
      return [];
    }
    const changed: string[] = [];
    const created = envelope.type === 'order.created';
    const rawStatus = created
      ? (text(data.status) ?? 'PENDING_PAYMENT')
      : envelope.type === 'order.status_changed'
        ? text(data.to)
        : undefined;
    // Only values of the OrderStatus enum reach the read model (and so the subscription): an
    // unknown status (a producer newer than this schema) leaves the state as it was.
    const status = orderStatusOf(rawStatus);
    if (rawStatus !== undefined && !status) {
      logger.warn(
        `[notification] ${envelope.type} ${envelope.id}: unknown order status, state not changed`,
      );
    }
    if (status) {
      const previousStatus = created
        ? null
        : (orderStatusOf(data.from) ?? orderStatusOf(existing?.status) ?? null);
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
        const topic = topics.order(orderId);
        await q.appendStreamItem(journalEntry(topic, orderSnapshot(saved)));
        changed.push(topic);
      }
    }
    const number = text(data.number) ?? existing?.number ?? null;
    const draft = orderMessage(envelope.type, data, number);
    if (draft) changed.push(...(await notify(q, tx, envelope, { userId, orderId, draft })));
    return changed;
  }

  async function onPaymentEvent(
    envelope: EventEnvelope,
    tx: DbTransaction,
    data: Record<string, unknown>,
  ): Promise<string[]> {
    const q = deps.queriesOf(tx);
    const orderId = text(data.orderId) ?? envelope.subject;
    const paymentId = text(data.paymentId);
    const rawStatus = text(data.status);
    const userId = text(data.userId);
    if (!paymentId || !rawStatus || !userId) {
      logger.warn(`[notification] ${envelope.type} ${envelope.id}: malformed payload, skipped`);
      return [];
    }
    // As for orders: an unknown PaymentStatus leaves the read model as it was.
    const status = paymentStatusOf(rawStatus);
    if (!status) {
      logger.warn(
        `[notification] ${envelope.type} ${envelope.id}: unknown payment status, state not changed`,
      );
    }
    const changed: string[] = [];
    const existing = await q.paymentState(orderId);
    const stale = existing?.paymentId === paymentId && existing.paymentVersion >= envelope.sequence;
    if (status && !stale) {
      const saved = await q.savePaymentState({
        orderId,
        userId,
        paymentId,
        status,
        version: (existing?.version ?? 0) + 1,
        paymentVersion: envelope.sequence,
        updatedAt: new Date(envelope.time),
      });
      const topic = topics.payment(orderId);
      await q.appendStreamItem(journalEntry(topic, paymentSnapshot(saved)));
      changed.push(topic);
    }
    const number = (await q.orderState(orderId))?.number ?? null;
    const draft = paymentMessage(envelope.type, data, number);
    if (draft) changed.push(...(await notify(q, tx, envelope, { userId, orderId, draft })));
    return changed;
  }

  async function onCartEvent(
    envelope: EventEnvelope,
    tx: DbTransaction,
    data: Record<string, unknown>,
  ): Promise<string[]> {
    const cartId = text(data.cartId) ?? envelope.subject;
    const version = typeof data.version === 'number' ? data.version : envelope.sequence;
    const q = deps.queriesOf(tx);
    const saved = await q.advanceCartState({
      cartId,
      userId: text(data.userId) ?? null,
      version,
      reason: envelope.type.slice('cart.'.length),
      updatedAt: new Date(envelope.time),
    });
    if (!saved) return [];
    const topic = topics.cart(cartId);
    await q.appendStreamItem(journalEntry(topic, cartSnapshot(saved)));
    return [topic];
  }

  return {
    /**
     * Applies one event inside the consumer's transaction (read models, journal, feed, email);
     * returns the live topics it changed, whose streams to wake once it has committed.
     */
    async handleEvent(envelope: DomainEvent, tx: DbTransaction): Promise<string[]> {
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

    /**
     * The order's current status, then its changes (or, with `after`, the changes after that
     * version). Owner or admin; an order not known (yet) is waited for (see `stateStream`);
     * others: NOT_FOUND.
     */
    orderStatusStream(
      identity: Identity | null,
      orderId: string,
      after: number | null = null,
    ): StreamResult<OrderStatusEvent> {
      if (!identity) return fail('UNAUTHENTICATED', 'Authentication required');
      const orderNotFound = fail('NOT_FOUND', 'Order not found');
      if (!isUuid(orderId)) return orderNotFound;
      return {
        ok: true,
        stream: stateStream({
          topic: topics.order(orderId),
          after,
          read: () => reads.orderState(orderId),
          snapshot: orderSnapshot,
          allowed: (state) => !!state && (state.userId === identity.userId || isAdmin(identity)),
          notFound: orderNotFound,
        }),
      };
    },

    /**
     * The order's current payment status, then its changes (or, with `after`, the changes after
     * that version). Owner or admin; an order not known (yet) is waited for (see
     * `stateStream`); others: NOT_FOUND.
     */
    paymentStatusStream(
      identity: Identity | null,
      orderId: string,
      after: number | null = null,
    ): StreamResult<PaymentStatusEvent> {
      if (!identity) return fail('UNAUTHENTICATED', 'Authentication required');
      const orderNotFound = fail('NOT_FOUND', 'Order not found');
      if (!isUuid(orderId)) return orderNotFound;
      return {
        ok: true,
        stream: stateStream({
          topic: topics.payment(orderId),
          after,
          read: () => reads.paymentState(orderId),
          snapshot: paymentSnapshot,
          // Before its payment, the order says whose it is.
          allowed: async (state) => {
            const owner = state?.userId ?? (await reads.orderState(orderId))?.userId;
            return !!owner && (owner === identity.userId || isAdmin(identity));
          },
          notFound: orderNotFound,
        }),
      };
    },

    /**
     * The cart's current version, then its changes (or, with `after`, the changes after that
     * version). For its owner, an admin, or the holder of a genuine guest token of this cart
     * (unless the cart now belongs to someone else); a cart not known (yet) is waited for (see
     * `stateStream`); others: NOT_FOUND.
     */
    cartStream(
      identity: Identity | null,
      cartId: string,
      cartToken: string | null,
      after: number | null = null,
    ): StreamResult<CartUpdatedEvent> {
      const cartNotFound = fail('NOT_FOUND', 'Cart not found');
      if (!isUuid(cartId)) return cartNotFound;
      const byToken =
        !!cartToken && !!deps.verifyCartToken && deps.verifyCartToken(cartToken) === cartId;
      const allowed = (state: CartStateRow | null) =>
        !!state &&
        ((identity !== null && state.userId === identity.userId) ||
          (byToken && (state.userId === null || state.userId === identity?.userId)) ||
          isAdmin(identity));
      return {
        ok: true,
        stream: stateStream({
          topic: topics.cart(cartId),
          after,
          read: () => reads.cartState(cartId),
          snapshot: cartSnapshot,
          allowed,
          notFound: cartNotFound,
        }),
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
        wakeups,
        topic: topics.user(userId),
        start: after ?? 0,
        position: (row) => row.seq,
        async load(last) {
          if (skipHistory) {
            skipHistory = false;
            return { items: [], done: true, position: await reads.lastSeq(userId) };
          }
          const items = await reads.feedAfter(userId, last, PAGE);
          return { items, done: items.length < PAGE };
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

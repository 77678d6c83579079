import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, max, sql } from 'drizzle-orm';
import type { Db } from '@shop/db';
import type { DbTransaction } from '@shop/events';
import {
  cartStates,
  emailOutbox,
  notifications,
  orderStates,
  paymentStates,
  streamItems,
  type CartStateRow,
  type NotificationRow,
  type OrderStateRow,
  type PaymentStateRow,
  type StreamItemRow,
} from './tables';

/** A drizzle handle: the database or a transaction. */
export type Executor = Db | DbTransaction;

export type NewNotification = Omit<NotificationRow, 'seq' | 'createdAt' | 'readAt'>;

/** Every query of the notification subgraph, bound to one handle. */
export function createNotificationQueries(db: Executor) {
  return {
    async orderState(orderId: string): Promise<OrderStateRow | undefined> {
      const [row] = await db.select().from(orderStates).where(eq(orderStates.orderId, orderId));
      return row;
    },

    /** Inserts or moves the order's state forward; undefined when `row.version` is not newer. */
    async advanceOrderState(row: OrderStateRow): Promise<OrderStateRow | undefined> {
      const [saved] = await db
        .insert(orderStates)
        .values(row)
        .onConflictDoUpdate({
          target: orderStates.orderId,
          set: {
            userId: sql`excluded.user_id`,
            number: sql`coalesce(excluded.number, ${orderStates.number})`,
            status: sql`excluded.status`,
            previousStatus: sql`excluded.previous_status`,
            version: sql`excluded.version`,
            updatedAt: sql`excluded.updated_at`,
          },
          setWhere: lt(orderStates.version, sql`excluded.version`),
        })
        .returning();
      return saved;
    },

    async paymentState(orderId: string): Promise<PaymentStateRow | undefined> {
      const [row] = await db.select().from(paymentStates).where(eq(paymentStates.orderId, orderId));
      return row;
    },

    async savePaymentState(row: PaymentStateRow): Promise<PaymentStateRow> {
      const [saved] = await db
        .insert(paymentStates)
        .values(row)
        .onConflictDoUpdate({
          target: paymentStates.orderId,
          set: {
            userId: row.userId,
            paymentId: row.paymentId,
            status: row.status,
            version: row.version,
            paymentVersion: row.paymentVersion,
            updatedAt: row.updatedAt,
          },
        })
        .returning();
      return saved!;
    },

    async cartState(cartId: string): Promise<CartStateRow | undefined> {
      const [row] = await db.select().from(cartStates).where(eq(cartStates.cartId, cartId));
      return row;
    },

    /** Inserts or moves the cart's state forward; undefined when `row.version` is not newer. */
    async advanceCartState(row: CartStateRow): Promise<CartStateRow | undefined> {
      const [saved] = await db
        .insert(cartStates)
        .values(row)
        .onConflictDoUpdate({
          target: cartStates.cartId,
          set: {
            userId: sql`coalesce(excluded.user_id, ${cartStates.userId})`,
            version: sql`excluded.version`,
            reason: sql`excluded.reason`,
            updatedAt: sql`excluded.updated_at`,
          },
          setWhere: lt(cartStates.version, sql`excluded.version`),
        })
        .returning();
      return saved;
    },

    /**
     * Serialises feed writes of one user until the transaction ends, so that a user's `seq`
     * values commit in increasing order (a cursor never skips a later-committed lower seq).
     */
    async lockFeed(userId: string): Promise<void> {
      await db.execute(
        sql`select pg_advisory_xact_lock(hashtext(${`notification-feed:${userId}`}))`,
      );
    },

    /** Inserts a notification; undefined when one exists for the same event. */
    async insertNotification(row: NewNotification): Promise<NotificationRow | undefined> {
      const [saved] = await db
        .insert(notifications)
        .values(row)
        .onConflictDoNothing({ target: notifications.eventId })
        .returning();
      return saved;
    },

    async queueEmail(row: {
      id: string;
      notificationId: string;
      eventId: string;
      userId: string;
      subject: string;
      body: string;
    }): Promise<boolean> {
      const saved = await db
        .insert(emailOutbox)
        .values(row)
        .onConflictDoNothing({ target: emailOutbox.eventId })
        .returning({ id: emailOutbox.id });
      return saved.length > 0;
    },

    /** The user's notifications with `seq > after`, oldest first. */
    async feedAfter(userId: string, after: number, limit: number): Promise<NotificationRow[]> {
      return db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, userId), gt(notifications.seq, after)))
        .orderBy(asc(notifications.seq))
        .limit(limit);
    },

    async lastSeq(userId: string): Promise<number> {
      const [row] = await db
        .select({ seq: max(notifications.seq) })
        .from(notifications)
        .where(eq(notifications.userId, userId));
      return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
    },

    /** A page of the user's notifications, newest first, older than `before` when given. */
    async listNotifications(
      userId: string,
      page: { before: number | null; limit: number; unreadOnly: boolean },
    ): Promise<NotificationRow[]> {
      return db
        .select()
        .from(notifications)
        .where(
          and(
            eq(notifications.userId, userId),
            page.before === null ? undefined : lt(notifications.seq, page.before),
            page.unreadOnly ? isNull(notifications.readAt) : undefined,
          ),
        )
        .orderBy(desc(notifications.seq))
        .limit(page.limit);
    },

    /**
     * The same page of notifications of EACH of some users (newest first), in one query (a
     * window per user).
     */
    async listNotificationsOfUsers(
      userIds: string[],
      page: { before: number | null; limit: number; unreadOnly: boolean },
    ): Promise<NotificationRow[]> {
      if (userIds.length === 0) return [];
      const ranked = db
        .select({
          id: notifications.id,
          rank: sql<number>`row_number() over (partition by ${notifications.userId} order by ${notifications.seq} desc)`.as(
            'rank',
          ),
        })
        .from(notifications)
        .where(
          and(
            inArray(notifications.userId, userIds),
            page.before === null ? undefined : lt(notifications.seq, page.before),
            page.unreadOnly ? isNull(notifications.readAt) : undefined,
          ),
        )
        .as('ranked');
      const rows = await db
        .select({ notification: notifications })
        .from(notifications)
        .innerJoin(ranked, eq(ranked.id, notifications.id))
        .where(lte(ranked.rank, page.limit))
        .orderBy(desc(notifications.seq));
      return rows.map((row) => row.notification);
    },

    /** Journals one version of a state stream (a replayed version is kept as first written). */
    async appendStreamItem(item: {
      topic: string;
      position: number;
      payload: Record<string, unknown>;
    }): Promise<void> {
      await db.insert(streamItems).values(item).onConflictDoNothing();
    },

    /** The journal of `topic` after `after`, oldest first. */
    async streamItemsAfter(topic: string, after: number, limit: number): Promise<StreamItemRow[]> {
      return db
        .select()
        .from(streamItems)
        .where(and(eq(streamItems.topic, topic), gt(streamItems.position, after)))
        .orderBy(asc(streamItems.position))
        .limit(limit);
    },

    /**
     * The journal of `topic` after `after` (oldest first), and in the same statement (one
     * snapshot, so a purge cannot slip in between) whether it still keeps every version after
     * `after`: the purge removes a topic's oldest versions first, so that is when a version at or
     * before `after` is still there.
     */
    async resumeStream(
      topic: string,
      after: number,
      limit: number,
    ): Promise<{ kept: boolean; items: StreamItemRow[] }> {
      const rows = await db
        .select({
          item: streamItems,
          kept: sql<boolean>`exists (
            select 1 from notification.stream_items kept
            where kept.topic = ${topic} and kept.position <= ${after}
          )`,
        })
        .from(streamItems)
        .where(and(eq(streamItems.topic, topic), gt(streamItems.position, after)))
        .orderBy(asc(streamItems.position))
        .limit(limit);
      return { kept: rows[0]?.kept ?? true, items: rows.map((row) => row.item) };
    },

    /**
     * Deletes up to `limit` journal rows older than `retentionMs` (by the database's clock),
     * never the latest of a topic; returns how many. Concurrent runs (every replica) only delete
     * the same rows once.
     */
    async purgeStreamItems(retentionMs: number, limit: number): Promise<number> {
      const deleted = await db
        .delete(streamItems)
        .where(
          sql`(${streamItems.topic}, ${streamItems.position}) in (
            select old.topic, old.position from notification.stream_items old
            where old.created_at < now() - ${retentionMs} * interval '1 millisecond'
              and old.position < (
                select max(latest.position) from notification.stream_items latest
                where latest.topic = old.topic
              )
            limit ${limit}
          )`,
        )
        .returning({ topic: streamItems.topic });
      return deleted.length;
    },

    /**
     * Sends `payload` on the Postgres channel `channel` when (and only if) the current
     * transaction commits, to every connection listening on it.
     */
    async notifyChannel(channel: string, payload: string): Promise<void> {
      await db.execute(sql`select pg_notify(${channel}, ${payload})`);
    },

    /** Marks the user's notification read (keeps the first read time); undefined if not theirs. */
    async markRead(id: string, userId: string): Promise<NotificationRow | undefined> {
      const [row] = await db
        .update(notifications)
        .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
        .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
        .returning();
      return row;
    },
  };
}

export type NotificationQueries = ReturnType<typeof createNotificationQueries>;

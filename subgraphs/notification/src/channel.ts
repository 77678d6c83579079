import { randomUUID } from 'node:crypto';
import { createNotificationQueries } from './repo';
import type { NotificationChannel } from './service';
import type { StreamLogger } from './live';
import { log } from '@shop/log';

/**
 * The default channel: queues an email in `notification.email_outbox` in the consumer's
 * transaction (at most one per event) and logs it. A mailer process sends the queued rows.
 */
export function createEmailOutboxChannel(
  logger: { info(message: string): void } = log,
): NotificationChannel {
  return {
    async send(notification, tx) {
      const queued = await createNotificationQueries(tx).queueEmail({
        id: randomUUID(),
        notificationId: notification.id,
        eventId: notification.eventId,
        userId: notification.userId,
        subject: notification.title,
        body: notification.body,
      });
      if (queued) {
        logger.info(
          `[notification] email queued for user ${notification.userId}: ${notification.title}`,
        );
      }
    },
  };
}

/** A channel that only logs (e.g. when email is disabled). */
export function createLogChannel(logger: StreamLogger = log): NotificationChannel {
  return {
    async send(notification) {
      logger.warn(`[notification] ${notification.userId}: ${notification.title}`);
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { DbTransaction, DomainEvent } from '@shop/events';
import { log } from '@shop/log';
import { emailOutbox } from './tables';

type AccountEmailEvent = Extract<
  DomainEvent,
  { type: 'user.password_reset_requested' | 'user.email_verification_requested' }
>;

/** Subject and body of an account email; the body holds the link (and so the token). */
function compose(event: AccountEmailEvent): { kind: string; subject: string; body: string } {
  const { link, token, expiresAt } = event.data;
  const expires = new Date(expiresAt).toUTCString();
  if (event.type === 'user.password_reset_requested') {
    return {
      kind: 'password_reset',
      subject: 'Reset your ShopGraph password',
      body: [
        'Someone (hopefully you) asked to reset the password of your ShopGraph account.',
        `Choose a new password here: ${link}`,
        `Or enter this code: ${token}`,
        `The link works once and expires ${expires}. If you did not ask for it, ignore this email.`,
      ].join('\n\n'),
    };
  }
  return {
    kind: 'email_verification',
    subject: 'Verify your email address',
    body: [
      'Confirm that this address belongs to your ShopGraph account.',
      `Verify it here: ${link}`,
      `Or enter this code: ${token}`,
      `The link works once and expires ${expires}.`,
    ].join('\n\n'),
  };
}

/**
 * Queues the email of a `user.password_reset_requested` or `user.email_verification_requested`
 * event in `notification.email_outbox` (to the address the event names, no feed notification),
 * in the consumer's transaction, at most once per event. The log line names the kind and the
 * account, never the token, link or address.
 */
export async function queueAccountEmail(
  event: DomainEvent,
  tx: DbTransaction,
  logger: { info(message: string): void } = log,
): Promise<void> {
  if (
    event.type !== 'user.password_reset_requested' &&
    event.type !== 'user.email_verification_requested'
  ) {
    return;
  }
  const { kind, subject, body } = compose(event);
  const queued = await tx
    .insert(emailOutbox)
    .values({
      id: randomUUID(),
      notificationId: null,
      eventId: event.id,
      userId: event.data.userId,
      recipient: event.data.email,
      kind,
      subject,
      body,
    })
    .onConflictDoNothing({ target: emailOutbox.eventId })
    .returning({ id: emailOutbox.id });
  if (queued.length > 0)
    logger.info(`[notification] ${kind} email queued for user ${event.data.userId}`);
}

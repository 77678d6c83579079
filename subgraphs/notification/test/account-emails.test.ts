import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, type NewEnvelope } from '@shop/events';
import { setLogSink } from '@shop/log';
import { testDatabaseTargets } from '@shop/testing';
import { startHarness, type Harness } from './harness';

const accountEmail = (
  type: 'user.password_reset_requested' | 'user.email_verification_requested',
  userId: string,
  email: string,
  token: string,
): NewEnvelope => ({
  type,
  source: 'user',
  topic: TOPICS.user,
  subject: userId,
  sequence: 0,
  data: {
    userId,
    email,
    token,
    link: `https://shop.example/${type.endsWith('reset_requested') ? 'reset-password' : 'verify-email'}?token=${token}`,
    expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
  },
});

describe.each(testDatabaseTargets())('account emails on $name', (target) => {
  let h: Harness;
  const logged: string[] = [];
  let restoreSink: ReturnType<typeof setLogSink>;
  beforeAll(async () => {
    h = await startHarness(target);
    restoreSink = setLogSink((_level, line) => logged.push(line));
  });
  afterAll(async () => {
    setLogSink(restoreSink);
    await h?.close();
  });

  it('queues one email per event to the named address, with no feed item and no token in logs', async () => {
    const userId = randomUUID();
    const token = 'T'.repeat(43);
    const [reset] = await h.publish(
      accountEmail('user.password_reset_requested', userId, 'reset@example.test', token),
      accountEmail('user.email_verification_requested', userId, 'new@example.test', 'V'.repeat(43)),
    );
    await h.settle();
    // Redelivered (a consumer crash before its offset was committed): still one email.
    await h.bus.publish([reset!]);
    await h.settle();

    const emails = await h.database.query<Record<string, any>>(
      `select recipient, kind, subject, body, notification_id from notification.email_outbox
       where user_id = $1 order by kind`,
      [userId],
    );
    expect(emails).toHaveLength(2);
    expect(emails[0]).toMatchObject({
      recipient: 'new@example.test',
      kind: 'email_verification',
      subject: 'Verify your email address',
      notification_id: null,
    });
    expect(emails[1]).toMatchObject({
      recipient: 'reset@example.test',
      kind: 'password_reset',
      subject: 'Reset your ShopGraph password',
      notification_id: null,
    });
    expect(emails[1]!.body).toContain(`https://shop.example/reset-password?token=${token}`);
    const feed = await h.database.query(
      'select id from notification.notifications where user_id = $1',
      [userId],
    );
    expect(feed).toEqual([]);
    expect(logged.filter((line) => line.includes(token) || line.includes('@example.test'))).toEqual(
      [],
    );
    expect(logged).toContain(`[notification] password_reset email queued for user ${userId}`);
  });
});

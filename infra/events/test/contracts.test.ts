import type { Database } from '@shop/db';
import { testDatabaseTargets } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendToOutbox,
  createEnvelope,
  createLogBus,
  readEvent,
  TOPICS,
  type DeadLetter,
  type EventBus,
  type NewEnvelope,
} from '../src/index';
import { memoryLogger, waitFor } from './helpers';
import {
  countOf,
  migrateNotificationService,
  migrateOrderService,
  notificationEffect,
} from './services';

const placed = (orderId: string, data: unknown = { orderId, userId: 'user-1' }): NewEnvelope => ({
  type: 'order.placed',
  source: 'order',
  topic: TOPICS.order,
  subject: orderId,
  sequence: 2,
  data,
});

describe('readEvent', () => {
  it('accepts an event that matches its contract', () => {
    const envelope = createEnvelope(placed('o-1'));
    expect(readEvent(JSON.stringify(envelope))).toEqual({ ok: true, envelope });
  });

  it('names what is wrong: envelope, unknown type or version, wrong topic, data', () => {
    const reasonOf = (value: unknown) => {
      const result = readEvent(value);
      return result.ok ? 'accepted' : result.reason;
    };
    expect(reasonOf('{"hello":"not an envelope"}')).toMatch(/^malformed envelope: /);
    expect(reasonOf(createEnvelope({ ...placed('o-1'), type: 'order.lost' }))).toBe(
      'contract violation: no contract for order.lost v1',
    );
    expect(reasonOf(createEnvelope({ ...placed('o-1'), version: 2 }))).toBe(
      'contract violation: no contract for order.placed v2',
    );
    expect(reasonOf(createEnvelope({ ...placed('o-1'), topic: TOPICS.cart }))).toBe(
      'contract violation: order.placed v1 belongs on order.events.v1, not cart.events.v1',
    );
    expect(reasonOf(createEnvelope(placed('o-1', { orderId: 'o-1', userId: 7 })))).toMatch(
      /^contract violation: order\.placed v1: data\.userId: /,
    );
  });

  it('lets any well-formed envelope through on a topic outside the catalogue', () => {
    const envelope = createEnvelope({ ...placed('o-1', 'anything'), topic: 'test.events.v1' });
    expect(readEvent(envelope)).toEqual({ ok: true, envelope });
  });
});

describe.each(testDatabaseTargets())('event contracts on $name', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let bus: EventBus;
  beforeAll(async () => {
    ({ database, cleanup } = await target.open());
    await migrateOrderService(database);
    await migrateNotificationService(database);
    bus = await createLogBus({ database, pollIntervalMs: 10, logger: memoryLogger() });
  });
  afterAll(async () => {
    await bus.close();
    await cleanup();
  });

  it('refuses to write an event that breaks its contract, rolling the transaction back', async () => {
    const write = database.db.transaction(async (tx) => {
      await appendToOutbox(tx, 'shop_order', [
        {
          type: 'order.placed',
          source: 'order',
          topic: TOPICS.order,
          subject: 'o-x',
          sequence: 1,
          // @ts-expect-error userId is required by the contract of order.placed
          data: { orderId: 'o-x' },
        },
      ]);
    });
    await expect(write).rejects.toThrow(/invalid event order\.placed: .*data\.userId/);
    expect(await countOf(database, "select 1 from shop_order.outbox where key = 'o-x'")).toBe(0);
  });

  it('dead-letters an event that breaks its contract, with the reason, and handles the next one', async () => {
    const letters: DeadLetter[] = [];
    const sub = await bus.subscribe({
      group: 'notification-contracts',
      topics: [TOPICS.order],
      handler: notificationEffect(database),
      onDeadLetter: (letter) => void letters.push(letter),
    });
    const bad = createEnvelope(placed('o-bad', { orderId: 'o-bad' }));
    const good = createEnvelope(placed('o-good'));
    await bus.publish([bad, good]);
    await waitFor(
      async () =>
        (await countOf(database, "select 1 from shop_notify.sent where order_id = 'o-good'")) === 1,
      'the event after the dead letter',
    );
    await sub.stop();
    const reason =
      'contract violation: order.placed v1: data.userId: Invalid input: expected string, received undefined';
    expect(letters).toMatchObject([{ group: 'notification-contracts', key: 'o-bad', reason }]);
    expect(
      await database.query<{ reason: string; raw: string }>(
        `select reason, raw from events.dead_letters where group_id = 'notification-contracts'`,
      ),
    ).toEqual([{ reason, raw: expect.stringContaining(bad.id) }]);
    expect(await countOf(database, "select 1 from shop_notify.sent where order_id = 'o-bad'")).toBe(
      0,
    );
  });
});

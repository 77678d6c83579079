import { describe, expect, it } from 'vitest';
import { createEnvelope, EventEnvelopeSchema, parseEnvelope, TOPICS, uuidv7 } from '../src/index';

describe('envelope', () => {
  it('makes UUIDv7 ids that are valid, time-prefixed and ordered within a process', () => {
    const ids = Array.from({ length: 5_000 }, () => uuidv7());
    for (const id of ids.slice(0, 50)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const at = Date.UTC(2030, 0, 1);
    expect(parseInt(uuidv7(at).replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(at);
  });

  it('fills id, time and version, and validates', () => {
    const envelope = createEnvelope({
      type: 'order.created',
      source: 'order',
      topic: TOPICS.order,
      subject: 'o-1',
      sequence: 1,
      actor: { userId: 'u-1', role: 'customer' },
      data: { orderId: 'o-1' },
    });
    expect(envelope.version).toBe(1);
    expect(Date.parse(envelope.time)).toBeGreaterThan(Date.now() - 5_000);
    expect(EventEnvelopeSchema.parse(envelope)).toEqual(envelope);
    expect(parseEnvelope(JSON.stringify(envelope))).toEqual({ ok: true, envelope });
    expect(() => createEnvelope({ ...envelope, sequence: -1 })).toThrow(/sequence/);
  });

  it('rejects malformed envelopes with a reason', () => {
    expect(parseEnvelope('not json')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/invalid JSON/),
    });
    const result = parseEnvelope({ id: 'x', type: 'a' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/id: .*; version: /);
  });

  it('lists the catalogue topics', () => {
    expect(Object.values(TOPICS).sort()).toEqual([
      'analytics.api-usage.v1',
      'cart.events.v1',
      'catalog.events.v1',
      'inventory.events.v1',
      'notification.events.v1',
      'order.events.v1',
      'payment.events.v1',
      'user.events.v1',
    ]);
  });
});

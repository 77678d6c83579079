import { describe, expect, it } from 'vitest';
import { checkEvent, contractOf, EVENT_CONTRACTS, isCatalogueTopic, TOPICS } from '../events/index';
import { readmeWithEventCatalogue, readSchemaReadme } from '../src/events-catalogue';

const paid = {
  type: 'payment.captured',
  version: 1,
  topic: TOPICS.payment,
  data: {
    paymentId: 'p-1',
    orderId: 'o-1',
    userId: 'u-1',
    amount: { amountMinor: 5497, currency: 'USD' },
    status: 'CAPTURED',
  },
};

describe('event contracts', () => {
  it('has one contract per type and version, each on a catalogue topic', () => {
    const keys = EVENT_CONTRACTS.map((contract) => `${contract.type}@${contract.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const contract of EVENT_CONTRACTS) {
      expect(isCatalogueTopic(contract.topic), contract.type).toBe(true);
      expect(contractOf(contract.type, contract.version)).toBe(contract);
    }
  });

  it('accepts an event that matches, with fields its contract does not know yet', () => {
    expect(checkEvent(paid)).toEqual({ ok: true, event: paid });
    const extended = { ...paid, data: { ...paid.data, method: 'card' } };
    expect(checkEvent(extended)).toEqual({ ok: true, event: extended });
  });

  it('rejects an unknown type or version, the wrong topic and data that does not match', () => {
    expect(checkEvent({ ...paid, type: 'payment.lost' })).toEqual({
      ok: false,
      reason: 'no contract for payment.lost v1',
    });
    expect(checkEvent({ ...paid, version: 2 })).toEqual({
      ok: false,
      reason: 'no contract for payment.captured v2',
    });
    expect(checkEvent({ ...paid, topic: TOPICS.order })).toEqual({
      ok: false,
      reason: 'payment.captured v1 belongs on payment.events.v1, not order.events.v1',
    });
    const { amount: _amount, ...noAmount } = paid.data;
    expect(checkEvent({ ...paid, data: { ...noAmount, status: 3 } })).toEqual({
      ok: false,
      reason:
        'payment.captured v1: data.amount: Invalid input: expected object, received undefined; data.status: Invalid input: expected string, received number',
    });
    expect(checkEvent({ ...paid, data: null })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^payment\.captured v1: data: /),
    });
  });
});

describe('schema/README.md § Events', () => {
  it('is the catalogue generated from the contracts (`pnpm --filter @shop/schema events:catalogue`)', () => {
    const readme = readSchemaReadme();
    expect(readme).toBe(readmeWithEventCatalogue(readme));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import { admin, customer, record, startHarness, usageEvent, type Harness } from './harness';

const UPDATED = `subscription ($intervalSeconds: Int, $groupBy: UsageGroupBy) {
  apiUsageUpdated(intervalSeconds: $intervalSeconds, groupBy: $groupBy) {
    at from to groupBy
    rows { key requests errors errorRate p50Ms }
  }
}`;

// Snapshots are taken at 12:03:30: they cover the five minute buckets 11:59 … 12:03.
const NOW = new Date('2026-05-01T12:03:30.000Z');
const at = (iso: string) => new Date(`2026-05-01T${iso}.000Z`);
const catalog = (startedAt: Date, durationMs = 40) =>
  usageEvent({
    operationName: 'Catalog',
    clientName: 'web',
    clientVersion: '1.0',
    durationMs,
    startedAt,
  });

type Snapshot = {
  at: string;
  from: string;
  to: string;
  groupBy: string;
  rows: Array<{ key: string; requests: number; errors: number; p50Ms: number }>;
};

describe.each(testDatabaseTargets())('apiUsageUpdated on $name', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(target);
    h.clock.now = NOW;
    await h.publish(
      catalog(at('12:01:10')),
      catalog(at('12:01:20')),
      catalog(at('12:02:00')),
      catalog(at('12:03:05'), 400),
      catalog(at('11:58:59')), // older than the five minute buckets
      usageEvent({
        operationName: 'Checkout',
        operationType: 'mutation',
        clientName: 'ios',
        clientVersion: '2.1',
        durationMs: 300,
        startedAt: at('12:02:30'),
        errorCodes: ['BAD_USER_INPUT'],
      }),
    );
    await h.settle();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sends a snapshot at once, then another after the interval with new counts', async () => {
    const started = Date.now();
    const sub = record<{ apiUsageUpdated: Snapshot }>(h.connect(admin()), UPDATED, {
      intervalSeconds: 1,
    });
    const [first] = await sub.waitFor(1);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(first!.errors).toBeUndefined();
    expect(first!.data!.apiUsageUpdated).toEqual({
      at: NOW.toISOString(),
      from: at('11:59:00').toISOString(),
      to: at('12:04:00').toISOString(),
      groupBy: 'OPERATION',
      rows: [
        { key: 'query Catalog', requests: 4, errors: 0, errorRate: 0, p50Ms: 50 },
        { key: 'mutation Checkout', requests: 1, errors: 1, errorRate: 1, p50Ms: 300 },
      ],
    });

    await h.publish(catalog(at('12:03:10')), catalog(at('12:03:20')));
    await h.settle();
    const afterPublish = sub.results.length;
    const results = await sub.waitFor(afterPublish + 1, 5_000);
    const latest = results[results.length - 1]!.data!.apiUsageUpdated;
    expect(latest.rows[0]).toMatchObject({ key: 'query Catalog', requests: 6 });
    // Ticks are spaced by the interval.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    sub.unsubscribe();
  });

  it('groups snapshots by client or subgraph', async () => {
    const sub = record<{ apiUsageUpdated: Snapshot }>(h.connect(admin()), UPDATED, {
      intervalSeconds: 60,
      groupBy: 'CLIENT',
    });
    const [first] = await sub.waitFor(1);
    expect(first!.data!.apiUsageUpdated.groupBy).toBe('CLIENT');
    expect(
      first!.data!.apiUsageUpdated.rows.map((row) => [row.key, row.requests, row.errors]),
    ).toEqual([
      ['web/1.0', 6, 0],
      ['ios/2.1', 1, 1],
    ]);
    sub.unsubscribe();
  });

  it('refuses customers and invalid intervals', async () => {
    const refused = record(h.connect(customer()), UPDATED, {});
    await refused.ended();
    expect(refused.results[0]!.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.results[0]!.data ?? null).toBeNull();

    for (const intervalSeconds of [0, 61]) {
      const bad = record(h.connect(admin()), UPDATED, { intervalSeconds });
      await bad.ended();
      expect(bad.results[0]!.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import { bucketIndex, exactPercentile } from '../src/index';
import { admin, customer, eventually, startHarness, usageEvent, type Harness } from './harness';

const API_USAGE = `query ($range: TimeRangeInput!, $groupBy: UsageGroupBy!) {
  apiUsage(range: $range, groupBy: $groupBy) {
    key operationName operationType clientName clientVersion subgraph
    samples requests errors errorRate avgMs p50Ms p95Ms p99Ms maxMs
  }
}`;
const OPERATION_STATS = `query ($name: String!, $range: TimeRangeInput!) {
  operationStats(name: $name, range: $range) {
    name from to interval
    totals { key requests errors errorRate p50Ms p95Ms p99Ms }
    series { at requests errors errorRate avgMs p50Ms p95Ms p99Ms }
  }
}`;

const T0 = new Date('2026-03-02T10:00:00.000Z');
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
const MIN = 60_000;
const HOUR = 3_600_000;
const range = (from: Date, to: Date) => ({ from: from.toISOString(), to: to.toISOString() });

/** 30 known durations of `query Catalog` (web/1.0), spanning several histogram buckets. */
const CATALOG_MS = [
  3, 7, 8, 12, 15, 18, 22, 30, 35, 40, 45, 48, 55, 60, 70, 80, 90, 95, 110, 120, 150, 200, 240, 260,
  300, 400, 480, 600, 900, 1500,
];
/** 10 durations of `mutation Checkout` (ios/2.1); events 3 and 7 fail. */
const CHECKOUT_MS = [120, 180, 250, 260, 320, 410, 520, 700, 1200, 3100];
const FAILED = new Set([3, 7]);

const catalogEvents = () =>
  CATALOG_MS.map((durationMs, i) =>
    usageEvent({
      operationName: 'Catalog',
      operationType: 'query',
      clientName: 'web',
      clientVersion: '1.0',
      durationMs,
      startedAt: at(T0, i * 10_000), // minutes 0..4, 6 per minute
      subgraphFetches: [{ subgraph: 'product', durationMs: durationMs / 2, ok: true }],
    }),
  );
const checkoutEvents = () =>
  CHECKOUT_MS.map((durationMs, i) =>
    usageEvent({
      operationName: 'Checkout',
      operationType: 'mutation',
      clientName: 'ios',
      clientVersion: '2.1',
      durationMs,
      startedAt: at(T0, 5 * MIN + i * 20_000),
      errorCodes: FAILED.has(i) ? ['DOWNSTREAM_SERVICE_ERROR'] : [],
      subgraphFetches: [
        { subgraph: 'cart', durationMs: 20, ok: true },
        { subgraph: 'order', durationMs: durationMs / 4, ok: true },
        { subgraph: 'payment', durationMs: durationMs / 2, ok: !FAILED.has(i) },
      ],
    }),
  );

type Row = Record<string, any>;
const byKey = (rows: Row[]) => Object.fromEntries(rows.map((row) => [row.key, row]));

/** Each reported percentile lies in the histogram bucket of the true one. */
function expectPercentiles(row: Row, durations: number[]) {
  const samples = durations.map((durationMs) => ({ durationMs }));
  for (const [field, p] of [
    ['p50Ms', 50],
    ['p95Ms', 95],
    ['p99Ms', 99],
  ] as const) {
    const exact = exactPercentile(samples, p)!;
    expect(row[field], `${row.key} ${field}`).not.toBeNull();
    expect(bucketIndex(row[field]), `${row.key} ${field} vs ${exact}`).toBe(bucketIndex(exact));
  }
  expect(row.maxMs).toBe(Math.max(...durations));
}

describe.each(testDatabaseTargets())('API usage analytics on $name', (target) => {
  let h: Harness;
  const root = admin();
  const usage = async (from: Date, to: Date, groupBy: string) => {
    const result = await h.call<{ apiUsage: Row[] }>(root, API_USAGE, {
      range: range(from, to),
      groupBy,
    });
    expect(result.errors).toBeUndefined();
    return result.data.apiUsage;
  };

  beforeAll(async () => {
    h = await startHarness(target);
    await h.publish(...catalogEvents(), ...checkoutEvents());
    await h.settle();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('rolls up by operation with exact counts, error rates and histogram percentiles', async () => {
    const rows = await usage(T0, at(T0, HOUR), 'OPERATION');
    expect(rows.map((row) => row.key)).toEqual(['query Catalog', 'mutation Checkout']);
    const { 'query Catalog': catalog, 'mutation Checkout': checkout } = byKey(rows);
    expect(catalog).toMatchObject({
      operationName: 'Catalog',
      operationType: 'QUERY',
      clientName: null,
      subgraph: null,
      samples: 30,
      requests: 30,
      errors: 0,
      errorRate: 0,
      avgMs: Math.round((CATALOG_MS.reduce((a, b) => a + b, 0) / 30) * 1000) / 1000,
    });
    expectPercentiles(catalog!, CATALOG_MS);
    expect(checkout).toMatchObject({
      operationName: 'Checkout',
      operationType: 'MUTATION',
      samples: 10,
      requests: 10,
      errors: 2,
      errorRate: 0.2,
      avgMs: CHECKOUT_MS.reduce((a, b) => a + b, 0) / 10,
    });
    expectPercentiles(checkout!, CHECKOUT_MS);
    // Concretely (upper bound of the bucket, capped at the maximum):
    expect([catalog!.p50Ms, catalog!.p95Ms, catalog!.p99Ms]).toEqual([100, 1000, 1500]);
    expect([checkout!.p50Ms, checkout!.p95Ms, checkout!.p99Ms]).toEqual([500, 3100, 3100]);
  });

  it('rolls up by client and by subgraph', async () => {
    const clients = byKey(await usage(T0, at(T0, HOUR), 'CLIENT'));
    expect(Object.keys(clients).sort()).toEqual(['ios/2.1', 'web/1.0']);
    expect(clients['web/1.0']).toMatchObject({
      clientName: 'web',
      clientVersion: '1.0',
      operationName: null,
      requests: 30,
      errors: 0,
    });
    expect(clients['ios/2.1']).toMatchObject({ requests: 10, errors: 2, errorRate: 0.2 });
    expectPercentiles(clients['web/1.0']!, CATALOG_MS);
    expectPercentiles(clients['ios/2.1']!, CHECKOUT_MS);

    const subgraphs = byKey(await usage(T0, at(T0, HOUR), 'SUBGRAPH'));
    expect(Object.keys(subgraphs).sort()).toEqual(['cart', 'order', 'payment', 'product']);
    expect(subgraphs.product).toMatchObject({ subgraph: 'product', requests: 30, errors: 0 });
    expect(subgraphs.cart).toMatchObject({ requests: 10, errors: 0, p50Ms: 20, p99Ms: 20 });
    expect(subgraphs.payment).toMatchObject({ requests: 10, errors: 2, errorRate: 0.2 });
    expectPercentiles(
      subgraphs.product!,
      CATALOG_MS.map((ms) => ms / 2),
    );
    expectPercentiles(
      subgraphs.payment!,
      CHECKOUT_MS.map((ms) => ms / 2),
    );
  });

  it('reads minute buckets for partial hours and hour buckets for whole ones', async () => {
    // Minutes 2..3 only: Catalog events 12..23 (6 per minute).
    const partial = byKey(await usage(at(T0, 2 * MIN), at(T0, 4 * MIN), 'OPERATION'));
    expect(partial['query Catalog']).toMatchObject({ requests: 12 });
    expect(partial['mutation Checkout']).toBeUndefined();
    expectPercentiles(partial['query Catalog']!, CATALOG_MS.slice(12, 24));
    // Half an hour before to half an hour after: a whole hour bucket plus minute edges.
    const wide = byKey(await usage(at(T0, -30 * MIN), at(T0, 90 * MIN), 'OPERATION'));
    expect(wide['query Catalog']).toMatchObject({ requests: 30 });
    expect(wide['mutation Checkout']).toMatchObject({ requests: 10, errors: 2 });
    // A range ending inside the hour sees only the minute buckets before its end.
    const edge = byKey(await usage(at(T0, -30 * MIN), at(T0, 6 * MIN), 'OPERATION'));
    expect(edge['query Catalog']).toMatchObject({ requests: 30 });
    expect(edge['mutation Checkout']).toMatchObject({ requests: 3 });
    expect(await usage(at(T0, HOUR), at(T0, 2 * HOUR), 'OPERATION')).toEqual([]);
  });

  it('serves per-minute and per-hour series of one operation', async () => {
    const minute = await h.call(root, OPERATION_STATS, {
      name: 'Catalog',
      range: range(T0, at(T0, 10 * MIN)),
    });
    expect(minute.errors).toBeUndefined();
    const stats = minute.data.operationStats;
    expect(stats).toMatchObject({
      name: 'Catalog',
      interval: 'MINUTE',
      from: T0.toISOString(),
      totals: { key: 'query Catalog', requests: 30, errors: 0, errorRate: 0 },
    });
    expect(stats.series.map((point: Row) => [point.at, point.requests])).toEqual(
      [0, 1, 2, 3, 4].map((m) => [at(T0, m * MIN).toISOString(), 6]),
    );
    expectPercentiles({ ...stats.series[4], maxMs: 1500 }, CATALOG_MS.slice(24));

    const hourly = await h.call(root, OPERATION_STATS, {
      name: 'Checkout',
      range: range(at(T0, -12 * HOUR), at(T0, 13 * HOUR)),
    });
    expect(hourly.data.operationStats).toMatchObject({
      interval: 'HOUR',
      totals: { requests: 10, errors: 2, errorRate: 0.2 },
      series: [{ at: T0.toISOString(), requests: 10, errors: 2 }],
    });
    const none = await h.call(root, OPERATION_STATS, {
      name: 'Nothing',
      range: range(T0, at(T0, HOUR)),
    });
    expect(none.data.operationStats).toBeNull();
  });

  it('counts a sampled event 1/sampleRate times', async () => {
    const t1 = at(T0, 24 * HOUR);
    await h.publish(
      ...[40, 60, 80, 3000].map((durationMs, i) =>
        usageEvent({
          operationName: 'Search',
          clientName: 'web',
          clientVersion: '1.0',
          durationMs,
          startedAt: at(t1, i * 1000),
          errorCodes: i === 3 ? ['INTERNAL_SERVER_ERROR'] : [],
          sampleRate: 0.5,
        }),
      ),
      usageEvent({
        operationName: 'Search',
        clientName: 'web',
        clientVersion: '1.0',
        durationMs: 50,
        startedAt: at(t1, 5000),
        sampleRate: 1,
      }),
    );
    await h.settle();
    const [row] = await usage(t1, at(t1, HOUR), 'OPERATION');
    expect(row).toMatchObject({
      key: 'query Search',
      samples: 5,
      requests: 9,
      errors: 2,
      errorRate: Math.round((2 / 9) * 1e6) / 1e6,
      avgMs: Math.round(((2 * (40 + 60 + 80 + 3000) + 50) / 9) * 1000) / 1000,
      p50Ms: 100,
      p95Ms: 3000,
    });
  });

  it('counts a duplicate delivery once, and skips malformed usage events', async () => {
    const t2 = at(T0, 48 * HOUR);
    const [envelope] = await h.publish(
      usageEvent({ operationName: 'Dup', durationMs: 5, startedAt: t2 }),
    );
    await h.publishEnvelopes([envelope!]); // the bus sees the same id again
    const bad = usageEvent({ operationName: 'Dup', durationMs: 5, startedAt: t2 });
    await h.publish(
      { ...bad, data: { ...bad.data, sampleRate: 0 } },
      { ...bad, data: { ...bad.data, durationMs: -1 } },
      { ...bad, data: { ...bad.data, operationType: 'fragment' } },
      usageEvent({ operationName: 'Dup', durationMs: 7, startedAt: t2 }),
    );
    await h.settle();
    expect(await usage(t2, at(t2, HOUR), 'OPERATION')).toMatchObject([
      { key: 'query Dup', requests: 2 },
    ]);

    // Redeliver every event (as Kafka may after a rebalance): the idempotent consumer ignores them.
    await h.stop();
    await h.database.query(
      `update events.consumer_offsets set position = 0 where group_id = 'analytics'`,
    );
    await h.restart();
    await h.settle();
    expect(await usage(t2, at(t2, HOUR), 'OPERATION')).toMatchObject([
      { key: 'query Dup', requests: 2 },
    ]);
    expect(byKey(await usage(T0, at(T0, HOUR), 'OPERATION'))['query Catalog']).toMatchObject({
      requests: 30,
    });
  });

  it('counts every event exactly once across a consumer restart mid-stream', async () => {
    const t3 = at(T0, 72 * HOUR);
    const events = Array.from({ length: 40 }, (_, i) =>
      usageEvent({
        operationName: 'Restart',
        clientName: 'web',
        clientVersion: '1.0',
        durationMs: 10 + i,
        startedAt: at(t3, i * 1000),
      }),
    );
    await h.publish(...events.slice(0, 20));
    await eventually(async () => {
      const [row] = await h.database.query<{ samples: number }>(
        `select coalesce(sum(samples), 0)::int as samples from analytics.usage_rollups
         where granularity = 'minute' and dimension = 'operation' and name = 'Restart'`,
      );
      return (row?.samples ?? 0) >= 5 ? true : undefined;
    });
    await h.stop();
    await h.publish(...events.slice(20));
    await h.restart();
    await h.settle();
    const [row] = await usage(t3, at(t3, HOUR), 'OPERATION');
    expect(row).toMatchObject({ key: 'query Restart', samples: 40, requests: 40 });
    expectPercentiles(
      row!,
      events.map((_, i) => 10 + i),
    );
  });

  it('is for admins only', async () => {
    const variables = { range: range(T0, at(T0, HOUR)), groupBy: 'OPERATION' };
    const asCustomer = await h.call(customer(), API_USAGE, variables);
    expect(asCustomer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(asCustomer.data).toEqual({ apiUsage: null });
    const anonymous = await h.call(null, API_USAGE, variables);
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    const stats = await h.call(customer(), OPERATION_STATS, {
      name: 'Catalog',
      range: range(T0, at(T0, HOUR)),
    });
    expect(stats.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('rejects empty, inverted and too long ranges', async () => {
    for (const bad of [
      range(T0, T0),
      range(at(T0, HOUR), T0),
      range(T0, at(T0, 31 * 24 * HOUR + 1)),
    ]) {
      const result = await h.call(root, API_USAGE, { range: bad, groupBy: 'CLIENT' });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    const ok = await h.call(root, API_USAGE, {
      range: range(T0, at(T0, 31 * 24 * HOUR)),
      groupBy: 'CLIENT',
    });
    expect(ok.errors).toBeUndefined();
    const stats = await h.call(root, OPERATION_STATS, { name: 'Catalog', range: range(T0, T0) });
    expect(stats.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@shop/db';
import { testDatabaseTargets } from '@shop/testing';
import { idempotencyMigrationSql, requestHash, runIdempotent } from '../src/index';

describe.each(testDatabaseTargets())('idempotency keys on $name', ({ open }) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ database, cleanup } = await open());
    await database.exec(`create schema demo; ${idempotencyMigrationSql('demo')}`);
  });
  afterAll(async () => cleanup());

  const base = { schema: 'demo', scope: 'user-1' };

  it('should run the work once for 100 concurrent requests and replay the same response', async () => {
    let runs = 0;
    const hash = requestHash({ cartId: 'c1', amount: 100 });
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () =>
        runIdempotent({ ...base, database, key: 'k-concurrent', hash }, async () => {
          runs += 1;
          await new Promise((resolve) => setTimeout(resolve, 50));
          return { orderId: `order-${runs}` };
        }),
      ),
    );
    expect(runs).toBe(1);
    const responses = outcomes.map((o) => (o.ok ? o.response : o.code));
    expect(new Set(responses.map((r) => JSON.stringify(r)))).toEqual(
      new Set([JSON.stringify({ orderId: 'order-1' })]),
    );
    expect(outcomes.filter((o) => o.ok && !o.replay)).toHaveLength(1);
  });

  it('should refuse the same key with a different request', async () => {
    const first = await runIdempotent(
      { ...base, database, key: 'k-reuse', hash: requestHash({ cartId: 'a' }) },
      async () => ({ orderId: 'x' }),
    );
    expect(first).toMatchObject({ ok: true, replay: false });
    const second = await runIdempotent(
      { ...base, database, key: 'k-reuse', hash: requestHash({ cartId: 'b' }) },
      async () => ({ orderId: 'y' }),
    );
    expect(second).toMatchObject({ ok: false, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('should keep keys of different scopes apart', async () => {
    const hash = requestHash({ n: 1 });
    const a = await runIdempotent(
      { ...base, scope: 'a', database, key: 'same', hash },
      async () => 'A',
    );
    const b = await runIdempotent(
      { ...base, scope: 'b', database, key: 'same', hash },
      async () => 'B',
    );
    expect([a, b].map((o) => o.ok && o.response)).toEqual(['A', 'B']);
  });

  it('should release the key when the work fails so a retry runs again', async () => {
    const hash = requestHash({ n: 2 });
    await expect(
      runIdempotent({ ...base, database, key: 'k-fail', hash }, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const retry = await runIdempotent({ ...base, database, key: 'k-fail', hash }, async () => 'ok');
    expect(retry).toEqual({ ok: true, replay: false, response: 'ok' });
  });

  it('should answer OPERATION_IN_PROGRESS when the first execution outlasts the wait', async () => {
    const hash = requestHash({ n: 3 });
    const slow = runIdempotent({ ...base, database, key: 'k-slow', hash }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return 'done';
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const impatient = await runIdempotent(
      { ...base, database, key: 'k-slow', hash, waitMs: 100 },
      async () => 'second',
    );
    expect(impatient).toMatchObject({ ok: false, code: 'OPERATION_IN_PROGRESS' });
    expect(await slow).toEqual({ ok: true, replay: false, response: 'done' });
  });

  it('should hash requests independently of key order', () => {
    expect(requestHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(
      requestHash({ b: [1, { d: 3, c: 2 }], a: 1 }),
    );
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });
});

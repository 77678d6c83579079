import { describe, expect, it } from 'vitest';
import { checkDeliveries, percentile, recoveryMs } from './checkers';

const truth = new Map([
  ['o1', [1, 2, 3]],
  ['o2', [1, 2]],
]);

describe('checkDeliveries', () => {
  it('should pass streams that got every version after their snapshot once and in order', () => {
    const report = checkDeliveries(truth, [
      { subscriber: 's1', orderId: 'o1', versions: [1, 2, 3] },
      { subscriber: 's2', orderId: 'o1', versions: [2, 3] },
      { subscriber: 's3', orderId: 'o2', versions: [1, 2] },
    ]);
    expect(report).toMatchObject({
      expected: 7,
      received: 7,
      missing: 0,
      duplicates: 0,
      outOfOrder: 0,
      defective: 0,
    });
  });

  it('should report a missing version', () => {
    const report = checkDeliveries(truth, [{ subscriber: 's1', orderId: 'o1', versions: [1, 3] }]);
    expect(report.missing).toBe(1);
    expect(report.examples[0]?.missing).toEqual([2]);
  });

  it('should report a stream that got nothing as missing every version', () => {
    const report = checkDeliveries(truth, [{ subscriber: 's1', orderId: 'o2', versions: [] }]);
    expect(report).toMatchObject({ expected: 2, received: 0, missing: 2, defective: 1 });
  });

  it('should report a duplicate', () => {
    const report = checkDeliveries(truth, [
      { subscriber: 's1', orderId: 'o2', versions: [1, 2, 2] },
    ]);
    expect(report).toMatchObject({ duplicates: 1, missing: 0, defective: 1 });
  });

  it('should report a version that arrived out of order', () => {
    const report = checkDeliveries(truth, [
      { subscriber: 's1', orderId: 'o1', versions: [1, 3, 2] },
    ]);
    expect(report).toMatchObject({ outOfOrder: 1, missing: 0, duplicates: 0 });
  });

  it('should report a version the truth does not know', () => {
    const report = checkDeliveries(truth, [
      { subscriber: 's1', orderId: 'o2', versions: [1, 2, 7] },
    ]);
    expect(report.unknown).toBe(1);
  });
});

describe('percentile and recoveryMs', () => {
  it('should take the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBeNaN();
  });

  it('should measure recovery from the first checkout started after the fault that succeeded', () => {
    expect(
      recoveryMs(1_000, [
        { startedAt: 900, endedAt: 1_100, ok: true },
        { startedAt: 1_200, endedAt: 2_000, ok: false },
        { startedAt: 1_500, endedAt: 3_500, ok: true },
        { startedAt: 2_500, endedAt: 3_000, ok: true },
      ]),
    ).toBe(2_000);
    expect(recoveryMs(1_000, [{ startedAt: 900, endedAt: 1_100, ok: true }])).toBeUndefined();
  });
});

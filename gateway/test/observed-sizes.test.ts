import { describe, expect, it } from 'vitest';
import { ObservedListSizes, observeResponseLists, type ResponseListNode } from '../src/limits';

const MINUTE = 60_000;

/** A recorder on a clock the test moves. */
function recorder(options: ConstructorParameters<typeof ObservedListSizes>[0] = {}) {
  const clock = { now: 0 };
  const sizes = new ObservedListSizes({ now: () => clock.now, ...options });
  return { sizes, clock };
}

const recordTimes = (sizes: ObservedListSizes, key: string, length: number, times: number) => {
  for (let i = 0; i < times; i++) sizes.record(key, length);
};

describe('ObservedListSizes', () => {
  it('answers nothing until a field has enough observations, then their maximum', () => {
    const { sizes } = recorder({ minObservations: 20 });
    recordTimes(sizes, 'User.reviews', 2, 18);
    sizes.record('User.reviews', 4);
    expect(sizes.observedSize('User', 'reviews')).toBeUndefined();
    sizes.record('User.reviews', 3);
    expect(sizes.observedSize('User', 'reviews')).toBe(4);
    expect(sizes.observedSize('Product', 'reviews')).toBeUndefined();
  });

  it('never answers below minSize (an empty list still counts its fields once)', () => {
    const { sizes } = recorder({ minObservations: 1 });
    sizes.record('Product.similar', 0);
    expect(sizes.observedSize('Product', 'similar')).toBe(1);
  });

  it('ignores lengths that are not non-negative integers', () => {
    const { sizes } = recorder({ minObservations: 1 });
    sizes.record('A.b', -1);
    sizes.record('A.b', Number.NaN);
    sizes.record('A.b', 2.5);
    expect(sizes.size).toBe(0);
    expect(sizes.observedSize('A', 'b')).toBeUndefined();
  });

  it('keeps a long list for the whole retention, then forgets it window by window', () => {
    const { sizes, clock } = recorder({ windowMs: 10 * MINUTE, windows: 6, minObservations: 5 });
    recordTimes(sizes, 'User.reviews', 9, 5);
    // Later windows only see short lists: the 9 still counts for an hour.
    for (let minute = 10; minute < 60; minute += 10) {
      clock.now = minute * MINUTE;
      recordTimes(sizes, 'User.reviews', 2, 5);
      expect(sizes.observedSize('User', 'reviews')).toBe(9);
    }
    // The first window leaves the retention: the short lists now make the size.
    clock.now = 60 * MINUTE;
    expect(sizes.observedSize('User', 'reviews')).toBe(2);
    // Once nothing is observed for a whole retention, the field falls back to unknown.
    clock.now = 200 * MINUTE;
    expect(sizes.observedSize('User', 'reviews')).toBeUndefined();
  });

  it('cannot be poisoned: many short lists after long ones never lower the size', () => {
    const { sizes } = recorder({ minObservations: 20 });
    recordTimes(sizes, 'Product.reviews', 7, 20);
    // An attacker sends 10,000 queries whose lists are empty (e.g. an unreviewed product).
    recordTimes(sizes, 'Product.reviews', 0, 10_000);
    expect(sizes.observedSize('Product', 'reviews')).toBe(7);
    // …and the first response with a longer list raises it at once, up to the blanket default.
    sizes.record('Product.reviews', 9);
    expect(sizes.observedSize('Product', 'reviews')).toBe(9);
    sizes.record('Product.reviews', 500);
    expect(sizes.observedSize('Product', 'reviews')).toBe(10);
  });

  it('keeps bounded memory: at most maxFields fields, each with a fixed number of windows', () => {
    const { sizes, clock } = recorder({ maxFields: 100, windows: 3, minObservations: 1 });
    for (let i = 0; i < 1_000; i++) sizes.record(`T${i}.list`, 1);
    expect(sizes.size).toBe(100);
    expect(sizes.observedSize('T999', 'list')).toBeUndefined();
    // Hours of observations of one field reuse its slots.
    for (let minute = 0; minute < 600; minute += 1) {
      clock.now = minute * MINUTE;
      sizes.record('T0.list', minute % 5);
    }
    expect(sizes.size).toBe(100);
    expect(sizes.observedSize('T0', 'list')).toBe(4);
  });

  it('changes its version when an answer may change (cache key of the estimates)', () => {
    const { sizes, clock } = recorder({ minObservations: 2 });
    const start = sizes.version;
    sizes.record('A.b', 3);
    expect(sizes.version).toBe(start); // not yet used
    sizes.record('A.b', 3);
    const ready = sizes.version;
    expect(ready).not.toBe(start);
    sizes.record('A.b', 2);
    expect(sizes.version).toBe(ready); // same maximum: estimates stay valid
    sizes.record('A.b', 5);
    expect(sizes.version).not.toBe(ready);
    const raised = sizes.version;
    clock.now = 10 * MINUTE;
    expect(sizes.version).not.toBe(raised); // a new window may forget old maxima
  });
});

describe('observeResponseLists', () => {
  const node = (fields: string[], children: Record<string, ResponseListNode> = {}) => ({
    fields: new Set(fields),
    children: new Map(Object.entries(children)),
  });

  it('records, once per field and response, the longest list of that field', () => {
    const tree = node([], {
      users: node(['Query.users'], {
        reviews: node(['User.reviews'], {
          product: node([], { reviews: node(['Product.reviews']) }),
        }),
      }),
    });
    const data = {
      users: [
        { reviews: [{ product: { reviews: [1, 2] } }] },
        { reviews: [{ product: null }, { product: { reviews: [1, 2, 3, 4] } }, {}] },
        { reviews: null },
      ],
    };
    const recorded: Array<[string, number]> = [];
    observeResponseLists(tree, data, (key, length) => recorded.push([key, length]));
    expect(recorded.sort()).toEqual([
      ['Product.reviews', 4],
      ['Query.users', 3],
      ['User.reviews', 3],
    ]);
  });
});

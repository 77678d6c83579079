/**
 * Pure checkers of the cluster suite: what subscribers received against the truth, and latency
 * percentiles. No I/O, so each defect they must find has a unit test (checkers.test.ts).
 */

/** What one subscriber received for the order it follows, in arrival order. */
export interface ReceivedStream {
  subscriber: string;
  orderId: string;
  /** Versions as they arrived (the first one is the subscription's snapshot). */
  versions: number[];
}

/** Per subscriber: what it missed, got twice, or got out of order. */
export interface StreamDefects {
  subscriber: string;
  orderId: string;
  missing: number[];
  duplicates: number[];
  outOfOrder: number[];
  /** Versions the truth does not know (a bug in the harness or a phantom event). */
  unknown: number[];
}

export interface DeliveryReport {
  subscribers: number;
  /** Version changes the subscribers should have seen (after each one's snapshot). */
  expected: number;
  /** Distinct expected versions they got. */
  received: number;
  missing: number;
  duplicates: number;
  outOfOrder: number;
  unknown: number;
  /** Streams (subscriber × order) with at least one defect (at most 10 listed in `examples`). */
  defective: number;
  examples: StreamDefects[];
}

/**
 * Compares each subscriber's stream with the truth: `truth` maps an order id to the versions it
 * went through, ascending (version 1 = placed, one more per status change). A subscriber's first
 * message is the snapshot of the version current when it subscribed; from there on it must
 * receive every later version of the truth exactly once and in ascending order. A stream with no
 * message at all misses every version of its order.
 */
export function checkDeliveries(
  truth: ReadonlyMap<string, readonly number[]>,
  streams: readonly ReceivedStream[],
): DeliveryReport {
  const report: DeliveryReport = {
    subscribers: streams.length,
    expected: 0,
    received: 0,
    missing: 0,
    duplicates: 0,
    outOfOrder: 0,
    unknown: 0,
    defective: 0,
    examples: [],
  };
  for (const stream of streams) {
    const versions = truth.get(stream.orderId) ?? [];
    const known = new Set(versions);
    const start = stream.versions[0] ?? versions[0] ?? 1;
    const expected = versions.filter((version) => version >= start);
    const seen = new Set<number>();
    const defects: StreamDefects = {
      subscriber: stream.subscriber,
      orderId: stream.orderId,
      missing: [],
      duplicates: [],
      outOfOrder: [],
      unknown: [],
    };
    let highest = -Infinity;
    for (const version of stream.versions) {
      if (!known.has(version)) defects.unknown.push(version);
      if (seen.has(version)) defects.duplicates.push(version);
      else if (version < highest) defects.outOfOrder.push(version);
      seen.add(version);
      highest = Math.max(highest, version);
    }
    defects.missing = expected.filter((version) => !seen.has(version));
    report.expected += expected.length;
    report.received += expected.length - defects.missing.length;
    report.missing += defects.missing.length;
    report.duplicates += defects.duplicates.length;
    report.outOfOrder += defects.outOfOrder.length;
    report.unknown += defects.unknown.length;
    const bad =
      defects.missing.length +
      defects.duplicates.length +
      defects.outOfOrder.length +
      defects.unknown.length;
    if (bad > 0) {
      report.defective += 1;
      if (report.examples.length < 10) report.examples.push(defects);
    }
  }
  return report;
}

/** The `p`-th percentile (0..100, nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * Recovery after a fault at `faultAt`: the time until the first checkout that started after the
 * fault succeeded; undefined when none did.
 */
export function recoveryMs(
  faultAt: number,
  checkouts: ReadonlyArray<{ startedAt: number; endedAt: number; ok: boolean }>,
): number | undefined {
  let first: number | undefined;
  for (const checkout of checkouts) {
    if (!checkout.ok || checkout.startedAt < faultAt) continue;
    if (first === undefined || checkout.endedAt < first) first = checkout.endedAt;
  }
  return first === undefined ? undefined : first - faultAt;
}

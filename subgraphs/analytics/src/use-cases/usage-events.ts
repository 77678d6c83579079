import { bucketIndex } from '../histogram';
import { floorTo, HOUR_MS, MINUTE_MS } from '../model';
import type { Dimension, UsageWrite } from '../ports';

/*
 * The usage event (analytics.api-usage.v1, type graphql.operation.completed, source gateway):
 * its validation and the rollup rows it adds to.
 */

export const USAGE_EVENT_TYPE = 'graphql.operation.completed';

export type OperationType = 'query' | 'mutation' | 'subscription';

/** `data` of a `graphql.operation.completed` event as the gateway publishes it. */
export interface UsageEventData {
  operationName: string | null;
  operationType: OperationType;
  clientName: string | null;
  clientVersion: string | null;
  durationMs: number;
  /** ISO timestamp of when the operation started; its minute/hour (UTC) is the bucket. */
  startedAt: string;
  subgraphFetches: Array<{ subgraph: string; durationMs: number; ok: boolean }>;
  errorCodes: string[];
  cost: number;
  cacheHit: boolean;
  /** 0 < r <= 1: each event stands for 1/r operations. */
  sampleRate: number;
}

const OPERATION_TYPES = new Set<string>(['query', 'mutation', 'subscription']);

const isDuration = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

export const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null;

/** Validates a usage event's data; a reason string when it cannot be counted. */
export function parseUsageEvent(
  data: unknown,
): { ok: true; event: UsageEventData & { started: Date } } | { ok: false; reason: string } {
  if (!data || typeof data !== 'object') return { ok: false, reason: 'data is not an object' };
  const d = data as Record<string, unknown>;
  if (typeof d.operationType !== 'string' || !OPERATION_TYPES.has(d.operationType)) {
    return { ok: false, reason: `invalid operationType ${String(d.operationType)}` };
  }
  if (!isDuration(d.durationMs)) return { ok: false, reason: 'invalid durationMs' };
  const sampleRate = d.sampleRate === undefined ? 1 : d.sampleRate;
  if (typeof sampleRate !== 'number' || !(sampleRate > 0 && sampleRate <= 1)) {
    return { ok: false, reason: `invalid sampleRate ${String(d.sampleRate)}` };
  }
  const started = typeof d.startedAt === 'string' ? new Date(d.startedAt) : new Date(NaN);
  if (Number.isNaN(started.getTime())) return { ok: false, reason: 'invalid startedAt' };
  const fetches = Array.isArray(d.subgraphFetches) ? d.subgraphFetches : [];
  const subgraphFetches: UsageEventData['subgraphFetches'] = [];
  for (const fetch of fetches) {
    const f = (fetch ?? {}) as Record<string, unknown>;
    const subgraph = text(f.subgraph);
    if (!subgraph || !isDuration(f.durationMs)) continue;
    subgraphFetches.push({ subgraph, durationMs: f.durationMs, ok: f.ok !== false });
  }
  const errorCodes = Array.isArray(d.errorCodes)
    ? d.errorCodes.filter((code): code is string => typeof code === 'string')
    : [];
  return {
    ok: true,
    event: {
      operationName: text(d.operationName),
      operationType: d.operationType as OperationType,
      clientName: text(d.clientName),
      clientVersion: text(d.clientVersion),
      durationMs: d.durationMs,
      startedAt: d.startedAt as string,
      started,
      subgraphFetches,
      errorCodes,
      cost: typeof d.cost === 'number' ? d.cost : 0,
      cacheHit: d.cacheHit === true,
      sampleRate,
    },
  };
}

/** 1/sampleRate as an exact decimal string (rounded to 9 decimals; "1" when sampleRate = 1). */
export function weightOf(sampleRate: number): string {
  if (sampleRate === 1) return '1';
  return (1 / sampleRate).toFixed(9).replace(/\.?0+$/, '');
}

/** The rollup contributions of one usage event: 3+ keys × minute and hour buckets. */
export function usageWrites(event: UsageEventData & { started: Date }): UsageWrite[] {
  const weight = weightOf(event.sampleRate);
  const failed = event.errorCodes.length > 0;
  type Part = Omit<UsageWrite, 'granularity' | 'bucketStart' | 'weight' | 'buckets'> & {
    buckets: Map<number, number>;
  };
  const parts = new Map<string, Part>();
  const add = (
    dimension: Dimension,
    key: { name: string; detail: string },
    durationMs: number,
    error: boolean,
  ) => {
    const id = `${dimension}\u0000${key.name}\u0000${key.detail}`;
    let part = parts.get(id);
    if (!part) {
      part = {
        dimension,
        ...key,
        samples: 0,
        errorSamples: 0,
        durationSumMs: 0,
        durationMaxMs: 0,
        buckets: new Map(),
      };
      parts.set(id, part);
    }
    part.samples += 1;
    part.errorSamples += error ? 1 : 0;
    part.durationSumMs += durationMs;
    part.durationMaxMs = Math.max(part.durationMaxMs, durationMs);
    const index = bucketIndex(durationMs);
    part.buckets.set(index, (part.buckets.get(index) ?? 0) + 1);
  };
  add(
    'operation',
    { name: event.operationName ?? '', detail: event.operationType },
    event.durationMs,
    failed,
  );
  add(
    'client',
    { name: event.clientName ?? '', detail: event.clientVersion ?? '' },
    event.durationMs,
    failed,
  );
  for (const fetch of event.subgraphFetches) {
    add('subgraph', { name: fetch.subgraph, detail: '' }, fetch.durationMs, !fetch.ok);
  }
  const writes: UsageWrite[] = [];
  for (const [granularity, step] of [
    ['minute', MINUTE_MS],
    ['hour', HOUR_MS],
  ] as const) {
    const bucketStart = floorTo(event.started, step);
    for (const part of parts.values()) {
      writes.push({
        ...part,
        granularity,
        bucketStart,
        weight,
        buckets: [...part.buckets.entries()],
      });
    }
  }
  return writes;
}

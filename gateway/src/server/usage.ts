import type { SubscriptionEndInfo } from '../subscriptions/engine';
import { UsageReporter } from '../usage';
import type { GatewayUsageOptions } from './options';

/** The usage reporter of the `usage` option; undefined without it. */
export function usageReporter(options: GatewayUsageOptions | undefined): UsageReporter | undefined {
  if (!options) return undefined;
  return new UsageReporter({
    bus: options.bus,
    ...(options.sampleRate !== undefined ? { sampleRate: options.sampleRate } : {}),
    ...(options.bufferSize ? { bufferSize: options.bufferSize } : {}),
    ...(options.flushIntervalMs ? { flushIntervalMs: options.flushIntervalMs } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
}

/** One usage event per subscription, when it ends (its duration is its lifetime). */
export const recordSubscriptionEnd =
  (usage: UsageReporter | undefined) =>
  (info: SubscriptionEndInfo): void => {
    if (!usage?.sample()) return;
    usage.record({
      operationName: info.operationName,
      operationType: 'subscription',
      clientName: null,
      clientVersion: null,
      durationMs: info.durationMs,
      startedAt: info.startedAt.toISOString(),
      subgraphFetches: [],
      errorCodes: [],
      cost: 0,
      cacheHit: false,
      sampleRate: usage.sampleRate,
    });
  };

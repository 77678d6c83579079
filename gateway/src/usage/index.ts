export { estimateCost, DEFAULT_LIST_SIZE, type CostOptions } from './cost';
export { cachedCostEstimator, usagePlugin, type UsageContext } from './plugin';
export {
  API_USAGE_EVENT_TYPE,
  toEnvelope,
  UsageReporter,
  type ApiUsageEventData,
  type SubgraphFetch,
  type UsageReporterOptions,
  type UsageStats,
} from './reporter';

import type { DbTransaction } from '@shop/events';
import type { Logger, ProjectionStore, SalesStore, UsageStore } from './ports';
import { createEventProjection } from './use-cases/project-events';
import { createSales } from './use-cases/sales';
import { createUsage } from './use-cases/usage';

export type { Logger } from './ports';
export type { UsageGroupBy } from './model';
export {
  parseUsageEvent,
  USAGE_EVENT_TYPE,
  weightOf,
  type OperationType,
  type UsageEventData,
} from './use-cases/usage-events';

export interface AnalyticsServiceDeps {
  /** Queries on the database (reads). */
  reads: UsageStore & SalesStore;
  /** Queries bound to a consumer transaction. */
  queriesOf(tx: DbTransaction): ProjectionStore;
  /** The current time (snapshots of `apiUsageUpdated`). */
  clock: () => Date;
  logger?: Logger;
}

/**
 * The analytics domain, composed of its use cases (`use-cases/`): projecting usage and business
 * events into rollups (`project-events.ts`) and reading them (`usage.ts`, `sales.ts`).
 */
export function createAnalyticsService(deps: AnalyticsServiceDeps) {
  return {
    ...createEventProjection({
      queriesOf: deps.queriesOf,
      ...(deps.logger ? { logger: deps.logger } : {}),
    }),
    ...createUsage({ reads: deps.reads, clock: deps.clock }),
    ...createSales({ reads: deps.reads }),
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;

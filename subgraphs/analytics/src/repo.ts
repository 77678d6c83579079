import type { Db } from '@shop/db';
import type { DbTransaction } from '@shop/events';
import type { ProjectionStore, SalesStore, UsageStore } from './ports';
import { createSalesQueries } from './sales-queries';
import { createUsageQueries } from './usage-queries';

/** A drizzle handle: the database or a transaction. */
export type Executor = Db | DbTransaction;

/** Every query of the analytics subgraph, bound to one handle. */
export function createAnalyticsQueries(db: Executor): UsageStore & SalesStore & ProjectionStore {
  return { ...createUsageQueries(db), ...createSalesQueries(db) };
}

import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import {
  badUserInput,
  DateTimeScalar,
  MinorUnitsScalar,
  requireRole,
  type BaseSubgraphContext,
} from '@shop/subgraph';
import type {
  AnalyticsService,
  ApiUsageSnapshotView,
  OperationStatsView,
  Result,
  SalesSummaryView,
  TimeRange,
  TopProductView,
  UsageGroupBy,
  UsageRowView,
} from './service';

export interface AnalyticsContext extends BaseSubgraphContext {
  service: AnalyticsService;
}

/** Throws BAD_USER_INPUT for a failed result, else returns it. */
function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw badUserInput(result.message, result.field ? { field: result.field } : {});
  return result;
}

const admin = (context: AnalyticsContext) => requireRole(context, 'ADMIN');

export const resolvers: GraphQLResolverMap<AnalyticsContext> = {
  DateTime: DateTimeScalar,
  MinorUnits: MinorUnitsScalar,

  Query: {
    apiUsage: async (
      _parent,
      args: { range: TimeRange; groupBy: UsageGroupBy },
      context: AnalyticsContext,
    ) => {
      admin(context);
      return unwrap(await context.service.apiUsage(args.range, args.groupBy)).rows;
    },
    operationStats: async (
      _parent,
      args: { name: string; range: TimeRange },
      context: AnalyticsContext,
    ) => {
      admin(context);
      return unwrap(await context.service.operationStats(args.name, args.range)).stats;
    },
    salesSummary: async (_parent, args: { range: TimeRange }, context: AnalyticsContext) => {
      admin(context);
      return unwrap(await context.service.salesSummary(args.range)).summary;
    },
    topProducts: async (
      _parent,
      args: { range: TimeRange; limit: number; orderBy: 'UNITS' | 'REVENUE' },
      context: AnalyticsContext,
    ) => {
      admin(context);
      return unwrap(await context.service.topProducts(args.range, args.limit, args.orderBy))
        .products;
    },
  },

  Subscription: {
    apiUsageUpdated: {
      subscribe: (
        _parent: unknown,
        args: { intervalSeconds: number; groupBy: UsageGroupBy },
        context: AnalyticsContext,
      ) => {
        admin(context);
        return unwrap(context.service.usageStream(args.intervalSeconds, args.groupBy)).stream;
      },
      resolve: (snapshot: ApiUsageSnapshotView) => snapshot,
    },
  },

  UsageRow: {
    operationName: (row: UsageRowView) =>
      row.groupBy === 'OPERATION' && row.name ? row.name : null,
    operationType: (row: UsageRowView) =>
      row.groupBy === 'OPERATION' && !row.detail.includes('|') ? row.detail.toUpperCase() : null,
    clientName: (row: UsageRowView) => (row.groupBy === 'CLIENT' && row.name ? row.name : null),
    clientVersion: (row: UsageRowView) =>
      row.groupBy === 'CLIENT' && row.detail ? row.detail : null,
    subgraph: (row: UsageRowView) => (row.groupBy === 'SUBGRAPH' ? row.name : null),
  },

  OperationStats: {
    from: (stats: OperationStatsView) => stats.range.from,
    to: (stats: OperationStatsView) => stats.range.to,
  },

  SalesSummary: {
    from: (summary: SalesSummaryView) => summary.range.from,
    to: (summary: SalesSummaryView) => summary.range.to,
  },

  TopProduct: {
    product: (row: TopProductView) => ({ id: row.productId }),
  },
};

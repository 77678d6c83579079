import {
  badUserInput,
  DateTimeScalar,
  MinorUnitsScalar,
  requireRole,
  type BaseSubgraphContext,
} from '@shop/subgraph';
import type { Resolvers, UsageOperationType } from './generated/resolvers-types';
import type { ApiUsageSnapshotView, Result } from './model';
import type { AnalyticsService } from './service';

export interface AnalyticsContext extends BaseSubgraphContext {
  service: AnalyticsService;
}

/** Throws BAD_USER_INPUT for a failed result, else returns it. */
function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw badUserInput(result.message, result.field ? { field: result.field } : {});
  return result;
}

const admin = (context: AnalyticsContext) => requireRole(context, 'ADMIN');

/** `UsageOperationType` of a stored (lower-case) operation type. */
const OPERATION_TYPES = new Map<string, UsageOperationType>([
  ['query', 'QUERY'],
  ['mutation', 'MUTATION'],
  ['subscription', 'SUBSCRIPTION'],
]);

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  MinorUnits: MinorUnitsScalar,

  Query: {
    apiUsage: async (_parent, args, context) => {
      admin(context);
      return unwrap(await context.service.apiUsage(args.range, args.groupBy)).rows;
    },
    operationStats: async (_parent, args, context) => {
      admin(context);
      return unwrap(await context.service.operationStats(args.name, args.range)).stats;
    },
    salesSummary: async (_parent, args, context) => {
      admin(context);
      return unwrap(await context.service.salesSummary(args.range)).summary;
    },
    topProducts: async (_parent, args, context) => {
      admin(context);
      return unwrap(await context.service.topProducts(args.range, args.limit, args.orderBy))
        .products;
    },
  },

  Subscription: {
    apiUsageUpdated: {
      subscribe: (_parent, args, context) => {
        admin(context);
        return unwrap(context.service.usageStream(args.intervalSeconds, args.groupBy)).stream;
      },
      resolve: (snapshot: ApiUsageSnapshotView) => snapshot,
    },
  },

  UsageRow: {
    operationName: (row) => (row.groupBy === 'OPERATION' && row.name ? row.name : null),
    // `detail` is the stored operation type; several merged ones (`query|mutation`) give null.
    operationType: (row) =>
      row.groupBy === 'OPERATION' ? (OPERATION_TYPES.get(row.detail) ?? null) : null,
    clientName: (row) => (row.groupBy === 'CLIENT' && row.name ? row.name : null),
    clientVersion: (row) => (row.groupBy === 'CLIENT' && row.detail ? row.detail : null),
    subgraph: (row) => (row.groupBy === 'SUBGRAPH' ? row.name : null),
  },

  OperationStats: {
    from: (stats) => stats.range.from,
    to: (stats) => stats.range.to,
  },

  SalesSummary: {
    from: (summary) => summary.range.from,
    to: (summary) => summary.range.to,
  },

  TopProduct: {
    product: (row) => ({ id: row.productId }),
  },
};

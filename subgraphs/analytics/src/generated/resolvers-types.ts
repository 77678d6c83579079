import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type {
  UsageRowView,
  OperationStatsView,
  SalesSummaryView,
  TopProductView,
  ApiUsageSnapshotView,
} from '../model';
import type { AnalyticsContext } from '../resolvers';
export type Maybe<T> = T | null | undefined;
export type InputMaybe<T> = T | null | undefined;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string };
  String: { input: string; output: string };
  Boolean: { input: boolean; output: boolean };
  Int: { input: number; output: number };
  Float: { input: number; output: number };
  /** An ISO-8601 timestamp in UTC, e.g. 2026-01-31T12:00:00.000Z. */
  DateTime: { input: Date; output: Date | string };
  /** An amount in minor currency units (e.g. cents), a safe integer. */
  MinorUnits: { input: number; output: number };
  _FieldSet: { input: unknown; output: unknown };
};

/** The API usage rollup of the last five minute buckets (the current minute included). */
export type ApiUsageSnapshot = {
  __typename?: 'ApiUsageSnapshot';
  /** When the snapshot was taken. */
  at: Scalars['DateTime']['output'];
  /** Start of the first minute bucket included. */
  from: Scalars['DateTime']['output'];
  /** How `rows` are grouped. */
  groupBy: UsageGroupBy;
  /** Usage rows, busiest first. */
  rows: Array<UsageRow>;
  /** End of the current minute bucket. */
  to: Scalars['DateTime']['output'];
};

/** An amount of money in integer minor units plus its currency. */
export type Money = {
  __typename?: 'Money';
  /** Amount in minor units of the currency (e.g. cents); never a float. */
  amount: Scalars['MinorUnits']['output'];
  /** ISO 4217 currency code, e.g. USD. */
  currencyCode: Scalars['String']['output'];
};

/** Usage of one operation name (all operation types with that name) over a range. */
export type OperationStats = {
  __typename?: 'OperationStats';
  /** Start of the range (inclusive). */
  from: Scalars['DateTime']['output'];
  /** Resolution of `series`: MINUTE for ranges up to 24 hours, HOUR beyond. */
  interval: UsageInterval;
  /** The operation name asked for. */
  name: Scalars['String']['output'];
  /** One point per minute or hour with requests, oldest first; intervals without requests are omitted. */
  series: Array<OperationStatsPoint>;
  /** End of the range (exclusive). */
  to: Scalars['DateTime']['output'];
  /** Totals over the whole range. */
  totals: UsageRow;
};

/** One point of an operation's usage series. */
export type OperationStatsPoint = {
  __typename?: 'OperationStatsPoint';
  /** Start of the minute or hour (UTC) this point covers. */
  at: Scalars['DateTime']['output'];
  /** Weighted mean duration in milliseconds. */
  avgMs?: Maybe<Scalars['Float']['output']>;
  /** errors / requests. */
  errorRate: Scalars['Float']['output'];
  /** Estimated failed requests in this interval. */
  errors: Scalars['Float']['output'];
  /** Median duration in milliseconds (histogram estimate). */
  p50Ms?: Maybe<Scalars['Float']['output']>;
  /** 95th percentile duration in milliseconds (histogram estimate). */
  p95Ms?: Maybe<Scalars['Float']['output']>;
  /** 99th percentile duration in milliseconds (histogram estimate). */
  p99Ms?: Maybe<Scalars['Float']['output']>;
  /** Estimated requests in this interval. */
  requests: Scalars['Float']['output'];
};

/** A catalog product. Owned by the product subgraph; the gateway resolves its other fields there. */
export type Product = {
  __typename?: 'Product';
  /** Stable identifier. */
  id: Scalars['ID']['output'];
};

export type Query = {
  __typename?: 'Query';
  /**
   * API usage over a range, grouped by operation, client or subgraph, busiest first. Admin only.
   * Null (with an error) when the analytics service cannot answer.
   */
  apiUsage?: Maybe<Array<UsageRow>>;
  /** Totals and a series of one operation name over a range; null when it had no requests. Admin only. */
  operationStats?: Maybe<OperationStats>;
  /**
   * Orders, revenue, payments and cart conversion over a range. Admin only. Null (with an error)
   * when the analytics service cannot answer.
   */
  salesSummary?: Maybe<SalesSummary>;
  /**
   * Best-selling products over a range. Admin only. Null (with an error) when the analytics
   * service cannot answer.
   */
  topProducts?: Maybe<Array<TopProduct>>;
};

export type QueryApiUsageArgs = {
  groupBy: UsageGroupBy;
  range: TimeRangeInput;
};

export type QueryOperationStatsArgs = {
  name: Scalars['String']['input'];
  range: TimeRangeInput;
};

export type QuerySalesSummaryArgs = {
  range: TimeRangeInput;
};

export type QueryTopProductsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<TopProductOrder>;
  range: TimeRangeInput;
};

/** Orders placed in one hour (UTC). */
export type SalesHour = {
  __typename?: 'SalesHour';
  /** Start of the hour. */
  hour: Scalars['DateTime']['output'];
  /** Orders created in this hour. */
  orders: Scalars['Int']['output'];
  /** Orders created in this hour that reached PAYMENT_AUTHORIZED or PAID. */
  placedOrders: Scalars['Int']['output'];
  /** Gross placed revenue of those orders, per currency. */
  revenue: Array<Money>;
};

/** Business figures over a range. Orders are attributed to the time they were created. */
export type SalesSummary = {
  __typename?: 'SalesSummary';
  /** Orders created in the range that were later cancelled or expired. */
  cancelledOrders: Scalars['Int']['output'];
  /** Payments captured in the range (payment.captured amounts), per currency. */
  captured: Array<Money>;
  /** Carts created in the range that have been converted into an order (cart.converted). */
  cartsConverted: Scalars['Int']['output'];
  /** Carts created in the range (cart.created). */
  cartsCreated: Scalars['Int']['output'];
  /** cartsConverted / cartsCreated; null when no cart was created. */
  conversionRate?: Maybe<Scalars['Float']['output']>;
  /** Start of the range (inclusive). */
  from: Scalars['DateTime']['output'];
  /** Orders per hour, oldest first; hours without orders are omitted. */
  hourly: Array<SalesHour>;
  /** Orders created in the range (order.created). */
  orders: Scalars['Int']['output'];
  /** Orders created in the range that reached PAYMENT_AUTHORIZED or PAID (at any time so far). */
  placedOrders: Scalars['Int']['output'];
  /** Payments refunded in the range (payment.refunded amounts), per currency. */
  refunded: Array<Money>;
  /**
   * Gross placed revenue: Σ order totals of `placedOrders`, per currency (later cancellations and
   * refunds are not subtracted).
   */
  revenue: Array<Money>;
  /** End of the range (exclusive). */
  to: Scalars['DateTime']['output'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /**
   * The usage rollup of the last five minutes, the first one at once and then every
   * `intervalSeconds`. Admin only.
   */
  apiUsageUpdated?: Maybe<ApiUsageSnapshot>;
};

export type SubscriptionApiUsageUpdatedArgs = {
  groupBy?: InputMaybe<UsageGroupBy>;
  intervalSeconds?: InputMaybe<Scalars['Int']['input']>;
};

/** A half-open time range [from, to), at most 31 days long. */
export type TimeRangeInput = {
  /** Start of the range (inclusive). */
  from: Scalars['DateTime']['input'];
  /** End of the range (exclusive); must be after `from`. */
  to: Scalars['DateTime']['input'];
};

/** A product's sales in one currency over a range (lines of placed orders created in the range). */
export type TopProduct = {
  __typename?: 'TopProduct';
  /** Placed orders containing the product. */
  orders: Scalars['Int']['output'];
  /**
   * The product itself, resolved by the product subgraph; null when that service is unavailable
   * (`productId` and `productName` are still returned).
   */
  product?: Maybe<Product>;
  /** The product's id. */
  productId: Scalars['ID']['output'];
  /** The product's name as of its most recent order. */
  productName: Scalars['String']['output'];
  /** Revenue: Σ quantity × unit price, in the lines' currency. */
  revenue: Money;
  /** Units sold. */
  units: Scalars['Int']['output'];
};

/** How top products are ranked. */
export type TopProductOrder =
  /** By revenue (in the product's currency), then units. */
  | 'REVENUE'
  /** By units sold, then revenue. */
  | 'UNITS';

/** How API usage rows are grouped. */
export type UsageGroupBy =
  /** One row per client name and version (key `web/1.0`; unnamed clients: `(unknown)`). */
  | 'CLIENT'
  /** One row per operation name and type (key `query Catalog`; anonymous operations: `(anonymous)`). */
  | 'OPERATION'
  /** One row per subgraph the gateway fetched from (key = subgraph name); counts are fetches. */
  | 'SUBGRAPH';

/** Resolution of a usage series. */
export type UsageInterval =
  /** One point per hour (UTC). */
  | 'HOUR'
  /** One point per minute (UTC). */
  | 'MINUTE';

/** The type of a GraphQL operation. */
export type UsageOperationType =
  /** A mutation. */
  | 'MUTATION'
  /** A query. */
  | 'QUERY'
  /** A subscription. */
  | 'SUBSCRIPTION';

/**
 * Aggregated API usage of one key. Requests are estimated operations: every sampled event counts
 * 1/sampleRate. Percentiles come from a fixed-bound latency histogram (bounds 1, 2, 5, 10, 25,
 * 50, 100, 250, 500, 1000, 2500, 5000, 10000 ms, +Inf): the reported value is the upper bound of
 * the bucket holding the nearest-rank percentile, capped at the largest duration seen.
 */
export type UsageRow = {
  __typename?: 'UsageRow';
  /** Weighted mean duration in milliseconds. */
  avgMs?: Maybe<Scalars['Float']['output']>;
  /** Client name (CLIENT rows; null when the client did not say or for other groupings). */
  clientName?: Maybe<Scalars['String']['output']>;
  /** Client version (CLIENT rows; null when the client did not say or for other groupings). */
  clientVersion?: Maybe<Scalars['String']['output']>;
  /** errors / requests (0 when there were no requests). */
  errorRate: Scalars['Float']['output'];
  /**
   * Estimated requests that failed: operations with at least one error code (failed fetches for
   * SUBGRAPH rows), weighted like `requests`.
   */
  errors: Scalars['Float']['output'];
  /** The group key: `<type> <operationName>`, `<client>/<version>` or the subgraph name. */
  key: Scalars['String']['output'];
  /** Largest duration seen, in milliseconds. */
  maxMs?: Maybe<Scalars['Float']['output']>;
  /** Operation name (OPERATION rows; null for anonymous operations and other groupings). */
  operationName?: Maybe<Scalars['String']['output']>;
  /** Operation type (OPERATION rows only; null for operationStats totals mixing several types). */
  operationType?: Maybe<UsageOperationType>;
  /** Median duration in milliseconds (histogram estimate, see the type description). */
  p50Ms?: Maybe<Scalars['Float']['output']>;
  /** 95th percentile duration in milliseconds (histogram estimate). */
  p95Ms?: Maybe<Scalars['Float']['output']>;
  /** 99th percentile duration in milliseconds (histogram estimate). */
  p99Ms?: Maybe<Scalars['Float']['output']>;
  /** Estimated requests: Σ 1/sampleRate over the events (subgraph fetches for SUBGRAPH rows). */
  requests: Scalars['Float']['output'];
  /** Usage events received (unweighted). */
  samples: Scalars['Int']['output'];
  /** Subgraph name (SUBGRAPH rows only). */
  subgraph?: Maybe<Scalars['String']['output']>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<
  TResult,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> =
  | ResolverFn<TResult, TParent, TContext, TArgs>
  | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<
  TResult,
  TKey extends string,
  TParent,
  TContext,
  TArgs,
> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<
  TResult,
  TKey extends string,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<
  TTypes,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo,
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<
  T = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<
  TResult = Record<PropertyKey, never>,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => TResult | Promise<TResult>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  ApiUsageSnapshot: ResolverTypeWrapper<ApiUsageSnapshotView>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  MinorUnits: ResolverTypeWrapper<Scalars['MinorUnits']['output']>;
  Money: ResolverTypeWrapper<Money>;
  OperationStats: ResolverTypeWrapper<OperationStatsView>;
  OperationStatsPoint: ResolverTypeWrapper<OperationStatsPoint>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Product: ResolverTypeWrapper<Product>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  SalesHour: ResolverTypeWrapper<SalesHour>;
  SalesSummary: ResolverTypeWrapper<SalesSummaryView>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  TimeRangeInput: TimeRangeInput;
  TopProduct: ResolverTypeWrapper<TopProductView>;
  TopProductOrder: TopProductOrder;
  UsageGroupBy: UsageGroupBy;
  UsageInterval: UsageInterval;
  UsageOperationType: UsageOperationType;
  UsageRow: ResolverTypeWrapper<UsageRowView>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  ApiUsageSnapshot: ApiUsageSnapshotView;
  DateTime: Scalars['DateTime']['output'];
  MinorUnits: Scalars['MinorUnits']['output'];
  Money: Money;
  OperationStats: OperationStatsView;
  OperationStatsPoint: OperationStatsPoint;
  Float: Scalars['Float']['output'];
  Product: Product;
  ID: Scalars['ID']['output'];
  Query: Record<PropertyKey, never>;
  Int: Scalars['Int']['output'];
  SalesHour: SalesHour;
  SalesSummary: SalesSummaryView;
  Subscription: Record<PropertyKey, never>;
  TimeRangeInput: TimeRangeInput;
  TopProduct: TopProductView;
  UsageRow: UsageRowView;
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
}>;

export type AuthDirectiveArgs = {
  requires?: Array<Scalars['String']['input']>;
};

export type AuthDirectiveResolver<
  Result,
  Parent,
  ContextType = AnalyticsContext,
  Args = AuthDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ApiUsageSnapshotResolvers<
  ContextType = AnalyticsContext,
  ParentType extends ResolversParentTypes['ApiUsageSnapshot'] =
    ResolversParentTypes['ApiUsageSnapshot'],
> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  from?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  groupBy?: Resolver<ResolversTypes['UsageGroupBy'], ParentType, ContextType>;
  rows?: Resolver<Array<ResolversTypes['UsageRow']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<
  ResolversTypes['DateTime'],
  any
> {
  name: 'DateTime';
}

export interface MinorUnitsScalarConfig extends GraphQLScalarTypeConfig<
  ResolversTypes['MinorUnits'],
  any
> {
  name: 'MinorUnits';
}

export type MoneyResolvers<
  ContextType = AnalyticsContext,
  ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money'],
> = ResolversObject<{
  amount?: Resolver<ResolversTypes['MinorUnits'], ParentType, ContextType>;
  currencyCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type OperationStatsResolvers<
  ContextType = AnalyticsContext,
  ParentType extends ResolversParentTypes['OperationStats'] =
    ResolversParentTypes['OperationStats'],
> = ResolversObject<{
  from?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  interval?: Resolver<ResolversTypes['UsageInterval'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  series?: Resolver<Array<ResolversTypes['OperationStatsPoint']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  totals?: Resolver<ResolversTypes['UsageRow'], ParentType, ContextType>;
}>;

export type OperationStatsPointResolvers<
  ContextType = AnalyticsContext,
  ParentType extends ResolversParentTypes['OperationStatsPoint'] =
    ResolversParentTypes['OperationStatsPoint'],
> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  avgMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  errorRate?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  errors?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  p50Ms?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  p95Ms?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  p99Ms?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  requests?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type ProductResolvers<
  ContextType = AnalyticsContext,
  ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type QueryResolvers<
  ContextType = AnalyticsContext,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  apiUsage?: Resolver<
    Maybe<Array<ResolversTypes['UsageRow']>>,
    ParentType,
    ContextType,
    RequireFields<QueryApiUsageArgs, 'groupBy' | 'range'>
  >;
  operationStats?: Resolver<
    Maybe<ResolversTypes['OperationStats']>,
    ParentType,
    ContextType,
    RequireFields<QueryOperationStatsArgs, 'name' | 'range'>
  >;
  salesSummary?: Resolver<
    Maybe<ResolversTypes['SalesSummary']>,
    ParentType,
    ContextType,
    RequireFields<QuerySalesSummaryArgs, 'range'>
  >;
  topProducts?: Resolver<
    Maybe<Array<ResolversTypes['TopProduct']>>,
    ParentType,
    ContextType,
    RequireFields<QueryTopProductsArgs, 'limit' | 'orderBy' | 'range'>
  >;
}>;

export type SalesHourResolvers<
  ContextType = AnalyticsContext,
  ParentType extends ResolversParentTypes['SalesHour'] = ResolversParentTypes['SalesHour'],
> = ResolversObject<{
  hour?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  orders?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  placedOrders?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenue?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
}>;

export type SalesSummaryResolvers<
  ContextType = AnalyticsContext,
  ParentType extends ResolversParentTypes['SalesSummary'] = ResolversParentTypes['SalesSummary'],
> = ResolversObject<{
  cancelledOrders?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  captured?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
  cartsConverted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  cartsCreated?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  conversionRate?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  from?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  hourly?: Resolver<Array<ResolversTypes['SalesHour']>, ParentType, ContextType>;
  orders?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  placedOrders?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  refunded?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
  revenue?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type SubscriptionResolvers<
  ContextType = AnalyticsContext,
  ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription'],
> = ResolversObject<{
  apiUsageUpdated?: SubscriptionResolver<
    Maybe<ResolversTypes['ApiUsageSnapshot']>,
    'apiUsageUpdated',
    ParentType,
    ContextType,
    RequireFields<SubscriptionApiUsageUpdatedArgs, 'groupBy' | 'intervalSeconds'>
  >;
}>;

export type TopProductResolvers<
  ContextType = AnalyticsContext,
  ParentType extends ResolversParentTypes['TopProduct'] = ResolversParentTypes['TopProduct'],
> = ResolversObject<{
  orders?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  productId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  productName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revenue?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  units?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type UsageRowResolvers<
  ContextType = AnalyticsContext,
  ParentType extends ResolversParentTypes['UsageRow'] = ResolversParentTypes['UsageRow'],
> = ResolversObject<{
  avgMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  clientName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  clientVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  errorRate?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  errors?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  maxMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  operationName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  operationType?: Resolver<Maybe<ResolversTypes['UsageOperationType']>, ParentType, ContextType>;
  p50Ms?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  p95Ms?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  p99Ms?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  requests?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  samples?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  subgraph?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type Resolvers<ContextType = AnalyticsContext> = ResolversObject<{
  ApiUsageSnapshot?: ApiUsageSnapshotResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  MinorUnits?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  OperationStats?: OperationStatsResolvers<ContextType>;
  OperationStatsPoint?: OperationStatsPointResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SalesHour?: SalesHourResolvers<ContextType>;
  SalesSummary?: SalesSummaryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  TopProduct?: TopProductResolvers<ContextType>;
  UsageRow?: UsageRowResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = AnalyticsContext> = ResolversObject<{
  auth?: AuthDirectiveResolver<any, any, ContextType>;
}>;

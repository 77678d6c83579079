import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { NotificationRow } from '../tables';
import type {
  OrderStatusEvent as OrderStatusEventModel,
  PaymentStatusEvent as PaymentStatusEventModel,
  CartUpdatedEvent as CartUpdatedEventModel,
} from '../service';
import type { NotificationContext } from '../resolvers';
export type Maybe<T> = T | null | undefined;
export type InputMaybe<T> = T | null | undefined;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
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
  _FieldSet: { input: unknown; output: unknown };
};

/** A shopping cart. Owned by the cart subgraph; the gateway resolves its other fields there. */
export type Cart = {
  __typename?: 'Cart';
  /** Stable identifier (a UUID). */
  id: Scalars['ID']['output'];
};

/** A change of a cart (or, first, its current version). */
export type CartUpdatedEvent = {
  __typename?: 'CartUpdatedEvent';
  /** When the change happened. */
  at: Scalars['DateTime']['output'];
  /**
   * The cart; its other fields come from the cart subgraph (current state); null when that service
   * is unavailable.
   */
  cart?: Maybe<Cart>;
  /** The cart's id. */
  cartId: Scalars['ID']['output'];
  /**
   * Position of this item in the stream (the version as a decimal string); pass it as `after` to
   * resume the subscription exactly after it, on any replica.
   */
  cursor: Scalars['String']['output'];
  /** What changed: the event type without its prefix, e.g. line_added, merged, converted. */
  reason: Scalars['String']['output'];
  /**
   * True when this is the current state (the first message of a subscription without `after`, or
   * of one whose missed changes are no longer kept), false for a change.
   */
  snapshot: Scalars['Boolean']['output'];
  /** The cart's version after the change; increases with every change. */
  version: Scalars['Int']['output'];
};

/** Result of `markNotificationRead`. */
export type MarkNotificationReadPayload = {
  __typename?: 'MarkNotificationReadPayload';
  /** The notification, now read; null when there are user errors. */
  notification?: Maybe<Notification>;
  /** Why nothing was changed; empty on success. */
  userErrors: Array<NotificationUserError>;
};

/** Notification changes. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Marks one of the caller's notifications read (idempotent). Requires a signed-in user. */
  markNotificationRead?: Maybe<MarkNotificationReadPayload>;
};

/** Notification changes. */
export type MutationMarkNotificationReadArgs = {
  id: Scalars['ID']['input'];
};

/** A message for one user about their orders and payments (also sent by email). */
export type Notification = {
  __typename?: 'Notification';
  /** One or two sentences of detail. */
  body: Scalars['String']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Opaque position in the user's feed; pass it as `after` to resume `notificationReceived`. */
  cursor: Scalars['String']['output'];
  /** Stable identifier (a UUID). */
  id: Scalars['ID']['output'];
  /** What the notification is about. */
  kind: NotificationKind;
  /** The order it is about, if any. */
  orderId?: Maybe<Scalars['ID']['output']>;
  /** True once the user marked it read. */
  read: Scalars['Boolean']['output'];
  /** Short headline, e.g. "Order SG-000123 shipped". */
  title: Scalars['String']['output'];
};

/** A page of notifications, newest first. */
export type NotificationConnection = {
  __typename?: 'NotificationConnection';
  /** The notifications of this page. */
  edges: Array<NotificationEdge>;
  /** Pagination information. */
  pageInfo: PageInfo;
};

/** One notification in a page. */
export type NotificationEdge = {
  __typename?: 'NotificationEdge';
  /** Cursor of this notification (same as `node.cursor`). */
  cursor: Scalars['String']['output'];
  /** The notification. */
  node: Notification;
};

/** Error codes of notification mutations. */
export type NotificationErrorCode =
  /** No notification with this id belongs to the caller. */
  'NOTIFICATION_NOT_FOUND';

/** What a notification is about. */
export type NotificationKind =
  /** An order was cancelled. */
  | 'ORDER_CANCELLED'
  /** An order was delivered. */
  | 'ORDER_DELIVERED'
  /** An order expired because it was not paid in time. */
  | 'ORDER_EXPIRED'
  /** An order was placed: its payment was authorized and the stock is allocated. */
  | 'ORDER_PLACED'
  /** An order was received (checkout finished; payment pending). */
  | 'ORDER_RECEIVED'
  /** An order was shipped. */
  | 'ORDER_SHIPPED'
  /** A payment was authorized. */
  | 'PAYMENT_AUTHORIZED'
  /** A payment was captured (the customer was charged). */
  | 'PAYMENT_CAPTURED'
  /** A payment was declined. */
  | 'PAYMENT_DECLINED'
  /** A payment was refunded. */
  | 'PAYMENT_REFUNDED';

/** An expected failure of a notification mutation. */
export type NotificationUserError = {
  __typename?: 'NotificationUserError';
  /** Machine-readable reason. */
  code: NotificationErrorCode;
  /** Path of the argument at fault, if any. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
};

/** A purchase. Owned by the order subgraph; the gateway resolves its other fields there. */
export type Order = {
  __typename?: 'Order';
  /** Stable identifier (a UUID). */
  id: Scalars['ID']['output'];
};

/** Where an order is in its lifecycle. */
export type OrderStatus =
  /** Cancelled by the customer, an admin or a declined payment. Terminal. */
  | 'CANCELLED'
  /** Closed (return window over). Terminal. */
  | 'COMPLETED'
  /** Delivered to the customer. */
  | 'DELIVERED'
  /** Not paid within the payment window. Terminal. */
  | 'EXPIRED'
  /** The payment is captured. */
  | 'PAID'
  /** The payment is authorized; stock is allocated. */
  | 'PAYMENT_AUTHORIZED'
  /** Placed; stock is reserved and the order waits for payment until `expiresAt`. */
  | 'PENDING_PAYMENT'
  /** Handed to a carrier. */
  | 'SHIPPED';

/** A change of an order's status (or, first, its current status). */
export type OrderStatusEvent = {
  __typename?: 'OrderStatusEvent';
  /** When the change happened. */
  at: Scalars['DateTime']['output'];
  /**
   * Position of this item in the stream (the version as a decimal string); pass it as `after` to
   * resume the subscription exactly after it, on any replica.
   */
  cursor: Scalars['String']['output'];
  /**
   * The order; its other fields come from the order subgraph (current state, not as of the event).
   * Null when the order service is unavailable.
   */
  order?: Maybe<Order>;
  /** The order's id. */
  orderId: Scalars['ID']['output'];
  /** The status before the change; null for a new order or when unknown. */
  previousStatus?: Maybe<OrderStatus>;
  /**
   * True when this is the current state (the first message of a subscription without `after`, or
   * of one whose missed changes are no longer kept), false for a change.
   */
  snapshot: Scalars['Boolean']['output'];
  /** The order's status after the change, e.g. PAYMENT_AUTHORIZED. */
  status: OrderStatus;
  /** The order's version after the change; increases with every change. */
  version: Scalars['Int']['output'];
};

/** Relay pagination information. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge, or null when there are no edges. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more items follow the last edge. */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when items precede the first edge. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge, or null when there are no edges. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** Where a payment attempt stands; derived from its ledger of transactions. */
export type PaymentStatus =
  /** The bank asks the customer to authenticate (3-D Secure); see `confirmPaymentAction`. */
  | 'ACTION_REQUIRED'
  /** The full amount is reserved on the card, nothing captured yet. */
  | 'AUTHORIZED'
  /** The whole authorized amount has been captured. */
  | 'CAPTURED'
  /** Created, not yet authorized. */
  | 'CREATED'
  /** The authorization was refused. */
  | 'DECLINED'
  /** Part of the authorized amount has been captured. */
  | 'PARTIALLY_CAPTURED'
  /** Part of the captured money has been refunded. */
  | 'PARTIALLY_REFUNDED'
  /** All captured money has been refunded. */
  | 'REFUNDED'
  /** The authorization was released without capturing anything. */
  | 'VOIDED';

/** A change of the status of an order's payment (or, first, its current status). */
export type PaymentStatusEvent = {
  __typename?: 'PaymentStatusEvent';
  /** When the change happened. */
  at: Scalars['DateTime']['output'];
  /**
   * Position of this item in the stream (the version as a decimal string); pass it as `after` to
   * resume the subscription exactly after it, on any replica.
   */
  cursor: Scalars['String']['output'];
  /**
   * The order; its other fields come from the order subgraph; null when that service is
   * unavailable.
   */
  order?: Maybe<Order>;
  /** The order the payment is for. */
  orderId: Scalars['ID']['output'];
  /** The payment's id. */
  paymentId: Scalars['ID']['output'];
  /**
   * True when this is the current state (the first message of a subscription without `after`, or
   * of one whose missed changes are no longer kept), false for a change.
   */
  snapshot: Scalars['Boolean']['output'];
  /** The payment's status after the change, e.g. AUTHORIZED, DECLINED, CAPTURED. */
  status: PaymentStatus;
  /** Increases with every payment change of this order (across retried payments). */
  version: Scalars['Int']['output'];
};

/**
 * Live updates. State streams first send the current state (`snapshot: true`), then changes with
 * increasing `version`; every stream resumes after the `cursor` of its last item (`after`) without
 * gaps or duplicates, on any replica.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /** Changes of one cart. For its owner, an admin, or anyone holding the guest cart's token. */
  cartUpdated?: Maybe<CartUpdatedEvent>;
  /** Same as `notificationReceived`. */
  myNotifications?: Maybe<Notification>;
  /** The signed-in user's notifications: first those after `after` (oldest first), then new ones. */
  notificationReceived?: Maybe<Notification>;
  /** Status changes of one order. Only its owner or an admin; anyone else gets NOT_FOUND. */
  orderStatusChanged?: Maybe<OrderStatusEvent>;
  /** Payment status changes of one order. Only its owner or an admin; anyone else gets NOT_FOUND. */
  paymentStatusChanged?: Maybe<PaymentStatusEvent>;
};

/**
 * Live updates. State streams first send the current state (`snapshot: true`), then changes with
 * increasing `version`; every stream resumes after the `cursor` of its last item (`after`) without
 * gaps or duplicates, on any replica.
 */
export type SubscriptionCartUpdatedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  cartId: Scalars['ID']['input'];
  cartToken?: InputMaybe<Scalars['String']['input']>;
};

/**
 * Live updates. State streams first send the current state (`snapshot: true`), then changes with
 * increasing `version`; every stream resumes after the `cursor` of its last item (`after`) without
 * gaps or duplicates, on any replica.
 */
export type SubscriptionMyNotificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
};

/**
 * Live updates. State streams first send the current state (`snapshot: true`), then changes with
 * increasing `version`; every stream resumes after the `cursor` of its last item (`after`) without
 * gaps or duplicates, on any replica.
 */
export type SubscriptionNotificationReceivedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
};

/**
 * Live updates. State streams first send the current state (`snapshot: true`), then changes with
 * increasing `version`; every stream resumes after the `cursor` of its last item (`after`) without
 * gaps or duplicates, on any replica.
 */
export type SubscriptionOrderStatusChangedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  orderId: Scalars['ID']['input'];
};

/**
 * Live updates. State streams first send the current state (`snapshot: true`), then changes with
 * increasing `version`; every stream resumes after the `cursor` of its last item (`after`) without
 * gaps or duplicates, on any replica.
 */
export type SubscriptionPaymentStatusChangedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  orderId: Scalars['ID']['input'];
};

/** A registered account. Owned by the user subgraph; this subgraph adds the user's notifications. */
export type User = {
  __typename?: 'User';
  /** Stable identifier (a UUID). */
  id: Scalars['ID']['output'];
  /**
   * The user's notifications, newest first. Empty unless the caller is this user or an admin; null
   * (with an error) when the notification service is unavailable.
   */
  notifications?: Maybe<NotificationConnection>;
};

/** A registered account. Owned by the user subgraph; this subgraph adds the user's notifications. */
export type UserNotificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
  reference: TReference,
  context: TContext,
  info: GraphQLResolveInfo,
) => Promise<TResult> | TResult;

type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
type NullableCheck<T, S> =
  Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };

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

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  User: { __typename: 'User' } & GraphQLRecursivePick<FederationTypes['User'], { id: true }>;
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Cart: ResolverTypeWrapper<Cart>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CartUpdatedEvent: ResolverTypeWrapper<CartUpdatedEventModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  MarkNotificationReadPayload: ResolverTypeWrapper<
    Omit<MarkNotificationReadPayload, 'notification'> & {
      notification?: Maybe<ResolversTypes['Notification']>;
    }
  >;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Notification: ResolverTypeWrapper<NotificationRow>;
  NotificationConnection: ResolverTypeWrapper<
    Omit<NotificationConnection, 'edges'> & { edges: Array<ResolversTypes['NotificationEdge']> }
  >;
  NotificationEdge: ResolverTypeWrapper<
    Omit<NotificationEdge, 'node'> & { node: ResolversTypes['Notification'] }
  >;
  NotificationErrorCode: NotificationErrorCode;
  NotificationKind: NotificationKind;
  NotificationUserError: ResolverTypeWrapper<NotificationUserError>;
  Order: ResolverTypeWrapper<Order>;
  OrderStatus: OrderStatus;
  OrderStatusEvent: ResolverTypeWrapper<OrderStatusEventModel>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PaymentStatus: PaymentStatus;
  PaymentStatusEvent: ResolverTypeWrapper<PaymentStatusEventModel>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  User: ResolverTypeWrapper<
    Omit<User, 'notifications'> & {
      notifications?: Maybe<ResolversTypes['NotificationConnection']>;
    }
  >;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Cart: Cart;
  ID: Scalars['ID']['output'];
  CartUpdatedEvent: CartUpdatedEventModel;
  Boolean: Scalars['Boolean']['output'];
  Int: Scalars['Int']['output'];
  DateTime: Scalars['DateTime']['output'];
  MarkNotificationReadPayload: Omit<MarkNotificationReadPayload, 'notification'> & {
    notification?: Maybe<ResolversParentTypes['Notification']>;
  };
  Mutation: Record<PropertyKey, never>;
  Notification: NotificationRow;
  NotificationConnection: Omit<NotificationConnection, 'edges'> & {
    edges: Array<ResolversParentTypes['NotificationEdge']>;
  };
  NotificationEdge: Omit<NotificationEdge, 'node'> & { node: ResolversParentTypes['Notification'] };
  NotificationUserError: NotificationUserError;
  Order: Order;
  OrderStatusEvent: OrderStatusEventModel;
  PageInfo: PageInfo;
  PaymentStatusEvent: PaymentStatusEventModel;
  Subscription: Record<PropertyKey, never>;
  User:
    | (Omit<User, 'notifications'> & {
        notifications?: Maybe<ResolversParentTypes['NotificationConnection']>;
      })
    | FederationReferenceTypes['User'];
  String: Scalars['String']['output'];
}>;

export type AuthDirectiveArgs = {
  requires?: Array<Scalars['String']['input']>;
};

export type AuthDirectiveResolver<
  Result,
  Parent,
  ContextType = NotificationContext,
  Args = AuthDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CartResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['Cart'] = ResolversParentTypes['Cart'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type CartUpdatedEventResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['CartUpdatedEvent'] =
    ResolversParentTypes['CartUpdatedEvent'],
> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  cart?: Resolver<Maybe<ResolversTypes['Cart']>, ParentType, ContextType>;
  cartId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  snapshot?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<
  ResolversTypes['DateTime'],
  any
> {
  name: 'DateTime';
}

export type MarkNotificationReadPayloadResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['MarkNotificationReadPayload'] =
    ResolversParentTypes['MarkNotificationReadPayload'],
> = ResolversObject<{
  notification?: Resolver<Maybe<ResolversTypes['Notification']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['NotificationUserError']>, ParentType, ContextType>;
}>;

export type MutationResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  markNotificationRead?: Resolver<
    Maybe<ResolversTypes['MarkNotificationReadPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationMarkNotificationReadArgs, 'id'>
  >;
}>;

export type NotificationResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['Notification'] = ResolversParentTypes['Notification'],
> = ResolversObject<{
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['NotificationKind'], ParentType, ContextType>;
  orderId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  read?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type NotificationConnectionResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['NotificationConnection'] =
    ResolversParentTypes['NotificationConnection'],
> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['NotificationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type NotificationEdgeResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['NotificationEdge'] =
    ResolversParentTypes['NotificationEdge'],
> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Notification'], ParentType, ContextType>;
}>;

export type NotificationUserErrorResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['NotificationUserError'] =
    ResolversParentTypes['NotificationUserError'],
> = ResolversObject<{
  code?: Resolver<ResolversTypes['NotificationErrorCode'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type OrderResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type OrderStatusEventResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['OrderStatusEvent'] =
    ResolversParentTypes['OrderStatusEvent'],
> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  orderId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  previousStatus?: Resolver<Maybe<ResolversTypes['OrderStatus']>, ParentType, ContextType>;
  snapshot?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type PageInfoResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo'],
> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type PaymentStatusEventResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['PaymentStatusEvent'] =
    ResolversParentTypes['PaymentStatusEvent'],
> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  orderId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  paymentId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  snapshot?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['PaymentStatus'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type SubscriptionResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription'],
> = ResolversObject<{
  cartUpdated?: SubscriptionResolver<
    Maybe<ResolversTypes['CartUpdatedEvent']>,
    'cartUpdated',
    ParentType,
    ContextType,
    RequireFields<SubscriptionCartUpdatedArgs, 'cartId'>
  >;
  myNotifications?: SubscriptionResolver<
    Maybe<ResolversTypes['Notification']>,
    'myNotifications',
    ParentType,
    ContextType,
    Partial<SubscriptionMyNotificationsArgs>
  >;
  notificationReceived?: SubscriptionResolver<
    Maybe<ResolversTypes['Notification']>,
    'notificationReceived',
    ParentType,
    ContextType,
    Partial<SubscriptionNotificationReceivedArgs>
  >;
  orderStatusChanged?: SubscriptionResolver<
    Maybe<ResolversTypes['OrderStatusEvent']>,
    'orderStatusChanged',
    ParentType,
    ContextType,
    RequireFields<SubscriptionOrderStatusChangedArgs, 'orderId'>
  >;
  paymentStatusChanged?: SubscriptionResolver<
    Maybe<ResolversTypes['PaymentStatusEvent']>,
    'paymentStatusChanged',
    ParentType,
    ContextType,
    RequireFields<SubscriptionPaymentStatusChangedArgs, 'orderId'>
  >;
}>;

export type UserResolvers<
  ContextType = NotificationContext,
  ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'],
  FederationReferenceType extends FederationReferenceTypes['User'] =
    FederationReferenceTypes['User'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['User']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  notifications?: Resolver<
    Maybe<ResolversTypes['NotificationConnection']>,
    ParentType,
    ContextType,
    Partial<UserNotificationsArgs>
  >;
}>;

export type Resolvers<ContextType = NotificationContext> = ResolversObject<{
  Cart?: CartResolvers<ContextType>;
  CartUpdatedEvent?: CartUpdatedEventResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  MarkNotificationReadPayload?: MarkNotificationReadPayloadResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Notification?: NotificationResolvers<ContextType>;
  NotificationConnection?: NotificationConnectionResolvers<ContextType>;
  NotificationEdge?: NotificationEdgeResolvers<ContextType>;
  NotificationUserError?: NotificationUserErrorResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  OrderStatusEvent?: OrderStatusEventResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PaymentStatusEvent?: PaymentStatusEventResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = NotificationContext> = ResolversObject<{
  auth?: AuthDirectiveResolver<any, any, ContextType>;
}>;

import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { PaymentView } from '../model';
import type { PaymentContext } from '../resolvers';
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
  /** An amount in minor currency units (e.g. cents), a safe integer. */
  MinorUnits: { input: number; output: number };
  _FieldSet: { input: unknown; output: unknown };
};

/** Input of `capturePayment`. */
export type CapturePaymentInput = {
  /** Amount to capture; default everything still authorized. */
  amount?: InputMaybe<Scalars['MinorUnits']['input']>;
  /** Client-chosen idempotency key (1-255 characters). */
  idempotencyKey: Scalars['String']['input'];
  /** The payment to capture. */
  paymentId: Scalars['ID']['input'];
};

/** Card details. Used once for the authorization; only brand and last four digits are kept. */
export type CardInput = {
  /** Card verification code, 3 or 4 digits. */
  cvc: Scalars['String']['input'];
  /** Expiry month, 1-12. */
  expMonth: Scalars['Int']['input'];
  /** Expiry year, four digits (two digits are read as 20xx). */
  expYear: Scalars['Int']['input'];
  /** Card number (12-19 digits, spaces allowed). */
  number: Scalars['String']['input'];
};

/** An amount of money in integer minor units plus its currency. */
export type Money = {
  __typename?: 'Money';
  /** Amount in minor units of the currency (e.g. cents); never a float. */
  amount: Scalars['MinorUnits']['output'];
  /** ISO 4217 currency code, e.g. USD. */
  currencyCode: Scalars['String']['output'];
};

/** Payment mutations. Money-moving ones take an idempotency key (kept 24 h). */
export type Mutation = {
  __typename?: 'Mutation';
  /** Captures (part of) an authorized payment. ADMIN only. */
  capturePayment?: Maybe<PaymentOperationPayload>;
  /** Completes the 3-D Secure challenge of one of the caller's payments. */
  confirmPaymentAction?: Maybe<PaymentOperationPayload>;
  /** Authorizes the total of one of the caller's orders with a card (signed-in owner only). */
  payOrder?: Maybe<PayOrderPayload>;
  /** Refunds (part of) the captured money. ADMIN only. */
  refundPayment?: Maybe<PaymentOperationPayload>;
  /** Releases an uncaptured authorization. ADMIN only. */
  voidPayment?: Maybe<PaymentOperationPayload>;
};

/** Payment mutations. Money-moving ones take an idempotency key (kept 24 h). */
export type MutationCapturePaymentArgs = {
  input: CapturePaymentInput;
};

/** Payment mutations. Money-moving ones take an idempotency key (kept 24 h). */
export type MutationConfirmPaymentActionArgs = {
  paymentId: Scalars['ID']['input'];
  success: Scalars['Boolean']['input'];
};

/** Payment mutations. Money-moving ones take an idempotency key (kept 24 h). */
export type MutationPayOrderArgs = {
  input: PayOrderInput;
};

/** Payment mutations. Money-moving ones take an idempotency key (kept 24 h). */
export type MutationRefundPaymentArgs = {
  input: RefundPaymentInput;
};

/** Payment mutations. Money-moving ones take an idempotency key (kept 24 h). */
export type MutationVoidPaymentArgs = {
  input: VoidPaymentInput;
};

/** An order (owned by the order subgraph), extended with its payments. */
export type Order = {
  __typename?: 'Order';
  /** The order's identifier. */
  id: Scalars['ID']['output'];
  /**
   * Payment state from the latest payment; NONE when there is none the caller may see. Null (with
   * an error) when the payment service is unavailable.
   */
  paymentStatus?: Maybe<OrderPaymentStatus>;
  /**
   * Payments of the order, oldest first; empty unless the caller owns the order or is an admin.
   * Null (with an error) when the payment service is unavailable; the order is still returned.
   */
  payments?: Maybe<Array<Payment>>;
};

/** The payment state of an order, from its latest visible payment. */
export type OrderPaymentStatus =
  /** The latest payment waits for 3-D Secure. */
  | 'ACTION_REQUIRED'
  /** The latest payment is authorized. */
  | 'AUTHORIZED'
  /** The latest payment is fully captured. */
  | 'CAPTURED'
  /** The latest payment was declined. */
  | 'DECLINED'
  /** No payment (or none the caller may see). */
  | 'NONE'
  /** The latest payment is partly captured. */
  | 'PARTIALLY_CAPTURED'
  /** The latest payment is partly refunded. */
  | 'PARTIALLY_REFUNDED'
  /** The latest payment is fully refunded. */
  | 'REFUNDED'
  /** The latest payment was voided. */
  | 'VOIDED';

/** Input of `payOrder`. */
export type PayOrderInput = {
  /** The card to authorize. */
  card: CardInput;
  /** Client-chosen key (1-255 characters, e.g. a UUID): retries with the same key and request get the first response. */
  idempotencyKey: Scalars['String']['input'];
  /** The caller's order (status PENDING_PAYMENT). */
  orderId: Scalars['ID']['input'];
};

/** Result of `payOrder`. */
export type PayOrderPayload = {
  __typename?: 'PayOrderPayload';
  /** The payment attempt (also when declined); null when nothing was attempted. */
  payment?: Maybe<Payment>;
  /** Expected failures; empty on success. */
  userErrors: Array<PaymentUserError>;
};

/** One payment attempt for an order. Visible only to the order's owner and admins. */
export type Payment = {
  __typename?: 'Payment';
  /** The amount to pay (the order total when the payment was made). */
  amount: Money;
  /** Successfully authorized amount. */
  authorizedAmount: Money;
  /** Captured amount (never more than authorized). */
  capturedAmount: Money;
  /** The card used. */
  card: PaymentCard;
  /** When the payment was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Stable identifier (a UUID). */
  id: Scalars['ID']['output'];
  /** The order this payment is for. */
  orderId: Scalars['ID']['output'];
  /** Refunded amount (never more than captured). */
  refundedAmount: Money;
  /** Status derived from the ledger. */
  status: PaymentStatus;
  /** The ledger, oldest first; rows are only ever added. */
  transactions: Array<PaymentTransaction>;
  /** When the ledger last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** What is kept of the card: never the full number or the CVC. */
export type PaymentCard = {
  __typename?: 'PaymentCard';
  /** Card network, e.g. VISA. */
  brand: Scalars['String']['output'];
  /** Last four digits of the card number. */
  last4: Scalars['String']['output'];
};

/** Why a payment mutation did not (fully) succeed. */
export type PaymentErrorCode =
  /** The order already has an authorized or captured payment. */
  | 'ALREADY_PAID'
  /** The provider declined; the message carries the decline code. */
  | 'CARD_DECLINED'
  /** The idempotency key was already used with a different request. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** The amount is not positive or exceeds what may be captured or refunded. */
  | 'INVALID_AMOUNT'
  /** The card number, expiry or CVC is invalid. */
  | 'INVALID_CARD'
  /** The payment's status does not allow this operation. */
  | 'INVALID_STATE'
  /** A request with this key (or another payment of the order) is still running; retry shortly. */
  | 'OPERATION_IN_PROGRESS'
  /** The order does not exist or is not the caller's. */
  | 'ORDER_NOT_FOUND'
  /** The order is not waiting for payment. */
  | 'ORDER_NOT_PAYABLE'
  /** The payment does not exist or is not visible to the caller. */
  | 'PAYMENT_NOT_FOUND';

/** Result of a payment operation (3-D Secure completion, capture, void, refund). */
export type PaymentOperationPayload = {
  __typename?: 'PaymentOperationPayload';
  /** The payment after the operation; null when it was not found. */
  payment?: Maybe<Payment>;
  /** Expected failures; empty on success. */
  userErrors: Array<PaymentUserError>;
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

/** One row of a payment's append-only ledger. */
export type PaymentTransaction = {
  __typename?: 'PaymentTransaction';
  /** Amount attempted (moved only when SUCCESS). */
  amount: Money;
  /** When the row was written. */
  createdAt: Scalars['DateTime']['output'];
  /** Provider decline code when FAILURE, e.g. card_declined or insufficient_funds. */
  failureCode?: Maybe<Scalars['String']['output']>;
  /** Stable identifier (a UUIDv7, ordered by creation). */
  id: Scalars['ID']['output'];
  /** The provider's reference of this transaction. */
  pspReference?: Maybe<Scalars['String']['output']>;
  /** How it ended. */
  state: PaymentTransactionState;
  /** What was attempted. */
  type: PaymentTransactionType;
};

/** Outcome of a ledger transaction. */
export type PaymentTransactionState =
  /** Refused by the provider; `failureCode` says why. */
  | 'FAILURE'
  /** Requested and waiting for the customer (3-D Secure). */
  | 'REQUEST'
  /** Done by the provider. */
  | 'SUCCESS';

/** Kind of a ledger transaction. */
export type PaymentTransactionType =
  /** Reserving money on the card. */
  | 'AUTHORIZATION'
  /** Taking (part of) the reserved money. */
  | 'CAPTURE'
  /** Giving captured money back. */
  | 'REFUND'
  /** Releasing the reservation. */
  | 'VOID';

/** An expected failure of a payment mutation. */
export type PaymentUserError = {
  __typename?: 'PaymentUserError';
  /** Machine-readable reason. */
  code: PaymentErrorCode;
  /** Path of the input field at fault, when there is one. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
};

/** Payment queries. */
export type Query = {
  __typename?: 'Query';
  /** A payment, if the caller owns it or is an admin; otherwise null. */
  payment?: Maybe<Payment>;
};

/** Payment queries. */
export type QueryPaymentArgs = {
  id: Scalars['ID']['input'];
};

/** Input of `refundPayment`. */
export type RefundPaymentInput = {
  /** Amount to refund; default everything captured and not yet refunded. */
  amount?: InputMaybe<Scalars['MinorUnits']['input']>;
  /** Client-chosen idempotency key (1-255 characters). */
  idempotencyKey: Scalars['String']['input'];
  /** The payment to refund. */
  paymentId: Scalars['ID']['input'];
};

/** Input of `voidPayment`. */
export type VoidPaymentInput = {
  /** Client-chosen idempotency key (1-255 characters). */
  idempotencyKey: Scalars['String']['input'];
  /** The payment whose authorization to release. */
  paymentId: Scalars['ID']['input'];
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
  Order: Order;
  Payment: Payment;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Order: { __typename: 'Order' } & GraphQLRecursivePick<FederationTypes['Order'], { id: true }>;
  Payment: { __typename: 'Payment' } & GraphQLRecursivePick<
    FederationTypes['Payment'],
    { id: true }
  >;
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  CapturePaymentInput: CapturePaymentInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CardInput: CardInput;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  MinorUnits: ResolverTypeWrapper<Scalars['MinorUnits']['output']>;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Order: ResolverTypeWrapper<
    Omit<Order, 'payments'> & { payments?: Maybe<Array<ResolversTypes['Payment']>> }
  >;
  OrderPaymentStatus: OrderPaymentStatus;
  PayOrderInput: PayOrderInput;
  PayOrderPayload: ResolverTypeWrapper<
    Omit<PayOrderPayload, 'payment'> & { payment?: Maybe<ResolversTypes['Payment']> }
  >;
  Payment: ResolverTypeWrapper<PaymentView>;
  PaymentCard: ResolverTypeWrapper<PaymentCard>;
  PaymentErrorCode: PaymentErrorCode;
  PaymentOperationPayload: ResolverTypeWrapper<
    Omit<PaymentOperationPayload, 'payment'> & { payment?: Maybe<ResolversTypes['Payment']> }
  >;
  PaymentStatus: PaymentStatus;
  PaymentTransaction: ResolverTypeWrapper<PaymentTransaction>;
  PaymentTransactionState: PaymentTransactionState;
  PaymentTransactionType: PaymentTransactionType;
  PaymentUserError: ResolverTypeWrapper<PaymentUserError>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RefundPaymentInput: RefundPaymentInput;
  VoidPaymentInput: VoidPaymentInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  CapturePaymentInput: CapturePaymentInput;
  ID: Scalars['ID']['output'];
  CardInput: CardInput;
  Int: Scalars['Int']['output'];
  DateTime: Scalars['DateTime']['output'];
  MinorUnits: Scalars['MinorUnits']['output'];
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  Boolean: Scalars['Boolean']['output'];
  Order:
    | (Omit<Order, 'payments'> & { payments?: Maybe<Array<ResolversParentTypes['Payment']>> })
    | FederationReferenceTypes['Order'];
  PayOrderInput: PayOrderInput;
  PayOrderPayload: Omit<PayOrderPayload, 'payment'> & {
    payment?: Maybe<ResolversParentTypes['Payment']>;
  };
  Payment: PaymentView;
  PaymentCard: PaymentCard;
  PaymentOperationPayload: Omit<PaymentOperationPayload, 'payment'> & {
    payment?: Maybe<ResolversParentTypes['Payment']>;
  };
  PaymentTransaction: PaymentTransaction;
  PaymentUserError: PaymentUserError;
  Query: Record<PropertyKey, never>;
  RefundPaymentInput: RefundPaymentInput;
  VoidPaymentInput: VoidPaymentInput;
  String: Scalars['String']['output'];
}>;

export type AuthDirectiveArgs = {
  requires?: Array<Scalars['String']['input']>;
};

export type AuthDirectiveResolver<
  Result,
  Parent,
  ContextType = PaymentContext,
  Args = AuthDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

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
  ContextType = PaymentContext,
  ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money'],
> = ResolversObject<{
  amount?: Resolver<ResolversTypes['MinorUnits'], ParentType, ContextType>;
  currencyCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<
  ContextType = PaymentContext,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  capturePayment?: Resolver<
    Maybe<ResolversTypes['PaymentOperationPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationCapturePaymentArgs, 'input'>
  >;
  confirmPaymentAction?: Resolver<
    Maybe<ResolversTypes['PaymentOperationPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationConfirmPaymentActionArgs, 'paymentId' | 'success'>
  >;
  payOrder?: Resolver<
    Maybe<ResolversTypes['PayOrderPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationPayOrderArgs, 'input'>
  >;
  refundPayment?: Resolver<
    Maybe<ResolversTypes['PaymentOperationPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationRefundPaymentArgs, 'input'>
  >;
  voidPayment?: Resolver<
    Maybe<ResolversTypes['PaymentOperationPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationVoidPaymentArgs, 'input'>
  >;
}>;

export type OrderResolvers<
  ContextType = PaymentContext,
  ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order'],
  FederationReferenceType extends FederationReferenceTypes['Order'] =
    FederationReferenceTypes['Order'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['Order']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  paymentStatus?: Resolver<Maybe<ResolversTypes['OrderPaymentStatus']>, ParentType, ContextType>;
  payments?: Resolver<Maybe<Array<ResolversTypes['Payment']>>, ParentType, ContextType>;
}>;

export type PayOrderPayloadResolvers<
  ContextType = PaymentContext,
  ParentType extends ResolversParentTypes['PayOrderPayload'] =
    ResolversParentTypes['PayOrderPayload'],
> = ResolversObject<{
  payment?: Resolver<Maybe<ResolversTypes['Payment']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['PaymentUserError']>, ParentType, ContextType>;
}>;

export type PaymentResolvers<
  ContextType = PaymentContext,
  ParentType extends ResolversParentTypes['Payment'] = ResolversParentTypes['Payment'],
  FederationReferenceType extends FederationReferenceTypes['Payment'] =
    FederationReferenceTypes['Payment'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['Payment']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  authorizedAmount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  capturedAmount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  card?: Resolver<ResolversTypes['PaymentCard'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  orderId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  refundedAmount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['PaymentStatus'], ParentType, ContextType>;
  transactions?: Resolver<Array<ResolversTypes['PaymentTransaction']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type PaymentCardResolvers<
  ContextType = PaymentContext,
  ParentType extends ResolversParentTypes['PaymentCard'] = ResolversParentTypes['PaymentCard'],
> = ResolversObject<{
  brand?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  last4?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type PaymentOperationPayloadResolvers<
  ContextType = PaymentContext,
  ParentType extends ResolversParentTypes['PaymentOperationPayload'] =
    ResolversParentTypes['PaymentOperationPayload'],
> = ResolversObject<{
  payment?: Resolver<Maybe<ResolversTypes['Payment']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['PaymentUserError']>, ParentType, ContextType>;
}>;

export type PaymentTransactionResolvers<
  ContextType = PaymentContext,
  ParentType extends ResolversParentTypes['PaymentTransaction'] =
    ResolversParentTypes['PaymentTransaction'],
> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  failureCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  pspReference?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['PaymentTransactionState'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['PaymentTransactionType'], ParentType, ContextType>;
}>;

export type PaymentUserErrorResolvers<
  ContextType = PaymentContext,
  ParentType extends ResolversParentTypes['PaymentUserError'] =
    ResolversParentTypes['PaymentUserError'],
> = ResolversObject<{
  code?: Resolver<ResolversTypes['PaymentErrorCode'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type QueryResolvers<
  ContextType = PaymentContext,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  payment?: Resolver<
    Maybe<ResolversTypes['Payment']>,
    ParentType,
    ContextType,
    RequireFields<QueryPaymentArgs, 'id'>
  >;
}>;

export type Resolvers<ContextType = PaymentContext> = ResolversObject<{
  DateTime?: GraphQLScalarType;
  MinorUnits?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  PayOrderPayload?: PayOrderPayloadResolvers<ContextType>;
  Payment?: PaymentResolvers<ContextType>;
  PaymentCard?: PaymentCardResolvers<ContextType>;
  PaymentOperationPayload?: PaymentOperationPayloadResolvers<ContextType>;
  PaymentTransaction?: PaymentTransactionResolvers<ContextType>;
  PaymentUserError?: PaymentUserErrorResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = PaymentContext> = ResolversObject<{
  auth?: AuthDirectiveResolver<any, any, ContextType>;
}>;

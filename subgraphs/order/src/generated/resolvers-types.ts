import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { OrderRow, OrderLineRow } from '../tables';
import type { OrderContext } from '../resolvers';
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
  /** An amount in minor currency units (e.g. cents), a safe integer; fractions are rejected. */
  MinorUnits: { input: number; output: number };
  _FieldSet: { input: unknown; output: unknown };
};

/** Input of `cancelOrder`. */
export type CancelOrderInput = {
  /** The order to cancel. */
  orderId: Scalars['ID']['input'];
  /** Why (up to 500 characters); recorded in the history. */
  reason?: InputMaybe<Scalars['String']['input']>;
};

/** What the cart costs at current prices, returned with PRICE_CHANGED. */
export type CheckoutBreakdown = {
  __typename?: 'CheckoutBreakdown';
  /** Every line at its current price. */
  lines: Array<CheckoutBreakdownLine>;
  /** Sum of the line totals: pass it as `expectedTotal` to confirm. */
  total: Money;
};

/** One line of a checkout's prices now (see `CheckoutBreakdown`). */
export type CheckoutBreakdownLine = {
  __typename?: 'CheckoutBreakdownLine';
  /** quantity × unitPrice. */
  lineTotal: Money;
  /** Price of one unit when it was put in the cart (the cart's snapshot); null when unknown. */
  previousUnitPrice?: Maybe<Money>;
  /** Units in the cart. */
  quantity: Scalars['Int']['output'];
  /** Price of one unit now. */
  unitPrice: Money;
  /** Id of the variant. */
  variantId: Scalars['ID']['output'];
};

/** Why a checkout failed. */
export type CheckoutErrorCode =
  /**
   * A unit price or the order total at current prices is above the largest amount a checkout
   * accepts (see the README's money bounds); nothing was reserved or charged.
   */
  | 'AMOUNT_TOO_LARGE'
  /**
   * The cart was already checked out (or is being checked out) by another checkout; `orderId` names
   * that order. At most one order is ever placed from a cart.
   */
  | 'CART_ALREADY_CHECKED_OUT'
  /** The cart has no items. */
  | 'CART_EMPTY'
  /** The cart does not exist, is not the caller's, or was merged into another cart. */
  | 'CART_NOT_FOUND'
  /** The items are not all priced in the cart's currency. */
  | 'CURRENCY_MISMATCH'
  /** The idempotency key was already used for a different checkout. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** The shipping address is incomplete or malformed (see `field`). */
  | 'INVALID_ADDRESS'
  /** `expectedTotal.currencyCode` is not an active ISO 4217 code (upper case, e.g. USD). */
  | 'INVALID_CURRENCY'
  /** A checkout with this idempotency key is still running; retry shortly. */
  | 'OPERATION_IN_PROGRESS'
  /** An item cannot be reserved (see `variantId`, `requested`, `available`). */
  | 'OUT_OF_STOCK'
  /**
   * The total at current prices is not `expectedTotal` (a price or the currency changed since the
   * customer saw it); `breakdown` has the new prices. Nothing was reserved or charged: show it and
   * retry with `breakdown.total` and a new idempotency key.
   */
  | 'PRICE_CHANGED';

/** Input of `checkout`. */
export type CheckoutInput = {
  /** The caller's active cart. */
  cartId: Scalars['ID']['input'];
  /**
   * The total the customer was shown and confirms (the cart's `subtotal`, or the `breakdown.total`
   * of a PRICE_CHANGED answer). The order is placed only when the total at current prices equals it
   * exactly, amount and currency; otherwise nothing is reserved or charged and the answer is
   * PRICE_CHANGED with the new breakdown.
   */
  expectedTotal: MoneyInput;
  /**
   * A client-chosen key (1–255 characters, e.g. a UUID) per checkout attempt: retrying with the same
   * key returns the first attempt's result instead of ordering twice. A new `expectedTotal` is a new
   * attempt: re-confirming after PRICE_CHANGED needs a NEW key.
   */
  idempotencyKey: Scalars['String']['input'];
  /** Where to ship the order. */
  shippingAddress: ShippingAddressInput;
};

/** Result of `checkout`. */
export type CheckoutPayload = {
  __typename?: 'CheckoutPayload';
  /** The placed order (the same one on every retry with the same key); null on failure. */
  order?: Maybe<Order>;
  /** Why the checkout failed; empty on success. */
  userErrors: Array<CheckoutUserError>;
};

/** An expected checkout failure. */
export type CheckoutUserError = {
  __typename?: 'CheckoutUserError';
  /** Units available of that variant (OUT_OF_STOCK), when known. */
  available?: Maybe<Scalars['Int']['output']>;
  /** The cart at current prices (PRICE_CHANGED); null otherwise. */
  breakdown?: Maybe<CheckoutBreakdown>;
  /** Machine-readable reason. */
  code: CheckoutErrorCode;
  /** Path of the input field at fault, e.g. ["shippingAddress", "countryCode"]. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
  /** The order the cart was already checked out as (CART_ALREADY_CHECKED_OUT); null otherwise. */
  orderId?: Maybe<Scalars['ID']['output']>;
  /** Units requested of that variant (OUT_OF_STOCK). */
  requested?: Maybe<Scalars['Int']['output']>;
  /** The variant that could not be reserved (OUT_OF_STOCK). */
  variantId?: Maybe<Scalars['ID']['output']>;
};

/** Input of `completeOrder`. */
export type CompleteOrderInput = {
  /** The order to close. */
  orderId: Scalars['ID']['input'];
};

/** Input of `markOrderDelivered`. */
export type MarkOrderDeliveredInput = {
  /** The delivered order. */
  orderId: Scalars['ID']['input'];
};

/** An amount of money in one currency. */
export type Money = {
  __typename?: 'Money';
  /** Amount in minor units of the currency (e.g. cents); never a float. */
  amount: Scalars['MinorUnits']['output'];
  /** ISO 4217 currency code, e.g. USD. */
  currencyCode: Scalars['String']['output'];
};

/** A price as input. */
export type MoneyInput = {
  /** Amount in minor units of the currency (e.g. cents), at least 0. */
  amount: Scalars['MinorUnits']['input'];
  /** ISO 4217 currency code, e.g. USD. */
  currencyCode: Scalars['String']['input'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Cancels an order: its owner while unpaid or authorized, an ADMIN also once paid (refunded). */
  cancelOrder?: Maybe<OrderPayload>;
  /**
   * Turns the caller's cart into an order awaiting payment: claims the cart (at most one order per
   * cart, whatever the keys: CART_ALREADY_CHECKED_OUT otherwise), reserves stock and freezes prices,
   * only when the total at current prices equals `expectedTotal` (PRICE_CHANGED otherwise).
   * Signed-in callers only; idempotent per `idempotencyKey`.
   */
  checkout?: Maybe<CheckoutPayload>;
  /** Closes a delivered order. ADMIN only. */
  completeOrder?: Maybe<OrderPayload>;
  /** Marks a shipped order as delivered. ADMIN only. */
  markOrderDelivered?: Maybe<OrderPayload>;
  /** Marks an authorized or paid order as shipped with its tracking number. ADMIN only. */
  shipOrder?: Maybe<OrderPayload>;
};

export type MutationCancelOrderArgs = {
  input: CancelOrderInput;
};

export type MutationCheckoutArgs = {
  input: CheckoutInput;
};

export type MutationCompleteOrderArgs = {
  input: CompleteOrderInput;
};

export type MutationMarkOrderDeliveredArgs = {
  input: MarkOrderDeliveredInput;
};

export type MutationShipOrderArgs = {
  input: ShipOrderInput;
};

/** A customer's order: frozen prices and totals, a shipping address and a status history. */
export type Order = {
  __typename?: 'Order';
  /** When the order was placed. */
  createdAt: Scalars['DateTime']['output'];
  /**
   * The customer who placed the order (resolved by the user subgraph); null when that service is
   * unavailable.
   */
  customer?: Maybe<User>;
  /** When an unpaid order expires (its reserved stock is then released). */
  expiresAt: Scalars['DateTime']['output'];
  /** Every status change, oldest first, starting with the checkout. */
  history: Array<OrderStatusChange>;
  /** Stable identifier (a UUID). */
  id: Scalars['ID']['output'];
  /** The ordered items with their prices at checkout. */
  lines: Array<OrderLine>;
  /** The statuses the caller may move this order to now (e.g. CANCELLED for its owner while unpaid). */
  nextStates: Array<OrderStatus>;
  /** Human-readable order number, e.g. SG-000123. */
  number: Scalars['String']['output'];
  /** Carrier and tracking number; null until the order is shipped. */
  shipment?: Maybe<OrderShipment>;
  /** Where the order is shipped. */
  shippingAddress: ShippingAddress;
  /** Shipping cost (currently always zero). */
  shippingTotal: Money;
  /** Current lifecycle status. */
  status: OrderStatus;
  /** Sum of the line totals. */
  subtotal: Money;
  /** What the customer pays: subtotal plus shipping. */
  total: Money;
  /** When the order last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** Who made a status change. */
export type OrderActorRole =
  /** A shop administrator. */
  | 'ADMIN'
  /** The customer who owns the order. */
  | 'CUSTOMER'
  /** The system: a payment event or the payment-window timer. */
  | 'SYSTEM';

/** A page of orders, newest first. */
export type OrderConnection = {
  __typename?: 'OrderConnection';
  /** The orders of this page with their cursors. */
  edges: Array<OrderEdge>;
  /** Where this page sits in the whole list. */
  pageInfo: PageInfo;
};

/** One order in an `OrderConnection`. */
export type OrderEdge = {
  __typename?: 'OrderEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The order. */
  node: Order;
};

/** Why an order mutation failed. */
export type OrderErrorCode =
  /** An input value is malformed (see `field`). */
  | 'INVALID_INPUT'
  /** The order cannot move to the requested status from its current one. */
  | 'INVALID_TRANSITION'
  /** No such order (or not the caller's). */
  | 'ORDER_NOT_FOUND';

/** What the payment subgraph needs to know about an order. Service-only. */
export type OrderForPayment = {
  __typename?: 'OrderForPayment';
  /** The order id. */
  id: Scalars['ID']['output'];
  /** Current status. */
  status: OrderStatus;
  /** Amount to pay. */
  total: Money;
  /** The owner's user id. */
  userId: Scalars['ID']['output'];
};

/** One item of an order, a snapshot taken at checkout. */
export type OrderLine = {
  __typename?: 'OrderLine';
  /** quantity × unitPrice. */
  lineTotal: Money;
  /** Id of the variant's product. */
  productId: Scalars['ID']['output'];
  /** Product name at checkout. */
  productName: Scalars['String']['output'];
  /** Number of units ordered. */
  quantity: Scalars['Int']['output'];
  /** Stock keeping unit at checkout. */
  sku: Scalars['String']['output'];
  /** Price of one unit at checkout. */
  unitPrice: Money;
  /**
   * The ordered variant (resolved by the product subgraph); null when that service is unavailable
   * (the line's own snapshot fields are still returned).
   */
  variant?: Maybe<Variant>;
  /** Id of the ordered variant. */
  variantId: Scalars['ID']['output'];
  /** Variant name at checkout. */
  variantName: Scalars['String']['output'];
};

/** Result of an order mutation. */
export type OrderPayload = {
  __typename?: 'OrderPayload';
  /** The order after the change; null on failure. */
  order?: Maybe<Order>;
  /** Why the mutation failed; empty on success. */
  userErrors: Array<OrderUserError>;
};

/** How a shipped order travels. */
export type OrderShipment = {
  __typename?: 'OrderShipment';
  /** The carrier, e.g. DHL. */
  carrier: Scalars['String']['output'];
  /** When the order was shipped. */
  shippedAt: Scalars['DateTime']['output'];
  /** The carrier's tracking number. */
  trackingNumber: Scalars['String']['output'];
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

/** One status change of an order. */
export type OrderStatusChange = {
  __typename?: 'OrderStatusChange';
  /** Who made the change. */
  actorRole: OrderActorRole;
  /** When it happened. */
  at: Scalars['DateTime']['output'];
  /** The status before; null for the order's creation. */
  from?: Maybe<OrderStatus>;
  /** Why, e.g. `payment declined` or the customer's cancellation reason. */
  reason?: Maybe<Scalars['String']['output']>;
  /** The status after. */
  to: OrderStatus;
};

/** An expected failure of an order mutation. */
export type OrderUserError = {
  __typename?: 'OrderUserError';
  /** Machine-readable reason. */
  code: OrderErrorCode;
  /** Path of the input field at fault. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
};

/** Relay pagination information for a connection. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge, if any; pass it as `after` for the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether more items follow the last edge. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether items precede the first edge. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge, if any. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  /** An order of the caller (any order for an ADMIN); null when missing or someone else's. */
  order?: Maybe<Order>;
  /** Owner, status and total of an order for the payment subgraph. SERVICE only. */
  orderForPayment?: Maybe<OrderForPayment>;
  /**
   * All orders, newest first, optionally in one status. ADMIN only. Null (with an error) when the
   * order service cannot answer.
   */
  orders?: Maybe<OrderConnection>;
};

export type QueryOrderArgs = {
  id: Scalars['ID']['input'];
};

export type QueryOrderForPaymentArgs = {
  orderId: Scalars['ID']['input'];
};

export type QueryOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<OrderStatus>;
};

/** Input of `shipOrder`. */
export type ShipOrderInput = {
  /** The carrier (1–100 characters). */
  carrier: Scalars['String']['input'];
  /** The order to ship. */
  orderId: Scalars['ID']['input'];
  /** The carrier's tracking number (1–100 characters). */
  trackingNumber: Scalars['String']['input'];
};

/** The address an order is shipped to. */
export type ShippingAddress = {
  __typename?: 'ShippingAddress';
  /** City or town. */
  city: Scalars['String']['output'];
  /** ISO 3166-1 alpha-2 country code in upper case, e.g. DE. */
  countryCode: Scalars['String']['output'];
  /** Recipient's full name. */
  fullName: Scalars['String']['output'];
  /** Street and number. */
  line1: Scalars['String']['output'];
  /** Apartment, suite, c/o… */
  line2?: Maybe<Scalars['String']['output']>;
  /** Contact phone number for delivery. */
  phone?: Maybe<Scalars['String']['output']>;
  /** Postal or ZIP code. */
  postalCode: Scalars['String']['output'];
  /** State, province or region, where the country uses one. */
  region?: Maybe<Scalars['String']['output']>;
};

/** A shipping address given at checkout. */
export type ShippingAddressInput = {
  /** City or town (1–100 characters). */
  city: Scalars['String']['input'];
  /** ISO 3166-1 alpha-2 country code, two upper-case letters, e.g. DE. */
  countryCode: Scalars['String']['input'];
  /** Recipient's full name (1–100 characters). */
  fullName: Scalars['String']['input'];
  /** Street and number (1–200 characters). */
  line1: Scalars['String']['input'];
  /** Apartment, suite, c/o… (up to 200 characters). */
  line2?: InputMaybe<Scalars['String']['input']>;
  /** Contact phone number for delivery. */
  phone?: InputMaybe<Scalars['String']['input']>;
  /** Postal or ZIP code (letters, digits, spaces, hyphens; up to 20 characters). */
  postalCode: Scalars['String']['input'];
  /** State, province or region (up to 100 characters). */
  region?: InputMaybe<Scalars['String']['input']>;
};

/** A registered account (owned by the user subgraph); this subgraph adds its orders. */
export type User = {
  __typename?: 'User';
  /** Stable identifier (a UUID). */
  id: Scalars['ID']['output'];
  /**
   * The user's orders, newest first. Empty unless the caller is this user or an ADMIN; null (with
   * an error) when the order service is unavailable.
   */
  orders?: Maybe<OrderConnection>;
};

/** A registered account (owned by the user subgraph); this subgraph adds its orders. */
export type UserOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A product variant (owned by the product subgraph). */
export type Variant = {
  __typename?: 'Variant';
  /** Stable identifier. */
  id: Scalars['ID']['output'];
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
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Order: { __typename: 'Order' } & GraphQLRecursivePick<FederationTypes['Order'], { id: true }>;
  User: { __typename: 'User' } & GraphQLRecursivePick<FederationTypes['User'], { id: true }>;
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  CancelOrderInput: CancelOrderInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CheckoutBreakdown: ResolverTypeWrapper<CheckoutBreakdown>;
  CheckoutBreakdownLine: ResolverTypeWrapper<CheckoutBreakdownLine>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  CheckoutErrorCode: CheckoutErrorCode;
  CheckoutInput: CheckoutInput;
  CheckoutPayload: ResolverTypeWrapper<
    Omit<CheckoutPayload, 'order'> & { order?: Maybe<ResolversTypes['Order']> }
  >;
  CheckoutUserError: ResolverTypeWrapper<CheckoutUserError>;
  CompleteOrderInput: CompleteOrderInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  MarkOrderDeliveredInput: MarkOrderDeliveredInput;
  MinorUnits: ResolverTypeWrapper<Scalars['MinorUnits']['output']>;
  Money: ResolverTypeWrapper<Money>;
  MoneyInput: MoneyInput;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Order: ResolverTypeWrapper<OrderRow>;
  OrderActorRole: OrderActorRole;
  OrderConnection: ResolverTypeWrapper<
    Omit<OrderConnection, 'edges'> & { edges: Array<ResolversTypes['OrderEdge']> }
  >;
  OrderEdge: ResolverTypeWrapper<Omit<OrderEdge, 'node'> & { node: ResolversTypes['Order'] }>;
  OrderErrorCode: OrderErrorCode;
  OrderForPayment: ResolverTypeWrapper<OrderForPayment>;
  OrderLine: ResolverTypeWrapper<OrderLineRow>;
  OrderPayload: ResolverTypeWrapper<
    Omit<OrderPayload, 'order'> & { order?: Maybe<ResolversTypes['Order']> }
  >;
  OrderShipment: ResolverTypeWrapper<OrderShipment>;
  OrderStatus: OrderStatus;
  OrderStatusChange: ResolverTypeWrapper<OrderStatusChange>;
  OrderUserError: ResolverTypeWrapper<OrderUserError>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ShipOrderInput: ShipOrderInput;
  ShippingAddress: ResolverTypeWrapper<ShippingAddress>;
  ShippingAddressInput: ShippingAddressInput;
  User: ResolverTypeWrapper<
    Omit<User, 'orders'> & { orders?: Maybe<ResolversTypes['OrderConnection']> }
  >;
  Variant: ResolverTypeWrapper<Variant>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  CancelOrderInput: CancelOrderInput;
  ID: Scalars['ID']['output'];
  CheckoutBreakdown: CheckoutBreakdown;
  CheckoutBreakdownLine: CheckoutBreakdownLine;
  Int: Scalars['Int']['output'];
  CheckoutInput: CheckoutInput;
  CheckoutPayload: Omit<CheckoutPayload, 'order'> & {
    order?: Maybe<ResolversParentTypes['Order']>;
  };
  CheckoutUserError: CheckoutUserError;
  CompleteOrderInput: CompleteOrderInput;
  DateTime: Scalars['DateTime']['output'];
  MarkOrderDeliveredInput: MarkOrderDeliveredInput;
  MinorUnits: Scalars['MinorUnits']['output'];
  Money: Money;
  MoneyInput: MoneyInput;
  Mutation: Record<PropertyKey, never>;
  Order: OrderRow;
  OrderConnection: Omit<OrderConnection, 'edges'> & {
    edges: Array<ResolversParentTypes['OrderEdge']>;
  };
  OrderEdge: Omit<OrderEdge, 'node'> & { node: ResolversParentTypes['Order'] };
  OrderForPayment: OrderForPayment;
  OrderLine: OrderLineRow;
  OrderPayload: Omit<OrderPayload, 'order'> & { order?: Maybe<ResolversParentTypes['Order']> };
  OrderShipment: OrderShipment;
  OrderStatusChange: OrderStatusChange;
  OrderUserError: OrderUserError;
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  Query: Record<PropertyKey, never>;
  ShipOrderInput: ShipOrderInput;
  ShippingAddress: ShippingAddress;
  ShippingAddressInput: ShippingAddressInput;
  User:
    | (Omit<User, 'orders'> & { orders?: Maybe<ResolversParentTypes['OrderConnection']> })
    | FederationReferenceTypes['User'];
  Variant: Variant;
  String: Scalars['String']['output'];
}>;

export type AuthDirectiveArgs = {
  requires?: Array<Scalars['String']['input']>;
};

export type AuthDirectiveResolver<
  Result,
  Parent,
  ContextType = OrderContext,
  Args = AuthDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CheckoutBreakdownResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['CheckoutBreakdown'] =
    ResolversParentTypes['CheckoutBreakdown'],
> = ResolversObject<{
  lines?: Resolver<Array<ResolversTypes['CheckoutBreakdownLine']>, ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export type CheckoutBreakdownLineResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['CheckoutBreakdownLine'] =
    ResolversParentTypes['CheckoutBreakdownLine'],
> = ResolversObject<{
  lineTotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  previousUnitPrice?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  variantId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type CheckoutPayloadResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['CheckoutPayload'] =
    ResolversParentTypes['CheckoutPayload'],
> = ResolversObject<{
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['CheckoutUserError']>, ParentType, ContextType>;
}>;

export type CheckoutUserErrorResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['CheckoutUserError'] =
    ResolversParentTypes['CheckoutUserError'],
> = ResolversObject<{
  available?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  breakdown?: Resolver<Maybe<ResolversTypes['CheckoutBreakdown']>, ParentType, ContextType>;
  code?: Resolver<ResolversTypes['CheckoutErrorCode'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  orderId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  requested?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  variantId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
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
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money'],
> = ResolversObject<{
  amount?: Resolver<ResolversTypes['MinorUnits'], ParentType, ContextType>;
  currencyCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  cancelOrder?: Resolver<
    Maybe<ResolversTypes['OrderPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationCancelOrderArgs, 'input'>
  >;
  checkout?: Resolver<
    Maybe<ResolversTypes['CheckoutPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationCheckoutArgs, 'input'>
  >;
  completeOrder?: Resolver<
    Maybe<ResolversTypes['OrderPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationCompleteOrderArgs, 'input'>
  >;
  markOrderDelivered?: Resolver<
    Maybe<ResolversTypes['OrderPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationMarkOrderDeliveredArgs, 'input'>
  >;
  shipOrder?: Resolver<
    Maybe<ResolversTypes['OrderPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationShipOrderArgs, 'input'>
  >;
}>;

export type OrderResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order'],
  FederationReferenceType extends FederationReferenceTypes['Order'] =
    FederationReferenceTypes['Order'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['Order']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  customer?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  history?: Resolver<Array<ResolversTypes['OrderStatusChange']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['OrderLine']>, ParentType, ContextType>;
  nextStates?: Resolver<Array<ResolversTypes['OrderStatus']>, ParentType, ContextType>;
  number?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  shipment?: Resolver<Maybe<ResolversTypes['OrderShipment']>, ParentType, ContextType>;
  shippingAddress?: Resolver<ResolversTypes['ShippingAddress'], ParentType, ContextType>;
  shippingTotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  subtotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type OrderConnectionResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['OrderConnection'] =
    ResolversParentTypes['OrderConnection'],
> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['OrderEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type OrderEdgeResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['OrderEdge'] = ResolversParentTypes['OrderEdge'],
> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Order'], ParentType, ContextType>;
}>;

export type OrderForPaymentResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['OrderForPayment'] =
    ResolversParentTypes['OrderForPayment'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  userId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type OrderLineResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['OrderLine'] = ResolversParentTypes['OrderLine'],
> = ResolversObject<{
  lineTotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  productId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  productName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  variant?: Resolver<Maybe<ResolversTypes['Variant']>, ParentType, ContextType>;
  variantId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  variantName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type OrderPayloadResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['OrderPayload'] = ResolversParentTypes['OrderPayload'],
> = ResolversObject<{
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['OrderUserError']>, ParentType, ContextType>;
}>;

export type OrderShipmentResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['OrderShipment'] = ResolversParentTypes['OrderShipment'],
> = ResolversObject<{
  carrier?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  shippedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  trackingNumber?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type OrderStatusChangeResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['OrderStatusChange'] =
    ResolversParentTypes['OrderStatusChange'],
> = ResolversObject<{
  actorRole?: Resolver<ResolversTypes['OrderActorRole'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  from?: Resolver<Maybe<ResolversTypes['OrderStatus']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
}>;

export type OrderUserErrorResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['OrderUserError'] =
    ResolversParentTypes['OrderUserError'],
> = ResolversObject<{
  code?: Resolver<ResolversTypes['OrderErrorCode'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type PageInfoResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo'],
> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type QueryResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  order?: Resolver<
    Maybe<ResolversTypes['Order']>,
    ParentType,
    ContextType,
    RequireFields<QueryOrderArgs, 'id'>
  >;
  orderForPayment?: Resolver<
    Maybe<ResolversTypes['OrderForPayment']>,
    ParentType,
    ContextType,
    RequireFields<QueryOrderForPaymentArgs, 'orderId'>
  >;
  orders?: Resolver<
    Maybe<ResolversTypes['OrderConnection']>,
    ParentType,
    ContextType,
    Partial<QueryOrdersArgs>
  >;
}>;

export type ShippingAddressResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['ShippingAddress'] =
    ResolversParentTypes['ShippingAddress'],
> = ResolversObject<{
  city?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  countryCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  fullName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line1?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line2?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  postalCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  region?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type UserResolvers<
  ContextType = OrderContext,
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
  orders?: Resolver<
    Maybe<ResolversTypes['OrderConnection']>,
    ParentType,
    ContextType,
    Partial<UserOrdersArgs>
  >;
}>;

export type VariantResolvers<
  ContextType = OrderContext,
  ParentType extends ResolversParentTypes['Variant'] = ResolversParentTypes['Variant'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = OrderContext> = ResolversObject<{
  CheckoutBreakdown?: CheckoutBreakdownResolvers<ContextType>;
  CheckoutBreakdownLine?: CheckoutBreakdownLineResolvers<ContextType>;
  CheckoutPayload?: CheckoutPayloadResolvers<ContextType>;
  CheckoutUserError?: CheckoutUserErrorResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  MinorUnits?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  OrderConnection?: OrderConnectionResolvers<ContextType>;
  OrderEdge?: OrderEdgeResolvers<ContextType>;
  OrderForPayment?: OrderForPaymentResolvers<ContextType>;
  OrderLine?: OrderLineResolvers<ContextType>;
  OrderPayload?: OrderPayloadResolvers<ContextType>;
  OrderShipment?: OrderShipmentResolvers<ContextType>;
  OrderStatusChange?: OrderStatusChangeResolvers<ContextType>;
  OrderUserError?: OrderUserErrorResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ShippingAddress?: ShippingAddressResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
  Variant?: VariantResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = OrderContext> = ResolversObject<{
  auth?: AuthDirectiveResolver<any, any, ContextType>;
}>;

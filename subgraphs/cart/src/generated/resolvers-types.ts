import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { CartSnapshot } from '../repo';
import type { CartLineRow } from '../tables';
import type { CartContext } from '../resolvers';
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

/** Input of `addCartLines`. */
export type AddCartLinesInput = {
  /** Token of a guest cart; omit to use the signed-in user's cart or to start a new guest cart. */
  cartToken?: InputMaybe<Scalars['String']['input']>;
  /** Fails with VERSION_CONFLICT unless the cart is at this version (0 when there is no cart yet). */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Lines to add; quantities add up with lines already in the cart. */
  lines: Array<CartLineInput>;
};

/** A shopping cart of a signed-in user or of a guest (reachable with its cart token). */
export type Cart = {
  __typename?: 'Cart';
  /** ISO 4217 currency of every line; null when the cart is empty. */
  currencyCode?: Maybe<Scalars['String']['output']>;
  /** Stable identifier (a UUID). */
  id: Scalars['ID']['output'];
  /** The lines, in the order they were first added. */
  lines: Array<CartLine>;
  /** Lifecycle state. */
  status: CartStatus;
  /** Sum of the line totals at their snapshot prices; null when the cart is empty. */
  subtotal?: Maybe<Money>;
  /** Sum of the quantities of all lines. */
  totalQuantity: Scalars['Int']['output'];
  /** When the cart last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** Increases with every change; pass it as `expectedVersion` to detect concurrent edits. */
  version: Scalars['Int']['output'];
  /**
   * Problems found by re-checking the lines against the catalog now (price changes, stock,
   * availability). Empty when the catalog cannot be reached or the cart is no longer ACTIVE.
   */
  warnings: Array<CartWarning>;
};

/** Why a cart mutation did not succeed. */
export type CartErrorCode =
  /** The cart was merged or converted into an order and can no longer change. */
  | 'CART_NOT_ACTIVE'
  /** There is no such cart for the caller. */
  | 'CART_NOT_FOUND'
  /** The variant is priced in another currency than the cart. */
  | 'CURRENCY_MISMATCH'
  /** The cart token is malformed or forged. */
  | 'INVALID_CART_TOKEN'
  /** A quantity is outside 1 to 99, or the cart would exceed 100 lines. */
  | 'INVALID_QUANTITY'
  /** The variant has no stock. */
  | 'OUT_OF_STOCK'
  /**
   * The variant's product is not published, or the variant is priced above the largest unit price
   * a checkout accepts.
   */
  | 'PRODUCT_UNAVAILABLE'
  /** The variant does not exist (or is not in this cart). */
  | 'VARIANT_NOT_FOUND'
  /** `expectedVersion` is not the cart's current version. */
  | 'VERSION_CONFLICT';

/** One variant in a cart with its quantity and the price it was added at. */
export type CartLine = {
  __typename?: 'CartLine';
  /** Unit price in the catalog now; null when the catalog cannot be reached or the variant is gone. */
  currentUnitPrice?: Maybe<Money>;
  /** Stable identifier of the line (a UUID). */
  id: Scalars['ID']['output'];
  /** `unitPrice` times `quantity`. */
  lineTotal: Money;
  /** Product name when the variant was added. */
  productName: Scalars['String']['output'];
  /** Units of the variant, 1 to 99. */
  quantity: Scalars['Int']['output'];
  /** SKU of the variant when it was added. */
  sku: Scalars['String']['output'];
  /** Unit price when the variant was first added (the snapshot). */
  unitPrice: Money;
  /** The variant (fields resolved by the product subgraph). */
  variant?: Maybe<Variant>;
  /** Id of the variant. */
  variantId: Scalars['ID']['output'];
  /** Variant name when it was added. */
  variantName: Scalars['String']['output'];
};

/** A variant and a quantity to add. */
export type CartLineInput = {
  /** Units to add, 1 to 99. */
  quantity: Scalars['Int']['input'];
  /** Id of the variant to add. */
  variantId: Scalars['ID']['input'];
};

/** How to combine a guest cart with the signed-in user's cart. */
export type CartMergeStrategy =
  /** Union of both carts; for a variant in both, the larger quantity. */
  | 'MERGE'
  /** Keep the user's lines and discard the guest's. */
  | 'USE_EXISTING'
  /** The guest cart's lines replace the user's. */
  | 'USE_GUEST';

/** Result of a cart mutation. */
export type CartPayload = {
  __typename?: 'CartPayload';
  /** The cart after the change; null when the mutation failed. */
  cart?: Maybe<Cart>;
  /** The guest cart token, when the cart is a guest cart; keep it to find the cart again. */
  cartToken?: Maybe<Scalars['String']['output']>;
  /** Why the mutation did not happen; empty on success. */
  userErrors: Array<CartUserError>;
  /** Problems found when re-checking the cart against the catalog. */
  warnings: Array<CartWarning>;
};

/** Lifecycle state of a cart. */
export type CartStatus =
  /** The cart can be changed and checked out. */
  | 'ACTIVE'
  /**
   * A checkout holds the cart while it places an order from it; read-only. It becomes CONVERTED
   * when the order is placed, or ACTIVE again when the checkout fails. Lines added meanwhile go to
   * a new cart.
   */
  | 'CHECKING_OUT'
  /** The cart became an order; read-only. */
  | 'CONVERTED'
  /** A guest cart that was merged into a signed-in user's cart; read-only. */
  | 'MERGED';

/** An expected failure of a cart mutation. */
export type CartUserError = {
  __typename?: 'CartUserError';
  /** Machine-readable reason. */
  code: CartErrorCode;
  /** Path of the offending input field, e.g. ["input", "lines", "0", "quantity"]. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
};

/** A problem with a cart line that does not prevent changing the cart. */
export type CartWarning = {
  __typename?: 'CartWarning';
  /** Machine-readable kind of problem. */
  code: CartWarningCode;
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
  /** The variant concerned, when the warning is about one line. */
  variantId?: Maybe<Scalars['ID']['output']>;
};

/** Kinds of problems found when re-checking a cart against the catalog. */
export type CartWarningCode =
  /** The cart holds more units than are in stock. */
  | 'NOT_ENOUGH_STOCK'
  /** The variant has no stock. */
  | 'OUT_OF_STOCK'
  /** The current price differs from the price the line was added at. */
  | 'PRICE_CHANGED'
  /** The variant no longer exists or its product is not published. */
  | 'PRODUCT_UNAVAILABLE';

/** A cart as the order subgraph reads it at checkout (service only). */
export type CheckoutCart = {
  __typename?: 'CheckoutCart';
  /** Currency of every line; null when the cart is empty. */
  currencyCode?: Maybe<Scalars['String']['output']>;
  /** Id of the cart. */
  id: Scalars['ID']['output'];
  /** The lines to order. */
  lines: Array<CheckoutCartLine>;
  /** Owner of the cart. */
  userId: Scalars['ID']['output'];
  /** Version of the cart when it was claimed. */
  version: Scalars['Int']['output'];
};

/** One line of a `CheckoutCart`. */
export type CheckoutCartLine = {
  __typename?: 'CheckoutCartLine';
  /** Units ordered. */
  quantity: Scalars['Int']['output'];
  /** Unit price snapshot of the line. */
  unitPrice: Money;
  /** Id of the variant. */
  variantId: Scalars['ID']['output'];
};

/** Answer of `claimCartForCheckout` (service only): the claimed cart, or the order that holds it. */
export type CheckoutClaim = {
  __typename?: 'CheckoutClaim';
  /** The cart, now CHECKING_OUT for the claiming order; null when another order holds the cart. */
  cart?: Maybe<CheckoutCart>;
  /**
   * The order the cart is already claimed by (still checking out) or was converted into; null when
   * the claim succeeded.
   */
  claimedByOrderId?: Maybe<Scalars['ID']['output']>;
};

/** Input of `mergeGuestCart`. */
export type MergeGuestCartInput = {
  /** Token of the guest cart to merge. */
  cartToken: Scalars['String']['input'];
  /** Fails with VERSION_CONFLICT unless the user's cart is at this version (0 when they have none). */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** How to combine the carts. */
  strategy: CartMergeStrategy;
};

/** An amount of money in integer minor units plus its currency. */
export type Money = {
  __typename?: 'Money';
  /** Amount in minor units of the currency (e.g. cents); never a float. */
  amount: Scalars['MinorUnits']['output'];
  /** ISO 4217 currency code, e.g. USD. */
  currencyCode: Scalars['String']['output'];
};

/** Cart changes. Anonymous callers work on guest carts identified by their token. */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Adds variants to a cart. Signed in without a token: the user's cart, created on first add.
   * Anonymous without a token: a new guest cart, whose token is returned.
   */
  addCartLines?: Maybe<CartPayload>;
  /**
   * Claims a cart for the order `orderId` (service only), atomically: an ACTIVE cart of `userId`
   * becomes CHECKING_OUT and is answered with its lines; a cart claimed by another order, or
   * converted into one, is answered with that order's id (a claim older than the claim TTL, whose
   * checkout died, may be taken over). Null when the cart does not exist or is not the user's.
   * Claiming again for the same order answers the cart again.
   */
  claimCartForCheckout?: Maybe<CheckoutClaim>;
  /**
   * Merges a guest cart into the signed-in user's cart (requires sign-in). Idempotent: merging a
   * merged guest cart again returns the user's cart unchanged.
   */
  mergeGuestCart?: Maybe<CartPayload>;
  /**
   * Gives back the claim of a checkout that failed (service only): the cart becomes ACTIVE again
   * (taking in the lines added to a newer cart meanwhile). True when released; false when `orderId`
   * does not hold the cart's claim (already released, taken over or converted).
   */
  releaseCartClaim?: Maybe<Scalars['Boolean']['output']>;
  /** Removes a line. */
  removeCartLine?: Maybe<CartPayload>;
  /** Sets the quantity of a line; 0 removes it. */
  updateCartLine?: Maybe<CartPayload>;
};

/** Cart changes. Anonymous callers work on guest carts identified by their token. */
export type MutationAddCartLinesArgs = {
  input: AddCartLinesInput;
};

/** Cart changes. Anonymous callers work on guest carts identified by their token. */
export type MutationClaimCartForCheckoutArgs = {
  cartId: Scalars['ID']['input'];
  orderId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};

/** Cart changes. Anonymous callers work on guest carts identified by their token. */
export type MutationMergeGuestCartArgs = {
  input: MergeGuestCartInput;
};

/** Cart changes. Anonymous callers work on guest carts identified by their token. */
export type MutationReleaseCartClaimArgs = {
  cartId: Scalars['ID']['input'];
  orderId: Scalars['ID']['input'];
};

/** Cart changes. Anonymous callers work on guest carts identified by their token. */
export type MutationRemoveCartLineArgs = {
  input: RemoveCartLineInput;
};

/** Cart changes. Anonymous callers work on guest carts identified by their token. */
export type MutationUpdateCartLineArgs = {
  input: UpdateCartLineInput;
};

/** Cart reads. */
export type Query = {
  __typename?: 'Query';
  /**
   * With `cartToken`: that guest cart (null when the token is invalid). Without: the signed-in
   * user's ACTIVE cart, or null.
   */
  cart?: Maybe<Cart>;
};

/** Cart reads. */
export type QueryCartArgs = {
  cartToken?: InputMaybe<Scalars['String']['input']>;
};

/** Input of `removeCartLine`. */
export type RemoveCartLineInput = {
  /** Token of a guest cart; omit to use the signed-in user's cart. */
  cartToken?: InputMaybe<Scalars['String']['input']>;
  /** Fails with VERSION_CONFLICT unless the cart is at this version. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** The variant whose line is removed. */
  variantId: Scalars['ID']['input'];
};

/** Input of `updateCartLine`. */
export type UpdateCartLineInput = {
  /** Token of a guest cart; omit to use the signed-in user's cart. */
  cartToken?: InputMaybe<Scalars['String']['input']>;
  /** Fails with VERSION_CONFLICT unless the cart is at this version. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** The new quantity, 0 to 99; 0 removes the line. */
  quantity: Scalars['Int']['input'];
  /** The variant whose line changes. */
  variantId: Scalars['ID']['input'];
};

/** A registered account. Owned by the user subgraph; other subgraphs reference it by `id`. */
export type User = {
  __typename?: 'User';
  /** The user's ACTIVE cart; null unless the caller is this user, or when they have none. */
  cart?: Maybe<Cart>;
  /** Stable identifier (a UUID). */
  id: Scalars['ID']['output'];
};

/** One purchasable version of a product, with its own SKU, price and stock. */
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
  Cart: Cart;
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Cart: { __typename: 'Cart' } & GraphQLRecursivePick<FederationTypes['Cart'], { id: true }>;
  User: { __typename: 'User' } & GraphQLRecursivePick<FederationTypes['User'], { id: true }>;
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AddCartLinesInput: AddCartLinesInput;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Cart: ResolverTypeWrapper<CartSnapshot>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CartErrorCode: CartErrorCode;
  CartLine: ResolverTypeWrapper<CartLineRow>;
  CartLineInput: CartLineInput;
  CartMergeStrategy: CartMergeStrategy;
  CartPayload: ResolverTypeWrapper<
    Omit<CartPayload, 'cart'> & { cart?: Maybe<ResolversTypes['Cart']> }
  >;
  CartStatus: CartStatus;
  CartUserError: ResolverTypeWrapper<CartUserError>;
  CartWarning: ResolverTypeWrapper<CartWarning>;
  CartWarningCode: CartWarningCode;
  CheckoutCart: ResolverTypeWrapper<CheckoutCart>;
  CheckoutCartLine: ResolverTypeWrapper<CheckoutCartLine>;
  CheckoutClaim: ResolverTypeWrapper<CheckoutClaim>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  MergeGuestCartInput: MergeGuestCartInput;
  MinorUnits: ResolverTypeWrapper<Scalars['MinorUnits']['output']>;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RemoveCartLineInput: RemoveCartLineInput;
  UpdateCartLineInput: UpdateCartLineInput;
  User: ResolverTypeWrapper<Omit<User, 'cart'> & { cart?: Maybe<ResolversTypes['Cart']> }>;
  Variant: ResolverTypeWrapper<Variant>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AddCartLinesInput: AddCartLinesInput;
  Int: Scalars['Int']['output'];
  Cart: CartSnapshot;
  ID: Scalars['ID']['output'];
  CartLine: CartLineRow;
  CartLineInput: CartLineInput;
  CartPayload: Omit<CartPayload, 'cart'> & { cart?: Maybe<ResolversParentTypes['Cart']> };
  CartUserError: CartUserError;
  CartWarning: CartWarning;
  CheckoutCart: CheckoutCart;
  CheckoutCartLine: CheckoutCartLine;
  CheckoutClaim: CheckoutClaim;
  DateTime: Scalars['DateTime']['output'];
  MergeGuestCartInput: MergeGuestCartInput;
  MinorUnits: Scalars['MinorUnits']['output'];
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  Boolean: Scalars['Boolean']['output'];
  Query: Record<PropertyKey, never>;
  RemoveCartLineInput: RemoveCartLineInput;
  UpdateCartLineInput: UpdateCartLineInput;
  User:
    | (Omit<User, 'cart'> & { cart?: Maybe<ResolversParentTypes['Cart']> })
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
  ContextType = CartContext,
  Args = AuthDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CartResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['Cart'] = ResolversParentTypes['Cart'],
  FederationReferenceType extends FederationReferenceTypes['Cart'] =
    FederationReferenceTypes['Cart'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['Cart']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  currencyCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['CartLine']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['CartStatus'], ParentType, ContextType>;
  subtotal?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  totalQuantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  warnings?: Resolver<Array<ResolversTypes['CartWarning']>, ParentType, ContextType>;
}>;

export type CartLineResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['CartLine'] = ResolversParentTypes['CartLine'],
> = ResolversObject<{
  currentUnitPrice?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lineTotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  productName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  variant?: Resolver<Maybe<ResolversTypes['Variant']>, ParentType, ContextType>;
  variantId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  variantName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type CartPayloadResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['CartPayload'] = ResolversParentTypes['CartPayload'],
> = ResolversObject<{
  cart?: Resolver<Maybe<ResolversTypes['Cart']>, ParentType, ContextType>;
  cartToken?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['CartUserError']>, ParentType, ContextType>;
  warnings?: Resolver<Array<ResolversTypes['CartWarning']>, ParentType, ContextType>;
}>;

export type CartUserErrorResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['CartUserError'] = ResolversParentTypes['CartUserError'],
> = ResolversObject<{
  code?: Resolver<ResolversTypes['CartErrorCode'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type CartWarningResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['CartWarning'] = ResolversParentTypes['CartWarning'],
> = ResolversObject<{
  code?: Resolver<ResolversTypes['CartWarningCode'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  variantId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
}>;

export type CheckoutCartResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['CheckoutCart'] = ResolversParentTypes['CheckoutCart'],
> = ResolversObject<{
  currencyCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['CheckoutCartLine']>, ParentType, ContextType>;
  userId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type CheckoutCartLineResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['CheckoutCartLine'] =
    ResolversParentTypes['CheckoutCartLine'],
> = ResolversObject<{
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  variantId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type CheckoutClaimResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['CheckoutClaim'] = ResolversParentTypes['CheckoutClaim'],
> = ResolversObject<{
  cart?: Resolver<Maybe<ResolversTypes['CheckoutCart']>, ParentType, ContextType>;
  claimedByOrderId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
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
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money'],
> = ResolversObject<{
  amount?: Resolver<ResolversTypes['MinorUnits'], ParentType, ContextType>;
  currencyCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  addCartLines?: Resolver<
    Maybe<ResolversTypes['CartPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationAddCartLinesArgs, 'input'>
  >;
  claimCartForCheckout?: Resolver<
    Maybe<ResolversTypes['CheckoutClaim']>,
    ParentType,
    ContextType,
    RequireFields<MutationClaimCartForCheckoutArgs, 'cartId' | 'orderId' | 'userId'>
  >;
  mergeGuestCart?: Resolver<
    Maybe<ResolversTypes['CartPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationMergeGuestCartArgs, 'input'>
  >;
  releaseCartClaim?: Resolver<
    Maybe<ResolversTypes['Boolean']>,
    ParentType,
    ContextType,
    RequireFields<MutationReleaseCartClaimArgs, 'cartId' | 'orderId'>
  >;
  removeCartLine?: Resolver<
    Maybe<ResolversTypes['CartPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationRemoveCartLineArgs, 'input'>
  >;
  updateCartLine?: Resolver<
    Maybe<ResolversTypes['CartPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationUpdateCartLineArgs, 'input'>
  >;
}>;

export type QueryResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  cart?: Resolver<Maybe<ResolversTypes['Cart']>, ParentType, ContextType, Partial<QueryCartArgs>>;
}>;

export type UserResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'],
  FederationReferenceType extends FederationReferenceTypes['User'] =
    FederationReferenceTypes['User'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['User']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  cart?: Resolver<Maybe<ResolversTypes['Cart']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type VariantResolvers<
  ContextType = CartContext,
  ParentType extends ResolversParentTypes['Variant'] = ResolversParentTypes['Variant'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = CartContext> = ResolversObject<{
  Cart?: CartResolvers<ContextType>;
  CartLine?: CartLineResolvers<ContextType>;
  CartPayload?: CartPayloadResolvers<ContextType>;
  CartUserError?: CartUserErrorResolvers<ContextType>;
  CartWarning?: CartWarningResolvers<ContextType>;
  CheckoutCart?: CheckoutCartResolvers<ContextType>;
  CheckoutCartLine?: CheckoutCartLineResolvers<ContextType>;
  CheckoutClaim?: CheckoutClaimResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  MinorUnits?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
  Variant?: VariantResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = CartContext> = ResolversObject<{
  auth?: AuthDirectiveResolver<any, any, ContextType>;
}>;

import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type {
  Category as CategoryModel,
  Product as ProductModel,
  Variant as VariantModel,
} from '../model';
import type { ProductContext } from '../resolvers';
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

/** Counts per value of one attribute. */
export type AttributeFacet = {
  __typename?: 'AttributeFacet';
  /** Attribute name, e.g. `color`. */
  name: Scalars['String']['output'];
  /** The values and their counts, most first. */
  values: Array<AttributeValueFacet>;
};

/** An attribute condition of a search: the attribute must have one of the values. */
export type AttributeFilterInput = {
  /** Attribute name, e.g. `color` (exact, case-sensitive). */
  name: Scalars['String']['input'];
  /** Accepted values, e.g. ["Black", "White"] (exact, case-sensitive). */
  values: Array<Scalars['String']['input']>;
};

/** How many matching products have one attribute value. */
export type AttributeValueFacet = {
  __typename?: 'AttributeValueFacet';
  /** Number of matching products with a variant having this value. */
  count: Scalars['Int']['output'];
  /** Attribute value, e.g. `Black`. */
  value: Scalars['String']['output'];
};

/** Why a catalog mutation did not happen. */
export type CatalogErrorCode =
  /** The referenced category does not exist. */
  | 'CATEGORY_NOT_FOUND'
  /** The variants of one product would use different currencies. */
  | 'CURRENCY_MISMATCH'
  /** The currency is not an active ISO 4217 code in upper case (e.g. USD; not usd or XYZ). */
  | 'INVALID_CURRENCY'
  /** Some other field is malformed (empty name, bad slug or SKU…). */
  | 'INVALID_INPUT'
  /**
   * The price is negative, not a whole number of minor units, or above the largest unit price
   * (1,000,000,000 minor units).
   */
  | 'INVALID_PRICE'
  /** The stock is negative or not a whole number. */
  | 'INVALID_STOCK'
  /** A published product needs at least one variant. */
  | 'NO_VARIANTS'
  /** The referenced product does not exist. */
  | 'PRODUCT_NOT_FOUND'
  /** Another variant already uses this SKU. */
  | 'SKU_TAKEN'
  /** Another product or category already uses this slug. */
  | 'SLUG_TAKEN'
  /** The referenced variant does not exist. */
  | 'VARIANT_NOT_FOUND';

/** An expected reason a catalog mutation did not happen. */
export type CatalogUserError = {
  __typename?: 'CatalogUserError';
  /** Machine-readable reason. */
  code: CatalogErrorCode;
  /** Path to the offending input field, e.g. ["input", "variants", "0", "sku"]. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
};

/** A node of the category tree (e.g. Electronics › Phones). */
export type Category = {
  __typename?: 'Category';
  /** Direct subcategories. */
  children: Array<Category>;
  /** Longer text describing the category. */
  description: Scalars['String']['output'];
  /** Stable identifier. */
  id: Scalars['ID']['output'];
  /** Display name. */
  name: Scalars['String']['output'];
  /** The parent category; null for a root. */
  parent?: Maybe<Category>;
  /** Categories from the root down to this one (inclusive), for breadcrumbs. */
  path: Array<Category>;
  /** Products in this category or any of its descendants, oldest first. Customers see published products only. */
  products: ProductConnection;
  /** URL-friendly unique name, e.g. `phones`. */
  slug: Scalars['String']['output'];
};

/** A node of the category tree (e.g. Electronics › Phones). */
export type CategoryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** How many matching products are in one category. */
export type CategoryFacet = {
  __typename?: 'CategoryFacet';
  /** The category. */
  category: Category;
  /** Number of matching products directly in it. */
  count: Scalars['Int']['output'];
};

/** Result of a category mutation. */
export type CategoryPayload = {
  __typename?: 'CategoryPayload';
  /** The category, when the mutation succeeded. */
  category?: Maybe<Category>;
  /** Why the mutation did not happen; empty on success. */
  userErrors: Array<CatalogUserError>;
};

/** A new category. */
export type CreateCategoryInput = {
  /** Longer text describing the category. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Display name, 1 to 200 characters. */
  name: Scalars['String']['input'];
  /** Parent category; omit for a root category. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  /** URL-friendly unique name; derived from the name when omitted. */
  slug?: InputMaybe<Scalars['String']['input']>;
};

/** A new product; it starts as a DRAFT. */
export type CreateProductInput = {
  /** The category the product belongs to. */
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  /** Longer text describing the product. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Display name, 1 to 200 characters. */
  name: Scalars['String']['input'];
  /** URL-friendly unique name; derived from the name when omitted. */
  slug?: InputMaybe<Scalars['String']['input']>;
  /** The product's variants, all in one currency (may be empty for a draft). */
  variants: Array<VariantInput>;
};

/** Result of deleting a product. */
export type DeleteProductPayload = {
  __typename?: 'DeleteProductPayload';
  /** Id of the deleted product, when the mutation succeeded. */
  deletedProductId?: Maybe<Scalars['ID']['output']>;
  /** Why the mutation did not happen; empty on success. */
  userErrors: Array<CatalogUserError>;
};

/** Result of deleting a variant. */
export type DeleteVariantPayload = {
  __typename?: 'DeleteVariantPayload';
  /** Id of the deleted variant, when the mutation succeeded. */
  deletedVariantId?: Maybe<Scalars['ID']['output']>;
  /** The product the variant belonged to, when the mutation succeeded. */
  product?: Maybe<Product>;
  /** Why the mutation did not happen; empty on success. */
  userErrors: Array<CatalogUserError>;
};

/** How many matching products are (or are not) in stock. */
export type InStockFacet = {
  __typename?: 'InStockFacet';
  /** Number of matching products. */
  count: Scalars['Int']['output'];
  /** Whether the products have a variant in stock. */
  value: Scalars['Boolean']['output'];
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

/** Catalog writes; all require the ADMIN role. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Adds a variant to a product (admin only). */
  addVariant?: Maybe<VariantPayload>;
  /** Creates a category (admin only). */
  createCategory?: Maybe<CategoryPayload>;
  /** Creates a DRAFT product with its variants in one step (admin only). */
  createProduct?: Maybe<ProductPayload>;
  /** Deletes a product and its variants (admin only). */
  deleteProduct?: Maybe<DeleteProductPayload>;
  /** Deletes a variant; a published product keeps at least one (admin only). */
  deleteVariant?: Maybe<DeleteVariantPayload>;
  /** Makes a product visible to customers; it needs at least one variant (admin only). */
  publishProduct?: Maybe<ProductPayload>;
  /** Service only (order subgraph): gives back the stock reserved for an order. Idempotent. */
  releaseStock: Scalars['Boolean']['output'];
  /**
   * Service only (order subgraph): reserves stock for every line of an order, or for none. Atomic
   * and idempotent per order id. Not part of the public API.
   */
  reserveStock: ReserveStockResult;
  /** Hides a product from customers again (admin only). */
  unpublishProduct?: Maybe<ProductPayload>;
  /** Changes a product's name, slug, description or category (admin only). */
  updateProduct?: Maybe<ProductPayload>;
  /** Changes a variant's name, price, stock or attributes (admin only). */
  updateVariant?: Maybe<VariantPayload>;
};

/** Catalog writes; all require the ADMIN role. */
export type MutationAddVariantArgs = {
  input: VariantInput;
  productId: Scalars['ID']['input'];
};

/** Catalog writes; all require the ADMIN role. */
export type MutationCreateCategoryArgs = {
  input: CreateCategoryInput;
};

/** Catalog writes; all require the ADMIN role. */
export type MutationCreateProductArgs = {
  input: CreateProductInput;
};

/** Catalog writes; all require the ADMIN role. */
export type MutationDeleteProductArgs = {
  id: Scalars['ID']['input'];
};

/** Catalog writes; all require the ADMIN role. */
export type MutationDeleteVariantArgs = {
  id: Scalars['ID']['input'];
};

/** Catalog writes; all require the ADMIN role. */
export type MutationPublishProductArgs = {
  id: Scalars['ID']['input'];
};

/** Catalog writes; all require the ADMIN role. */
export type MutationReleaseStockArgs = {
  orderId: Scalars['ID']['input'];
};

/** Catalog writes; all require the ADMIN role. */
export type MutationReserveStockArgs = {
  input: ReserveStockInput;
};

/** Catalog writes; all require the ADMIN role. */
export type MutationUnpublishProductArgs = {
  id: Scalars['ID']['input'];
};

/** Catalog writes; all require the ADMIN role. */
export type MutationUpdateProductArgs = {
  id: Scalars['ID']['input'];
  input: UpdateProductInput;
};

/** Catalog writes; all require the ADMIN role. */
export type MutationUpdateVariantArgs = {
  id: Scalars['ID']['input'];
  input: UpdateVariantInput;
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

/** The span of prices across a product's variants. */
export type PriceRange = {
  __typename?: 'PriceRange';
  /** The highest variant price. */
  max: Money;
  /** The lowest variant price. */
  min: Money;
};

/** How many matching products have their lowest price in a range. */
export type PriceRangeFacet = {
  __typename?: 'PriceRangeFacet';
  /** Number of matching products in the range. */
  count: Scalars['Int']['output'];
  /** Upper bound, exclusive (minor units); null for the open-ended top bucket. */
  max?: Maybe<Scalars['MinorUnits']['output']>;
  /** Lower bound, inclusive (minor units). */
  min: Scalars['MinorUnits']['output'];
};

/** Something that can be bought, in one or more variants. */
export type Product = {
  __typename?: 'Product';
  /** The category the product belongs to, if any. */
  category?: Maybe<Category>;
  /** When the product was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Longer text describing the product. */
  description: Scalars['String']['output'];
  /** Stable identifier. */
  id: Scalars['ID']['output'];
  /** Display name. */
  name: Scalars['String']['output'];
  /** Lowest and highest variant price; null when the product has no variants. */
  priceRange?: Maybe<PriceRange>;
  /** URL-friendly unique name. */
  slug: Scalars['String']['output'];
  /** Whether customers can see the product. */
  status: ProductStatus;
  /** When the product or one of its variants last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** The purchasable variants (sizes, colours…), in display order. */
  variants: Array<Variant>;
};

/** A page of products. */
export type ProductConnection = {
  __typename?: 'ProductConnection';
  /** The products of this page with their cursors. */
  edges: Array<ProductEdge>;
  /** Where this page sits in the whole list. */
  pageInfo: PageInfo;
  /** Number of products matching the query, across all pages. */
  totalCount: Scalars['Int']['output'];
};

/** A product and its position in a connection. */
export type ProductEdge = {
  __typename?: 'ProductEdge';
  /** Opaque position of this edge; pass it as `after`. */
  cursor: Scalars['String']['output'];
  /** The product. */
  node: Product;
};

/** Narrows a product list; all given conditions must hold. */
export type ProductFilter = {
  /** Only products in this category or any of its descendants. */
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  /** Case-insensitive substring of the product name; `%` and `_` match literally. */
  nameContains?: InputMaybe<Scalars['String']['input']>;
  /** Only products with this status (customers only ever see PUBLISHED). */
  status?: InputMaybe<ProductStatus>;
};

/** Result of a product mutation. */
export type ProductPayload = {
  __typename?: 'ProductPayload';
  /** The product, when the mutation succeeded. */
  product?: Maybe<Product>;
  /** Why the mutation did not happen; empty on success. */
  userErrors: Array<CatalogUserError>;
};

/** A page of search results with facet counts. */
export type ProductSearchConnection = {
  __typename?: 'ProductSearchConnection';
  /** The products of this page, best first for RELEVANCE. */
  edges: Array<ProductSearchEdge>;
  /** Counts over the same filtered result set as `totalCount`. */
  facets: ProductSearchFacets;
  /** Where this page sits in the whole result list. */
  pageInfo: PageInfo;
  /** Number of products matching the query and filter, across all pages. */
  totalCount: Scalars['Int']['output'];
};

/** A search result and its position. */
export type ProductSearchEdge = {
  __typename?: 'ProductSearchEdge';
  /** Opaque position of this edge; pass it as `after`. */
  cursor: Scalars['String']['output'];
  /** Fields where the query matched, with the matched words wrapped in `<em>…</em>`. */
  highlights: Array<SearchHighlight>;
  /** The product. */
  node: Product;
  /** Relevance score (higher is better; 0 without a query); only comparable within one search. */
  score: Scalars['Float']['output'];
};

/** Facet counts of a search, over the filtered result set. */
export type ProductSearchFacets = {
  __typename?: 'ProductSearchFacets';
  /** Matching products per attribute value, by attribute name. */
  attributes: Array<AttributeFacet>;
  /** Matching products per (direct) category, most first. */
  categories: Array<CategoryFacet>;
  /** Matching products with and without stock. */
  inStock: Array<InStockFacet>;
  /** Matching products per price bucket of their lowest variant price, cheapest first; empty buckets are left out. */
  priceRanges: Array<PriceRangeFacet>;
};

/** Whether customers can see a product. */
export type ProductStatus =
  /** Being prepared; visible to admins only. */
  | 'DRAFT'
  /** Visible to everyone. */
  | 'PUBLISHED';

/** Catalog reads. */
export type Query = {
  __typename?: 'Query';
  /** The root categories of the tree; null (with an error) when the product service cannot answer. */
  categories?: Maybe<Array<Category>>;
  /** One category by id or slug (give exactly one). */
  category?: Maybe<Category>;
  /** One product by id or slug (give exactly one); null when missing or not visible to the caller. */
  product?: Maybe<Product>;
  /**
   * Products, oldest first, paginated with cursors. Customers see published products only. Null
   * (with an error) when the product service cannot answer; other root fields are unaffected.
   */
  products?: Maybe<ProductConnection>;
  /**
   * Storefront full-text search over PUBLISHED products (for every caller, admins included), with
   * typo tolerance, prefix matching, filters, facets and highlights. Null with a SEARCH_UNAVAILABLE
   * error when the search engine cannot answer; the rest of the response is unaffected.
   */
  searchProducts?: Maybe<ProductSearchConnection>;
  /** One variant by id; null when missing or its product is not visible to the caller. */
  variant?: Maybe<Variant>;
};

/** Catalog reads. */
export type QueryCategoryArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  slug?: InputMaybe<Scalars['String']['input']>;
};

/** Catalog reads. */
export type QueryProductArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  slug?: InputMaybe<Scalars['String']['input']>;
};

/** Catalog reads. */
export type QueryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ProductFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Catalog reads. */
export type QuerySearchProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SearchFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
  sort?: InputMaybe<SearchSort>;
};

/** Catalog reads. */
export type QueryVariantArgs = {
  id: Scalars['ID']['input'];
};

/** Service only: what to reserve for an order. */
export type ReserveStockInput = {
  /** The variants and quantities to reserve. */
  lines: Array<ReserveStockLineInput>;
  /** The order the reservation belongs to; retries with the same id return the first result. */
  orderId: Scalars['ID']['input'];
};

/** Service only: one variant and quantity to reserve. */
export type ReserveStockLineInput = {
  /** How many units. */
  quantity: Scalars['Int']['input'];
  /** The variant. */
  variantId: Scalars['ID']['input'];
};

/** Service only: the outcome of a reservation. */
export type ReserveStockResult = {
  __typename?: 'ReserveStockResult';
  /** Why lines could not be reserved (empty when ok). */
  failures: Array<StockReservationFailure>;
  /** The reserved lines with their current prices and names (empty when not ok). */
  lines: Array<ReservedStockLine>;
  /** True when every line was reserved. */
  ok: Scalars['Boolean']['output'];
};

/** Service only: a reserved line, priced at the moment of reservation. */
export type ReservedStockLine = {
  __typename?: 'ReservedStockLine';
  /** The variant's product. */
  productId: Scalars['ID']['output'];
  /** The product's name. */
  productName: Scalars['String']['output'];
  /** Units reserved. */
  quantity: Scalars['Int']['output'];
  /** The variant's SKU. */
  sku: Scalars['String']['output'];
  /** Current unit price. */
  unitPrice: Money;
  /** The variant. */
  variantId: Scalars['ID']['output'];
  /** The variant's name. */
  variantName: Scalars['String']['output'];
};

/** Narrows a product search; all given conditions must hold. */
export type SearchFilter = {
  /** Only products having, for every listed attribute, one of its values. */
  attributes?: InputMaybe<Array<AttributeFilterInput>>;
  /** Only products in one of these categories or their descendants. */
  categoryIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** true: only products with a variant in stock; false: only products with none in stock. */
  inStock?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only products whose lowest variant price is at most this (minor units). */
  priceMax?: InputMaybe<Scalars['MinorUnits']['input']>;
  /** Only products whose lowest variant price is at least this (minor units). */
  priceMin?: InputMaybe<Scalars['MinorUnits']['input']>;
};

/** A snippet of a field with the matched words marked. */
export type SearchHighlight = {
  __typename?: 'SearchHighlight';
  /** The field the snippet comes from. */
  field: SearchHighlightField;
  /** HTML-escaped text with matched words wrapped in `<em>…</em>`. */
  snippet: Scalars['String']['output'];
};

/** Which product field a highlight comes from. */
export type SearchHighlightField =
  /** The product description. */
  | 'DESCRIPTION'
  /** The product name. */
  | 'NAME';

/** Order of search results. */
export type SearchSort =
  /** Most recently created first. */
  | 'NEWEST'
  /** Lowest price first (by the product's lowest variant price). */
  | 'PRICE_ASC'
  /** Highest price first (by the product's lowest variant price). */
  | 'PRICE_DESC'
  /** Best match first (name matches weigh most, then categories, description, attributes). */
  | 'RELEVANCE';

/** Service only: why one line could not be reserved. */
export type StockReservationFailure = {
  __typename?: 'StockReservationFailure';
  /** Units available now. */
  available: Scalars['Int']['output'];
  /** OUT_OF_STOCK, VARIANT_NOT_FOUND or PRODUCT_UNAVAILABLE. */
  code: Scalars['String']['output'];
  /** Units asked for. */
  requested: Scalars['Int']['output'];
  /** The variant. */
  variantId: Scalars['ID']['output'];
};

/** Changes to a product; omitted fields stay as they are. */
export type UpdateProductInput = {
  /** New category; an explicit null removes the product from its category. */
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  /** New description. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** New display name, 1 to 200 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** New URL-friendly unique name. */
  slug?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a variant; omitted fields stay as they are. */
export type UpdateVariantInput = {
  /** Replaces all attributes. */
  attributes?: InputMaybe<Array<VariantAttributeInput>>;
  /** New display name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** New unit price (same currency as the product's other variants). */
  price?: InputMaybe<MoneyInput>;
  /** New number of units in stock, at least 0. */
  stockOnHand?: InputMaybe<Scalars['Int']['input']>;
};

/** One purchasable version of a product, with its own SKU, price and stock. */
export type Variant = {
  __typename?: 'Variant';
  /** Descriptive attributes such as colour and size. */
  attributes: Array<VariantAttribute>;
  /** Stable identifier. */
  id: Scalars['ID']['output'];
  /** Whether at least one unit is in stock. */
  inStock: Scalars['Boolean']['output'];
  /** Display name, e.g. `256 GB` or `Black / M`. */
  name: Scalars['String']['output'];
  /** Unit price. */
  price: Money;
  /** The product this variant belongs to. */
  product: Product;
  /** Stock keeping unit, unique across the catalog. */
  sku: Scalars['String']['output'];
  /** Units in stock. */
  stockOnHand: Scalars['Int']['output'];
};

/** A name/value pair describing a variant, e.g. color = Black. */
export type VariantAttribute = {
  __typename?: 'VariantAttribute';
  /** Attribute name, e.g. `color` or `size`. */
  name: Scalars['String']['output'];
  /** Attribute value, e.g. `Black` or `M`. */
  value: Scalars['String']['output'];
};

/** A name/value pair describing a variant. */
export type VariantAttributeInput = {
  /** Attribute name, e.g. `color`. */
  name: Scalars['String']['input'];
  /** Attribute value, e.g. `Black`. */
  value: Scalars['String']['input'];
};

/** A new variant. */
export type VariantInput = {
  /** Descriptive attributes such as colour and size. */
  attributes?: InputMaybe<Array<VariantAttributeInput>>;
  /** Display name, e.g. `256 GB`. */
  name: Scalars['String']['input'];
  /** Unit price; every variant of a product uses the same currency. */
  price: MoneyInput;
  /** Stock keeping unit, unique across the catalog. */
  sku: Scalars['String']['input'];
  /** Units in stock, at least 0. */
  stockOnHand: Scalars['Int']['input'];
};

/** Result of a variant mutation. */
export type VariantPayload = {
  __typename?: 'VariantPayload';
  /** Why the mutation did not happen; empty on success. */
  userErrors: Array<CatalogUserError>;
  /** The variant, when the mutation succeeded. */
  variant?: Maybe<Variant>;
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
  Product: Product;
  Variant: Variant;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Product: { __typename: 'Product' } & GraphQLRecursivePick<
    FederationTypes['Product'],
    { id: true }
  >;
  Variant: { __typename: 'Variant' } & GraphQLRecursivePick<
    FederationTypes['Variant'],
    { id: true }
  >;
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AttributeFacet: ResolverTypeWrapper<AttributeFacet>;
  AttributeFilterInput: AttributeFilterInput;
  AttributeValueFacet: ResolverTypeWrapper<AttributeValueFacet>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  CatalogErrorCode: CatalogErrorCode;
  CatalogUserError: ResolverTypeWrapper<CatalogUserError>;
  Category: ResolverTypeWrapper<CategoryModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CategoryFacet: ResolverTypeWrapper<
    Omit<CategoryFacet, 'category'> & { category: ResolversTypes['Category'] }
  >;
  CategoryPayload: ResolverTypeWrapper<
    Omit<CategoryPayload, 'category'> & { category?: Maybe<ResolversTypes['Category']> }
  >;
  CreateCategoryInput: CreateCategoryInput;
  CreateProductInput: CreateProductInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DeleteProductPayload: ResolverTypeWrapper<DeleteProductPayload>;
  DeleteVariantPayload: ResolverTypeWrapper<
    Omit<DeleteVariantPayload, 'product'> & { product?: Maybe<ResolversTypes['Product']> }
  >;
  InStockFacet: ResolverTypeWrapper<InStockFacet>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  MinorUnits: ResolverTypeWrapper<Scalars['MinorUnits']['output']>;
  Money: ResolverTypeWrapper<Money>;
  MoneyInput: MoneyInput;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PriceRange: ResolverTypeWrapper<PriceRange>;
  PriceRangeFacet: ResolverTypeWrapper<PriceRangeFacet>;
  Product: ResolverTypeWrapper<ProductModel>;
  ProductConnection: ResolverTypeWrapper<
    Omit<ProductConnection, 'edges'> & { edges: Array<ResolversTypes['ProductEdge']> }
  >;
  ProductEdge: ResolverTypeWrapper<Omit<ProductEdge, 'node'> & { node: ResolversTypes['Product'] }>;
  ProductFilter: ProductFilter;
  ProductPayload: ResolverTypeWrapper<
    Omit<ProductPayload, 'product'> & { product?: Maybe<ResolversTypes['Product']> }
  >;
  ProductSearchConnection: ResolverTypeWrapper<
    Omit<ProductSearchConnection, 'edges' | 'facets'> & {
      edges: Array<ResolversTypes['ProductSearchEdge']>;
      facets: ResolversTypes['ProductSearchFacets'];
    }
  >;
  ProductSearchEdge: ResolverTypeWrapper<
    Omit<ProductSearchEdge, 'node'> & { node: ResolversTypes['Product'] }
  >;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ProductSearchFacets: ResolverTypeWrapper<
    Omit<ProductSearchFacets, 'categories'> & { categories: Array<ResolversTypes['CategoryFacet']> }
  >;
  ProductStatus: ProductStatus;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ReserveStockInput: ReserveStockInput;
  ReserveStockLineInput: ReserveStockLineInput;
  ReserveStockResult: ResolverTypeWrapper<ReserveStockResult>;
  ReservedStockLine: ResolverTypeWrapper<ReservedStockLine>;
  SearchFilter: SearchFilter;
  SearchHighlight: ResolverTypeWrapper<SearchHighlight>;
  SearchHighlightField: SearchHighlightField;
  SearchSort: SearchSort;
  StockReservationFailure: ResolverTypeWrapper<StockReservationFailure>;
  UpdateProductInput: UpdateProductInput;
  UpdateVariantInput: UpdateVariantInput;
  Variant: ResolverTypeWrapper<VariantModel>;
  VariantAttribute: ResolverTypeWrapper<VariantAttribute>;
  VariantAttributeInput: VariantAttributeInput;
  VariantInput: VariantInput;
  VariantPayload: ResolverTypeWrapper<
    Omit<VariantPayload, 'variant'> & { variant?: Maybe<ResolversTypes['Variant']> }
  >;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AttributeFacet: AttributeFacet;
  AttributeFilterInput: AttributeFilterInput;
  AttributeValueFacet: AttributeValueFacet;
  Int: Scalars['Int']['output'];
  CatalogUserError: CatalogUserError;
  Category: CategoryModel;
  ID: Scalars['ID']['output'];
  CategoryFacet: Omit<CategoryFacet, 'category'> & { category: ResolversParentTypes['Category'] };
  CategoryPayload: Omit<CategoryPayload, 'category'> & {
    category?: Maybe<ResolversParentTypes['Category']>;
  };
  CreateCategoryInput: CreateCategoryInput;
  CreateProductInput: CreateProductInput;
  DateTime: Scalars['DateTime']['output'];
  DeleteProductPayload: DeleteProductPayload;
  DeleteVariantPayload: Omit<DeleteVariantPayload, 'product'> & {
    product?: Maybe<ResolversParentTypes['Product']>;
  };
  InStockFacet: InStockFacet;
  Boolean: Scalars['Boolean']['output'];
  MinorUnits: Scalars['MinorUnits']['output'];
  Money: Money;
  MoneyInput: MoneyInput;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  PriceRange: PriceRange;
  PriceRangeFacet: PriceRangeFacet;
  Product: ProductModel;
  ProductConnection: Omit<ProductConnection, 'edges'> & {
    edges: Array<ResolversParentTypes['ProductEdge']>;
  };
  ProductEdge: Omit<ProductEdge, 'node'> & { node: ResolversParentTypes['Product'] };
  ProductFilter: ProductFilter;
  ProductPayload: Omit<ProductPayload, 'product'> & {
    product?: Maybe<ResolversParentTypes['Product']>;
  };
  ProductSearchConnection: Omit<ProductSearchConnection, 'edges' | 'facets'> & {
    edges: Array<ResolversParentTypes['ProductSearchEdge']>;
    facets: ResolversParentTypes['ProductSearchFacets'];
  };
  ProductSearchEdge: Omit<ProductSearchEdge, 'node'> & { node: ResolversParentTypes['Product'] };
  Float: Scalars['Float']['output'];
  ProductSearchFacets: Omit<ProductSearchFacets, 'categories'> & {
    categories: Array<ResolversParentTypes['CategoryFacet']>;
  };
  Query: Record<PropertyKey, never>;
  ReserveStockInput: ReserveStockInput;
  ReserveStockLineInput: ReserveStockLineInput;
  ReserveStockResult: ReserveStockResult;
  ReservedStockLine: ReservedStockLine;
  SearchFilter: SearchFilter;
  SearchHighlight: SearchHighlight;
  StockReservationFailure: StockReservationFailure;
  UpdateProductInput: UpdateProductInput;
  UpdateVariantInput: UpdateVariantInput;
  Variant: VariantModel;
  VariantAttribute: VariantAttribute;
  VariantAttributeInput: VariantAttributeInput;
  VariantInput: VariantInput;
  VariantPayload: Omit<VariantPayload, 'variant'> & {
    variant?: Maybe<ResolversParentTypes['Variant']>;
  };
  String: Scalars['String']['output'];
}>;

export type AuthDirectiveArgs = {
  requires?: Array<Scalars['String']['input']>;
};

export type AuthDirectiveResolver<
  Result,
  Parent,
  ContextType = ProductContext,
  Args = AuthDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AttributeFacetResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['AttributeFacet'] =
    ResolversParentTypes['AttributeFacet'],
> = ResolversObject<{
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  values?: Resolver<Array<ResolversTypes['AttributeValueFacet']>, ParentType, ContextType>;
}>;

export type AttributeValueFacetResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['AttributeValueFacet'] =
    ResolversParentTypes['AttributeValueFacet'],
> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type CatalogUserErrorResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['CatalogUserError'] =
    ResolversParentTypes['CatalogUserError'],
> = ResolversObject<{
  code?: Resolver<ResolversTypes['CatalogErrorCode'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type CategoryResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['Category'] = ResolversParentTypes['Category'],
> = ResolversObject<{
  children?: Resolver<Array<ResolversTypes['Category']>, ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parent?: Resolver<Maybe<ResolversTypes['Category']>, ParentType, ContextType>;
  path?: Resolver<Array<ResolversTypes['Category']>, ParentType, ContextType>;
  products?: Resolver<
    ResolversTypes['ProductConnection'],
    ParentType,
    ContextType,
    Partial<CategoryProductsArgs>
  >;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type CategoryFacetResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['CategoryFacet'] = ResolversParentTypes['CategoryFacet'],
> = ResolversObject<{
  category?: Resolver<ResolversTypes['Category'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type CategoryPayloadResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['CategoryPayload'] =
    ResolversParentTypes['CategoryPayload'],
> = ResolversObject<{
  category?: Resolver<Maybe<ResolversTypes['Category']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['CatalogUserError']>, ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<
  ResolversTypes['DateTime'],
  any
> {
  name: 'DateTime';
}

export type DeleteProductPayloadResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['DeleteProductPayload'] =
    ResolversParentTypes['DeleteProductPayload'],
> = ResolversObject<{
  deletedProductId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['CatalogUserError']>, ParentType, ContextType>;
}>;

export type DeleteVariantPayloadResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['DeleteVariantPayload'] =
    ResolversParentTypes['DeleteVariantPayload'],
> = ResolversObject<{
  deletedVariantId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['CatalogUserError']>, ParentType, ContextType>;
}>;

export type InStockFacetResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['InStockFacet'] = ResolversParentTypes['InStockFacet'],
> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export interface MinorUnitsScalarConfig extends GraphQLScalarTypeConfig<
  ResolversTypes['MinorUnits'],
  any
> {
  name: 'MinorUnits';
}

export type MoneyResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money'],
> = ResolversObject<{
  amount?: Resolver<ResolversTypes['MinorUnits'], ParentType, ContextType>;
  currencyCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  addVariant?: Resolver<
    Maybe<ResolversTypes['VariantPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationAddVariantArgs, 'input' | 'productId'>
  >;
  createCategory?: Resolver<
    Maybe<ResolversTypes['CategoryPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationCreateCategoryArgs, 'input'>
  >;
  createProduct?: Resolver<
    Maybe<ResolversTypes['ProductPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationCreateProductArgs, 'input'>
  >;
  deleteProduct?: Resolver<
    Maybe<ResolversTypes['DeleteProductPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationDeleteProductArgs, 'id'>
  >;
  deleteVariant?: Resolver<
    Maybe<ResolversTypes['DeleteVariantPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationDeleteVariantArgs, 'id'>
  >;
  publishProduct?: Resolver<
    Maybe<ResolversTypes['ProductPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationPublishProductArgs, 'id'>
  >;
  releaseStock?: Resolver<
    ResolversTypes['Boolean'],
    ParentType,
    ContextType,
    RequireFields<MutationReleaseStockArgs, 'orderId'>
  >;
  reserveStock?: Resolver<
    ResolversTypes['ReserveStockResult'],
    ParentType,
    ContextType,
    RequireFields<MutationReserveStockArgs, 'input'>
  >;
  unpublishProduct?: Resolver<
    Maybe<ResolversTypes['ProductPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationUnpublishProductArgs, 'id'>
  >;
  updateProduct?: Resolver<
    Maybe<ResolversTypes['ProductPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationUpdateProductArgs, 'id' | 'input'>
  >;
  updateVariant?: Resolver<
    Maybe<ResolversTypes['VariantPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationUpdateVariantArgs, 'id' | 'input'>
  >;
}>;

export type PageInfoResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo'],
> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type PriceRangeResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['PriceRange'] = ResolversParentTypes['PriceRange'],
> = ResolversObject<{
  max?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  min?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export type PriceRangeFacetResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['PriceRangeFacet'] =
    ResolversParentTypes['PriceRangeFacet'],
> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  max?: Resolver<Maybe<ResolversTypes['MinorUnits']>, ParentType, ContextType>;
  min?: Resolver<ResolversTypes['MinorUnits'], ParentType, ContextType>;
}>;

export type ProductResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product'],
  FederationReferenceType extends FederationReferenceTypes['Product'] =
    FederationReferenceTypes['Product'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['Product']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  category?: Resolver<Maybe<ResolversTypes['Category']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  priceRange?: Resolver<Maybe<ResolversTypes['PriceRange']>, ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ProductStatus'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  variants?: Resolver<Array<ResolversTypes['Variant']>, ParentType, ContextType>;
}>;

export type ProductConnectionResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['ProductConnection'] =
    ResolversParentTypes['ProductConnection'],
> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ProductEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ProductEdgeResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['ProductEdge'] = ResolversParentTypes['ProductEdge'],
> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
}>;

export type ProductPayloadResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['ProductPayload'] =
    ResolversParentTypes['ProductPayload'],
> = ResolversObject<{
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['CatalogUserError']>, ParentType, ContextType>;
}>;

export type ProductSearchConnectionResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['ProductSearchConnection'] =
    ResolversParentTypes['ProductSearchConnection'],
> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ProductSearchEdge']>, ParentType, ContextType>;
  facets?: Resolver<ResolversTypes['ProductSearchFacets'], ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ProductSearchEdgeResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['ProductSearchEdge'] =
    ResolversParentTypes['ProductSearchEdge'],
> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  highlights?: Resolver<Array<ResolversTypes['SearchHighlight']>, ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type ProductSearchFacetsResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['ProductSearchFacets'] =
    ResolversParentTypes['ProductSearchFacets'],
> = ResolversObject<{
  attributes?: Resolver<Array<ResolversTypes['AttributeFacet']>, ParentType, ContextType>;
  categories?: Resolver<Array<ResolversTypes['CategoryFacet']>, ParentType, ContextType>;
  inStock?: Resolver<Array<ResolversTypes['InStockFacet']>, ParentType, ContextType>;
  priceRanges?: Resolver<Array<ResolversTypes['PriceRangeFacet']>, ParentType, ContextType>;
}>;

export type QueryResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  categories?: Resolver<Maybe<Array<ResolversTypes['Category']>>, ParentType, ContextType>;
  category?: Resolver<
    Maybe<ResolversTypes['Category']>,
    ParentType,
    ContextType,
    Partial<QueryCategoryArgs>
  >;
  product?: Resolver<
    Maybe<ResolversTypes['Product']>,
    ParentType,
    ContextType,
    Partial<QueryProductArgs>
  >;
  products?: Resolver<
    Maybe<ResolversTypes['ProductConnection']>,
    ParentType,
    ContextType,
    Partial<QueryProductsArgs>
  >;
  searchProducts?: Resolver<
    Maybe<ResolversTypes['ProductSearchConnection']>,
    ParentType,
    ContextType,
    RequireFields<QuerySearchProductsArgs, 'sort'>
  >;
  variant?: Resolver<
    Maybe<ResolversTypes['Variant']>,
    ParentType,
    ContextType,
    RequireFields<QueryVariantArgs, 'id'>
  >;
}>;

export type ReserveStockResultResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['ReserveStockResult'] =
    ResolversParentTypes['ReserveStockResult'],
> = ResolversObject<{
  failures?: Resolver<Array<ResolversTypes['StockReservationFailure']>, ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['ReservedStockLine']>, ParentType, ContextType>;
  ok?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type ReservedStockLineResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['ReservedStockLine'] =
    ResolversParentTypes['ReservedStockLine'],
> = ResolversObject<{
  productId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  productName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  variantId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  variantName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type SearchHighlightResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['SearchHighlight'] =
    ResolversParentTypes['SearchHighlight'],
> = ResolversObject<{
  field?: Resolver<ResolversTypes['SearchHighlightField'], ParentType, ContextType>;
  snippet?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type StockReservationFailureResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['StockReservationFailure'] =
    ResolversParentTypes['StockReservationFailure'],
> = ResolversObject<{
  available?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  requested?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  variantId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type VariantResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['Variant'] = ResolversParentTypes['Variant'],
  FederationReferenceType extends FederationReferenceTypes['Variant'] =
    FederationReferenceTypes['Variant'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['Variant']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  attributes?: Resolver<Array<ResolversTypes['VariantAttribute']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  inStock?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  price?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  stockOnHand?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type VariantAttributeResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['VariantAttribute'] =
    ResolversParentTypes['VariantAttribute'],
> = ResolversObject<{
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type VariantPayloadResolvers<
  ContextType = ProductContext,
  ParentType extends ResolversParentTypes['VariantPayload'] =
    ResolversParentTypes['VariantPayload'],
> = ResolversObject<{
  userErrors?: Resolver<Array<ResolversTypes['CatalogUserError']>, ParentType, ContextType>;
  variant?: Resolver<Maybe<ResolversTypes['Variant']>, ParentType, ContextType>;
}>;

export type Resolvers<ContextType = ProductContext> = ResolversObject<{
  AttributeFacet?: AttributeFacetResolvers<ContextType>;
  AttributeValueFacet?: AttributeValueFacetResolvers<ContextType>;
  CatalogUserError?: CatalogUserErrorResolvers<ContextType>;
  Category?: CategoryResolvers<ContextType>;
  CategoryFacet?: CategoryFacetResolvers<ContextType>;
  CategoryPayload?: CategoryPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DeleteProductPayload?: DeleteProductPayloadResolvers<ContextType>;
  DeleteVariantPayload?: DeleteVariantPayloadResolvers<ContextType>;
  InStockFacet?: InStockFacetResolvers<ContextType>;
  MinorUnits?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PriceRange?: PriceRangeResolvers<ContextType>;
  PriceRangeFacet?: PriceRangeFacetResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductConnection?: ProductConnectionResolvers<ContextType>;
  ProductEdge?: ProductEdgeResolvers<ContextType>;
  ProductPayload?: ProductPayloadResolvers<ContextType>;
  ProductSearchConnection?: ProductSearchConnectionResolvers<ContextType>;
  ProductSearchEdge?: ProductSearchEdgeResolvers<ContextType>;
  ProductSearchFacets?: ProductSearchFacetsResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReserveStockResult?: ReserveStockResultResolvers<ContextType>;
  ReservedStockLine?: ReservedStockLineResolvers<ContextType>;
  SearchHighlight?: SearchHighlightResolvers<ContextType>;
  StockReservationFailure?: StockReservationFailureResolvers<ContextType>;
  Variant?: VariantResolvers<ContextType>;
  VariantAttribute?: VariantAttributeResolvers<ContextType>;
  VariantPayload?: VariantPayloadResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = ProductContext> = ResolversObject<{
  auth?: AuthDirectiveResolver<any, any, ContextType>;
}>;

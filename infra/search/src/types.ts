import type { SQL } from 'drizzle-orm';

/**
 * The search port: what the product subgraph needs from a search engine. Two adapters implement
 * it (`createPostgresSearchIndex`, `createOpenSearchIndex`) and pass one contract suite.
 */

/** A name/value pair of a variant, e.g. color = Black. */
export interface SearchAttribute {
  name: string;
  value: string;
}

/**
 * The denormalised, searchable view of one PUBLISHED product. Built by the product subgraph from
 * its tables; the index only ever holds published products.
 */
export interface SearchDocument {
  productId: string;
  slug: string;
  name: string;
  description: string;
  /** The product's own category (the category facet counts this one). */
  categoryId: string | null;
  /** The category and all its ancestors, so a filter on a parent matches descendants. */
  categoryPath: string[];
  /** Names of the categories in `categoryPath` (searchable, weight B). */
  categoryNames: string[];
  /** SKUs of the variants (searchable, weight D). */
  skus: string[];
  /** Distinct attributes over all variants (searchable, weight D; filters and facets). */
  attributes: SearchAttribute[];
  /** Lowest variant price in minor units; the price filter, facet and sort use it. */
  priceMin: number;
  /** Highest variant price in minor units. */
  priceMax: number;
  /** Currency of the prices (one per product). */
  currency: string;
  /** Whether at least one variant has stock. */
  inStock: boolean;
  /** When the product was created (NEWEST sort). */
  createdAt: Date;
}

export type SearchSort = 'RELEVANCE' | 'PRICE_ASC' | 'PRICE_DESC' | 'NEWEST';

export interface SearchFilter {
  /** Products in any of these categories or their descendants. */
  categoryIds?: string[] | undefined;
  /** Lowest price at least this (minor units, inclusive). */
  priceMin?: number | undefined;
  /** Lowest price at most this (minor units, inclusive). */
  priceMax?: number | undefined;
  inStock?: boolean | undefined;
  /** Every listed attribute must match one of its values (AND across names, OR within). */
  attributes?: Array<{ name: string; values: string[] }> | undefined;
}

/** Position after which a page starts: the sort values of the last hit (opaque to callers). */
export type SearchCursor = Array<string | number>;

export interface SearchQuery {
  /** Free text; empty or absent matches every document (RELEVANCE then sorts by NEWEST). */
  text?: string | undefined;
  filter?: SearchFilter | undefined;
  sort?: SearchSort | undefined;
  /** Page size (the adapter fetches one more to know `hasNextPage`). */
  first: number;
  after?: SearchCursor | undefined;
}

export interface SearchHighlight {
  field: 'name' | 'description';
  /** HTML-escaped text with the matched terms wrapped in `<em>…</em>`. */
  snippet: string;
}

export interface SearchHit {
  productId: string;
  score: number;
  highlights: SearchHighlight[];
  /** Pass as `after` to continue after this hit. */
  cursor: SearchCursor;
}

/** A price bucket: `min` inclusive, `max` exclusive, `null` = no upper bound. */
export interface PriceRangeBucket {
  min: number;
  max: number | null;
}

export interface SearchFacets {
  categories: Array<{ categoryId: string; count: number }>;
  priceRanges: Array<PriceRangeBucket & { count: number }>;
  inStock: Array<{ value: boolean; count: number }>;
  attributes: Array<{ name: string; values: Array<{ value: string; count: number }> }>;
}

export interface SearchResult {
  hits: SearchHit[];
  hasNextPage: boolean;
  /** Documents matching text + filter, across all pages. */
  totalCount: number;
  /** Counts over the same filtered set as `totalCount`. */
  facets: SearchFacets;
}

/** Something that runs a drizzle `sql` statement (a `Db` or a transaction). */
export interface SqlExecutor {
  execute(query: SQL): PromiseLike<unknown>;
}

/** Options of writes: Postgres adapter writes through `executor` (the caller's transaction). */
export interface WriteOptions {
  executor?: SqlExecutor | undefined;
}

/** Produces all documents in batches, reading through `executor` when given. */
export type DocumentSource = (
  executor: SqlExecutor | undefined,
) => AsyncIterable<SearchDocument[]> | Iterable<SearchDocument[]>;

/** The search port. */
export interface SearchIndex {
  readonly kind: 'postgres' | 'opensearch';
  /** Creates what the index needs (tables, or the versioned index + alias); idempotent. */
  init(): Promise<void>;
  /** Inserts or replaces documents by `productId`. */
  upsert(documents: SearchDocument[], options?: WriteOptions): Promise<void>;
  /** Removes documents; unknown ids are ignored. */
  remove(productIds: string[], options?: WriteOptions): Promise<void>;
  search(query: SearchQuery): Promise<SearchResult>;
  /**
   * Replaces the whole index with `batches` (zero downtime): Postgres truncates and inserts in one
   * transaction; OpenSearch bulk-loads a new versioned index and swaps the alias atomically.
   * `source` gets the executor to read through (Postgres: the replacing transaction, so the
   * snapshot is consistent and PGlite's single connection is not waited on; OpenSearch: none).
   * Returns how many documents were written.
   */
  replaceAll(source: DocumentSource): Promise<number>;
  /** Number of documents in the index. */
  count(): Promise<number>;
  close(): Promise<void>;
}

/** The search engine could not be reached or failed (GraphQL code SEARCH_UNAVAILABLE). */
export class SearchUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SearchUnavailableError';
  }
}

/** The `after` cursor does not belong to this sort or is malformed. */
export class InvalidSearchCursorError extends Error {
  constructor() {
    super('Invalid search cursor');
    this.name = 'InvalidSearchCursorError';
  }
}

/** Fixed price buckets (minor units) of the `priceRanges` facet. */
export const PRICE_BUCKETS: PriceRangeBucket[] = [
  { min: 0, max: 1_000 },
  { min: 1_000, max: 2_500 },
  { min: 2_500, max: 5_000 },
  { min: 5_000, max: 10_000 },
  { min: 10_000, max: 25_000 },
  { min: 25_000, max: 50_000 },
  { min: 50_000, max: 100_000 },
  { min: 100_000, max: null },
];

/** Largest `first` an adapter accepts. */
export const MAX_SEARCH_PAGE = 100;

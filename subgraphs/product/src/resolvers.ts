import { GraphQLError } from 'graphql';
import {
  InvalidSearchCursorError,
  SearchUnavailableError,
  type SearchCursor,
  type SearchIndex,
  type SearchResult,
  type SearchSort,
} from '@shop/search';
import {
  badUserInput,
  DateTimeScalar,
  decodeCursor,
  encodeCursor,
  isAdmin,
  MinorUnitsScalar,
  pageSize,
  requireRole,
  toConnection,
  type BaseSubgraphContext,
} from '@shop/subgraph';
import type { Loaders } from './loaders';
import type { Product, ReserveResult, Variant } from './model';
import type { CatalogFailure, CatalogService, ProductListOptions, Viewer } from './service';
import type { Resolvers, SearchHighlightField } from './generated/resolvers-types';
import { isUuid } from './validation';
import { log } from '@shop/log';

export interface ProductContext extends BaseSubgraphContext {
  catalog: CatalogService;
  loaders: Loaders;
  inventory: InventoryPort;
  search: SearchIndex;
}

// `searchProducts` reports an unreachable search engine as SEARCH_UNAVAILABLE (a public code).
const searchUnavailable = () =>
  new GraphQLError('Product search is unavailable right now; try again shortly', {
    extensions: { code: 'SEARCH_UNAVAILABLE' },
  });

interface SearchArgs {
  query?: string | null;
  filter?: {
    categoryIds?: string[] | null;
    priceMin?: number | null;
    priceMax?: number | null;
    inStock?: boolean | null;
    attributes?: Array<{ name: string; values: string[] }> | null;
  } | null;
  sort?: SearchSort | null;
  first?: number | null;
  after?: string | null;
}

const isSearchCursor = (value: unknown): value is SearchCursor =>
  Array.isArray(value) &&
  value.every((part) => typeof part === 'string' || typeof part === 'number');

/** `searchProducts`: runs the search port, then resolves products and facet categories. */
async function searchProducts(args: SearchArgs, context: ProductContext) {
  const first = pageSize(args.first);
  const after = args.after != null ? decodeCursor(args.after, isSearchCursor) : undefined;
  const filter = args.filter ?? {};
  let result: SearchResult;
  try {
    result = await context.search.search({
      text: args.query ?? undefined,
      sort: args.sort ?? 'RELEVANCE',
      first,
      after,
      filter: {
        categoryIds: filter.categoryIds ?? undefined,
        priceMin: filter.priceMin ?? undefined,
        priceMax: filter.priceMax ?? undefined,
        inStock: filter.inStock ?? undefined,
        attributes: filter.attributes ?? undefined,
      },
    });
  } catch (error) {
    if (error instanceof InvalidSearchCursorError) {
      throw badUserInput('Invalid cursor', { argument: 'after' });
    }
    if (error instanceof SearchUnavailableError) {
      log.warn(`[product] search unavailable: ${error.message}`);
      throw searchUnavailable();
    }
    throw error;
  }
  const products = await Promise.all(
    result.hits.map((hit) => context.loaders.product(hit.productId)),
  );
  // The index can lag a moment behind the catalog: never show a product that is not published.
  const edges = result.hits.flatMap((hit, i) => {
    const node = products[i];
    if (!node || node.status !== 'PUBLISHED') return [];
    return [
      {
        cursor: encodeCursor(hit.cursor),
        node,
        score: hit.score,
        highlights: hit.highlights.map((h) => {
          const field: SearchHighlightField = h.field === 'name' ? 'NAME' : 'DESCRIPTION';
          return { field, snippet: h.snippet };
        }),
      },
    ];
  });
  const categories = await Promise.all(
    result.facets.categories.map(async (facet) => ({
      category: await context.loaders.category(facet.categoryId),
      count: facet.count,
    })),
  );
  const endCursor = result.hits.at(-1) ? encodeCursor(result.hits.at(-1)!.cursor) : null;
  return {
    edges,
    pageInfo: {
      hasNextPage: result.hasNextPage,
      hasPreviousPage: after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor,
    },
    totalCount: result.totalCount,
    facets: {
      categories: categories.flatMap(({ category, count }) =>
        category ? [{ category, count }] : [],
      ),
      priceRanges: result.facets.priceRanges,
      inStock: result.facets.inStock,
      attributes: result.facets.attributes,
    },
  };
}

/** Stock reservation operations, bound to the database by `index.ts`. */
export interface InventoryPort {
  reserve(input: ReserveStockArgs): Promise<ReserveResult>;
  release(orderId: string): Promise<number>;
}

interface ReserveStockArgs {
  orderId: string;
  lines: Array<{ variantId: string; quantity: number }>;
}

type ProductCursor = [createdAt: string, id: string];

const isProductCursor = (value: unknown): value is ProductCursor =>
  Array.isArray(value) &&
  value.length === 2 &&
  typeof value[0] === 'string' &&
  !Number.isNaN(Date.parse(value[0])) &&
  typeof value[1] === 'string' &&
  isUuid(value[1]);

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  filter?: ProductListOptions['filter'] | null;
}

const viewerOf = (context: ProductContext): Viewer => ({ isAdmin: isAdmin(context) });

async function productConnection(context: ProductContext, args: ConnectionArgs) {
  const limit = pageSize(args.first);
  const cursor = args.after != null ? decodeCursor(args.after, isProductCursor) : undefined;
  const { rows, totalCount } = await context.catalog.listProducts(
    {
      filter: args.filter ?? {},
      after: cursor && { createdAt: new Date(cursor[0]), id: cursor[1] },
      limit: limit + 1,
    },
    viewerOf(context),
  );
  const connection = toConnection<Product>(rows, limit, (row) => [
    row.createdAt.toISOString(),
    row.id,
  ]);
  return { ...connection, totalCount };
}

/** `id` or `slug`, exactly one. */
function oneOf(args: { id?: string | null; slug?: string | null }) {
  if ((args.id == null) === (args.slug == null)) {
    throw badUserInput('Give exactly one of id and slug', { argument: 'id' });
  }
  return args;
}

/** Maps a service result to a mutation payload: the success fields, or one user error. */
function payload<T extends object>(result: ({ ok: true } & T) | CatalogFailure) {
  if (result.ok) {
    const { ok: _ok, ...fields } = result;
    return { ...fields, userErrors: [] };
  }
  return {
    userErrors: [{ code: result.code, message: result.message, field: result.field ?? null }],
  };
}

const admin = (context: ProductContext) => requireRole(context, 'ADMIN');

export const resolvers: Resolvers = {
  MinorUnits: MinorUnitsScalar,
  DateTime: DateTimeScalar,

  Query: {
    categories: (_, __, context) => context.catalog.rootCategories(),
    category: async (_, args, context) => (await context.catalog.category(oneOf(args))) ?? null,
    product: async (_, args, context) =>
      (await context.catalog.product(oneOf(args), viewerOf(context))) ?? null,
    variant: async (_, args, context) =>
      (await context.catalog.variant(args.id, viewerOf(context))) ?? null,
    products: (_, args, context) => productConnection(context, args),
    searchProducts: (_, args, context) => searchProducts(args, context),
  },

  Mutation: {
    reserveStock: async (_, args, context) => {
      requireRole(context, 'SERVICE');
      const { orderId, lines } = args.input;
      if (!isUuid(orderId)) throw badUserInput('orderId must be a UUID', { argument: 'orderId' });
      const unknown = lines.filter((line) => !isUuid(line.variantId));
      if (unknown.length > 0) {
        return {
          ok: false,
          lines: [],
          failures: unknown.map((line) => ({
            variantId: line.variantId,
            code: 'VARIANT_NOT_FOUND',
            requested: line.quantity,
            available: 0,
          })),
        };
      }
      return context.inventory.reserve({ orderId, lines });
    },
    releaseStock: async (_, args, context) => {
      requireRole(context, 'SERVICE');
      if (!isUuid(args.orderId))
        throw badUserInput('orderId must be a UUID', { argument: 'orderId' });
      await context.inventory.release(args.orderId);
      return true;
    },
    createCategory: async (_, args, context) => {
      admin(context);
      return payload(await context.catalog.createCategory(args.input));
    },
    createProduct: async (_, args, context) => {
      admin(context);
      return payload(await context.catalog.createProduct(args.input));
    },
    updateProduct: async (_, args, context) => {
      admin(context);
      return payload(await context.catalog.updateProduct(args.id, args.input));
    },
    deleteProduct: async (_, args, context) => {
      admin(context);
      return payload(await context.catalog.deleteProduct(args.id));
    },
    publishProduct: async (_, args, context) => {
      admin(context);
      return payload(await context.catalog.setProductStatus(args.id, 'PUBLISHED'));
    },
    unpublishProduct: async (_, args, context) => {
      admin(context);
      return payload(await context.catalog.setProductStatus(args.id, 'DRAFT'));
    },
    addVariant: async (_, args, context) => {
      admin(context);
      return payload(await context.catalog.addVariant(args.productId, args.input));
    },
    updateVariant: async (_, args, context) => {
      admin(context);
      return payload(await context.catalog.updateVariant(args.id, args.input));
    },
    deleteVariant: async (_, args, context) => {
      admin(context);
      return payload(await context.catalog.deleteVariant(args.id));
    },
  },

  Category: {
    parent: async (category, _, context) =>
      category.parentId ? ((await context.loaders.category(category.parentId)) ?? null) : null,
    children: async (category, _, context) =>
      (await context.loaders.childrenOfCategory(category.id)) ?? [],
    path: async (category, _, context) => (await context.loaders.categoryPath(category.id)) ?? [],
    products: (category, args, context) =>
      productConnection(context, { ...args, filter: { categoryId: category.id } }),
  },

  Product: {
    // Entity references come from other subgraphs (carts, orders), so drafts resolve too.
    __resolveReference: async (reference, context) =>
      (await context.loaders.product(reference.id)) ?? null,
    status: (product) => product.status,
    category: async (product, _, context) =>
      product.categoryId ? ((await context.loaders.category(product.categoryId)) ?? null) : null,
    variants: async (product, _, context) =>
      (await context.loaders.variantsOfProduct(product.id)) ?? [],
    priceRange: async (product, _, context) => {
      const variants = (await context.loaders.variantsOfProduct(product.id)) ?? [];
      if (variants.length === 0) return null;
      const sorted = [...variants].sort((a, b) => a.priceAmount - b.priceAmount);
      return { min: moneyOf(sorted[0]!), max: moneyOf(sorted.at(-1)!) };
    },
  },

  Variant: {
    __resolveReference: async (reference, context) =>
      (await context.loaders.variant(reference.id)) ?? null,
    price: (variant) => moneyOf(variant),
    inStock: (variant) => variant.stockOnHand > 0,
    product: async (variant, _, context) => {
      const product = await context.loaders.product(variant.productId);
      // `Product!`: a variant's product always exists (foreign key); a miss is an internal error.
      if (!product) throw new Error(`Variant ${variant.id} has no product ${variant.productId}`);
      return product;
    },
  },
};

function moneyOf(variant: Variant) {
  return { amount: variant.priceAmount, currencyCode: variant.currency };
}

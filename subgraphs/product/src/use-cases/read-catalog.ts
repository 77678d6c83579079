import type { Category, Product, ProductKey, ProductStatus } from '../model';
import type { CatalogStore } from '../ports';
import { isUuid } from '../validation';

/** Who is asking; non-admins only ever see published products. */
export interface Viewer {
  isAdmin: boolean;
}

export interface ProductListOptions {
  filter: {
    nameContains?: string | null;
    categoryId?: string | null;
    status?: ProductStatus | null;
  };
  after?: ProductKey | undefined;
  /** Rows to fetch (the caller asks for one more than the page to learn `hasNextPage`). */
  limit: number;
}

const visibleStatuses = (viewer: Viewer): ProductStatus[] =>
  viewer.isAdmin ? ['DRAFT', 'PUBLISHED'] : ['PUBLISHED'];

const isVisible = (product: Product, viewer: Viewer) =>
  viewer.isAdmin || product.status === 'PUBLISHED';

/** The category with this id, read through `store`; undefined for a malformed id. */
export async function findCategory(store: CatalogStore, id: string): Promise<Category | undefined> {
  if (!isUuid(id)) return undefined;
  const [category] = await store.categoriesByIds([id]);
  return category;
}

/** The reads of the catalog: categories, and products and variants as far as the viewer may see. */
export function createCatalogReads(deps: { store: CatalogStore }) {
  const { store } = deps;
  return {
    rootCategories: () => store.rootCategories(),
    categoriesByIds: (ids: string[]) => store.categoriesByIds(ids.filter(isUuid)),
    childCategories: (parentIds: string[]) => store.childCategories(parentIds),
    categoryPaths: (ids: string[]) => store.categoryPaths(ids.filter(isUuid)),

    async category(by: { id?: string | null; slug?: string | null }) {
      if (by.id) return findCategory(store, by.id);
      if (by.slug) return store.categoryBySlug(by.slug);
      return undefined;
    },

    /** Products by id regardless of status (entity references come from other subgraphs). */
    productsByIds: (ids: string[]) => store.productsByIds(ids.filter(isUuid)),
    variantsByIds: (ids: string[]) => store.variantsByIds(ids.filter(isUuid)),
    variantsByProductIds: (ids: string[]) => store.variantsByProductIds(ids),

    async product(by: { id?: string | null; slug?: string | null }, viewer: Viewer) {
      let product: Product | undefined;
      if (by.id) product = isUuid(by.id) ? (await store.productsByIds([by.id]))[0] : undefined;
      else if (by.slug) product = await store.productBySlug(by.slug);
      return product && isVisible(product, viewer) ? product : undefined;
    },

    async variant(id: string, viewer: Viewer) {
      if (!isUuid(id)) return undefined;
      const [variant] = await store.variantsByIds([id]);
      if (!variant) return undefined;
      const [product] = await store.productsByIds([variant.productId]);
      return product && isVisible(product, viewer) ? variant : undefined;
    },

    /**
     * One page of products in (createdAt, id) order plus the total. A `categoryId` includes
     * its descendant categories; an unknown category matches nothing.
     */
    async listProducts(options: ProductListOptions, viewer: Viewer) {
      const { filter } = options;
      const statuses = visibleStatuses(viewer).filter(
        (status) => !filter.status || status === filter.status,
      );
      const categoryId = filter.categoryId ?? undefined;
      if (categoryId !== undefined && !isUuid(categoryId)) return { rows: [], totalCount: 0 };
      const storeFilter = {
        statuses,
        nameContains: filter.nameContains ?? undefined,
        categoryId,
      };
      const [rows, totalCount] = await Promise.all([
        store.listProducts({ filter: storeFilter, after: options.after, limit: options.limit }),
        store.countProducts(storeFilter),
      ]);
      return { rows, totalCount };
    },
  };
}

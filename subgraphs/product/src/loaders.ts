import type { Category, Product, Variant } from './model';
import { createBatchLoader } from '@shop/subgraph';
import type { CatalogService } from './service';

function byKey<TRow>(rows: TRow[], keyOf: (row: TRow) => string): Map<string, TRow> {
  return new Map(rows.map((row) => [keyOf(row), row]));
}

/** Per-request batch loaders (one query per kind of row per tick, not one per field). */
export function createLoaders(catalog: CatalogService) {
  return {
    category: createBatchLoader<Category>(async (ids) =>
      byKey(await catalog.categoriesByIds(ids), (row) => row.id),
    ),
    product: createBatchLoader<Product>(async (ids) =>
      byKey(await catalog.productsByIds(ids), (row) => row.id),
    ),
    variant: createBatchLoader<Variant>(async (ids) =>
      byKey(await catalog.variantsByIds(ids), (row) => row.id),
    ),
    variantsOfProduct: createBatchLoader<Variant[]>(async (productIds) => {
      const grouped = new Map<string, Variant[]>(productIds.map((id) => [id, []]));
      for (const variant of await catalog.variantsByProductIds(productIds)) {
        grouped.get(variant.productId)?.push(variant);
      }
      return grouped;
    }),
    categoryPath: createBatchLoader<Category[]>((ids) => catalog.categoryPaths(ids)),
    childrenOfCategory: createBatchLoader<Category[]>(async (parentIds) => {
      const grouped = new Map<string, Category[]>(parentIds.map((id) => [id, []]));
      for (const child of await catalog.childCategories(parentIds)) {
        if (child.parentId) grouped.get(child.parentId)?.push(child);
      }
      return grouped;
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

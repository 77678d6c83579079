import type { Category, Product, Variant } from './model';
import type { CatalogService } from './service';

/**
 * Collects the keys asked for during one turn of the event loop and loads them with one call.
 * Nothing is cached beyond the batch, so a mutation never reads a stale row later in a request.
 */
export function createBatchLoader<TValue>(
  load: (keys: string[]) => Promise<Map<string, TValue>>,
): (key: string) => Promise<TValue | undefined> {
  let pending: Map<string, Array<(value: Promise<TValue | undefined>) => void>> | undefined;
  return (key) =>
    new Promise<TValue | undefined>((resolve) => {
      if (!pending) {
        const batch = new Map<string, Array<(value: Promise<TValue | undefined>) => void>>();
        pending = batch;
        setImmediate(() => {
          pending = undefined;
          const loaded = load([...batch.keys()]);
          for (const [batchKey, waiters] of batch) {
            const value = loaded.then((values) => values.get(batchKey));
            for (const waiter of waiters) waiter(value);
          }
        });
      }
      const waiters = pending.get(key) ?? [];
      waiters.push(resolve);
      pending.set(key, waiters);
    });
}

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

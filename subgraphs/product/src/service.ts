import type { CatalogStore } from './ports';
import { createCatalogReads } from './use-cases/read-catalog';
import { createProductWrites } from './use-cases/product-writes';
import { createVariantWrites } from './use-cases/variant-writes';

export type { ProductListOptions, Viewer } from './use-cases/read-catalog';
export type { CatalogFailure, CatalogErrorCode } from './validation';

export interface CatalogServiceOptions {
  repo: CatalogStore;
  newId: () => string;
  now?: () => Date;
}

/**
 * The catalog domain, composed of its use cases (`use-cases/`): the reads with the visibility of
 * drafts (`read-catalog.ts`), and the admin's writes of categories and products
 * (`product-writes.ts`) and of variants (`variant-writes.ts`) — validated, one currency per
 * product, publishing only with variants, multi-row writes in one transaction with their events.
 */
export function createCatalogService(options: CatalogServiceOptions) {
  const store = options.repo;
  const writes = { store, newId: options.newId, now: options.now ?? (() => new Date()) };
  return {
    ...createCatalogReads({ store }),
    ...createProductWrites(writes),
    ...createVariantWrites(writes),
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;

import type { Category, Product, ProductStatus } from '../model';
import { DuplicateKeyError, type CatalogWriteDeps } from '../ports';
import {
  checkDescription,
  checkName,
  checkSlug,
  failure,
  isUuid,
  MAX_VARIANTS,
  slugify,
  type CatalogFailure,
} from '../validation';
import { catalogEvent, productData, variantData } from './catalog-events';
import { categoryNotFound, productNotFound, skuTaken, slugTaken } from './failures';
import { inTransaction, type Result } from './in-transaction';
import { findCategory } from './read-catalog';
import { checkVariant, newVariant, type VariantInput } from './variant-input';

export interface CreateCategoryInput {
  name: string;
  slug?: string | null | undefined;
  description?: string | null | undefined;
  parentId?: string | null | undefined;
}

export interface CreateProductInput {
  name: string;
  slug?: string | null | undefined;
  description?: string | null | undefined;
  categoryId?: string | null | undefined;
  variants: VariantInput[];
}

export interface UpdateProductInput {
  name?: string | null | undefined;
  slug?: string | null | undefined;
  description?: string | null | undefined;
  /** `null` removes the product from its category; `undefined` leaves it unchanged. */
  categoryId?: string | null | undefined;
}

/**
 * The admin's writes of categories and products (callers check the ADMIN role first): create,
 * update, delete, publish and unpublish. Multi-row writes run in one transaction with their events.
 */
export function createProductWrites(deps: CatalogWriteDeps) {
  const { store, newId, now } = deps;

  return {
    async createCategory(input: CreateCategoryInput): Promise<Result<{ category: Category }>> {
      const slug = input.slug ?? slugify(input.name);
      const problem =
        checkName(input.name, ['input', 'name']) ??
        checkSlug(slug, ['input', input.slug != null ? 'slug' : 'name']) ??
        checkDescription(input.description ?? '', ['input', 'description']);
      if (problem) return problem;
      if (input.parentId && !(await findCategory(store, input.parentId))) {
        return categoryNotFound(['input', 'parentId']);
      }
      try {
        const category = await store.insertCategory({
          id: newId(),
          slug,
          name: input.name.trim(),
          description: input.description ?? '',
          parentId: input.parentId ?? null,
          position: 0,
          createdAt: now(),
        });
        return { ok: true, category };
      } catch (error) {
        if (error instanceof DuplicateKeyError) {
          return failure('SLUG_TAKEN', 'A category with this slug already exists', [
            'input',
            'slug',
          ]);
        }
        throw error;
      }
    },

    async createProduct(input: CreateProductInput): Promise<Result<{ product: Product }>> {
      const slug = input.slug ?? slugify(input.name);
      const problem =
        checkName(input.name, ['input', 'name']) ??
        checkSlug(slug, ['input', input.slug != null ? 'slug' : 'name']) ??
        checkDescription(input.description ?? '', ['input', 'description']) ??
        (input.variants.length > MAX_VARIANTS
          ? failure('INVALID_INPUT', `At most ${MAX_VARIANTS} variants`, ['input', 'variants'])
          : undefined) ??
        input.variants.reduce<CatalogFailure | undefined>(
          (found, variant, index) =>
            found ?? checkVariant(variant, ['input', 'variants', String(index)]),
          undefined,
        );
      if (problem) return problem;

      const currencies = new Set(input.variants.map((variant) => variant.price.currencyCode));
      if (currencies.size > 1) {
        return failure('CURRENCY_MISMATCH', 'All variants of a product must use one currency', [
          'input',
          'variants',
        ]);
      }
      const skus = input.variants.map((variant) => variant.sku.trim());
      const repeated = skus.findIndex((sku, index) => skus.indexOf(sku) !== index);
      if (repeated >= 0) {
        return skuTaken(['input', 'variants', String(repeated), 'sku']);
      }
      if (input.categoryId && !(await findCategory(store, input.categoryId))) {
        return categoryNotFound(['input', 'categoryId']);
      }

      const at = now();
      const product: Product = {
        id: newId(),
        slug,
        name: input.name.trim(),
        description: input.description ?? '',
        status: 'DRAFT',
        categoryId: input.categoryId ?? null,
        createdAt: at,
        updatedAt: at,
      };
      return inTransaction(
        store,
        async (tx) => {
          // Checked first for a precise field path; the unique constraints still decide races.
          if (await tx.slugTaken(slug)) return slugTaken(['input', 'slug']);
          const taken = await tx.existingSkus(skus);
          if (taken.length > 0) {
            return skuTaken(['input', 'variants', String(skus.indexOf(taken[0]!)), 'sku']);
          }
          const created = await tx.insertProduct(product);
          const inserted = await tx.insertVariants(
            input.variants.map((variant, index) => newVariant(deps, created.id, variant, index)),
          );
          await tx.appendEvents([
            catalogEvent('product.created', created.id, at, {
              ...productData(created),
              variants: inserted.map(variantData),
            }),
          ]);
          return { ok: true, product: created };
        },
        (key) => (key === 'slug' ? slugTaken(['input', 'slug']) : skuTaken(['input', 'variants'])),
      );
    },

    async updateProduct(
      id: string,
      input: UpdateProductInput,
    ): Promise<Result<{ product: Product }>> {
      if (!isUuid(id)) return productNotFound(['id']);
      const problem =
        (input.name != null ? checkName(input.name, ['input', 'name']) : undefined) ??
        (input.slug != null ? checkSlug(input.slug, ['input', 'slug']) : undefined) ??
        (input.description != null
          ? checkDescription(input.description, ['input', 'description'])
          : undefined);
      if (problem) return problem;
      if (input.categoryId && !(await findCategory(store, input.categoryId))) {
        return categoryNotFound(['input', 'categoryId']);
      }
      return inTransaction(
        store,
        async (tx) => {
          const at = now();
          const product = await tx.updateProduct(id, {
            ...(input.name != null ? { name: input.name.trim() } : {}),
            ...(input.slug != null ? { slug: input.slug } : {}),
            ...(input.description != null ? { description: input.description } : {}),
            ...(input.categoryId !== undefined ? { categoryId: input.categoryId } : {}),
            updatedAt: at,
          });
          if (!product) return productNotFound(['id']);
          await tx.appendEvents([catalogEvent('product.updated', id, at, productData(product))]);
          return { ok: true, product };
        },
        () => slugTaken(['input', 'slug']),
      );
    },

    async deleteProduct(id: string): Promise<Result<{ deletedProductId: string }>> {
      if (!isUuid(id)) return productNotFound(['id']);
      return inTransaction(
        store,
        async (tx) => {
          if (!(await tx.deleteProduct(id))) return productNotFound(['id']);
          await tx.appendEvents([catalogEvent('product.deleted', id, now(), {})]);
          return { ok: true, deletedProductId: id };
        },
        () => productNotFound(['id']),
      );
    },

    /** Publishes (only with at least one variant) or unpublishes a product. */
    async setProductStatus(
      id: string,
      status: ProductStatus,
    ): Promise<Result<{ product: Product }>> {
      if (!isUuid(id)) return productNotFound(['id']);
      return inTransaction(
        store,
        async (tx) => {
          const product = await tx.lockProduct(id);
          if (!product) return productNotFound(['id']);
          if (status === 'PUBLISHED') {
            const variants = await tx.variantsByProductIds([id]);
            if (variants.length === 0) {
              return failure(
                'NO_VARIANTS',
                'A product needs at least one variant to be published',
                ['id'],
              );
            }
          }
          if (product.status === status) return { ok: true, product };
          const at = now();
          const updated = await tx.updateProduct(id, { status, updatedAt: at });
          await tx.appendEvents([
            catalogEvent(
              status === 'PUBLISHED' ? 'product.published' : 'product.unpublished',
              id,
              at,
              productData(updated!),
            ),
          ]);
          return { ok: true, product: updated! };
        },
        () => productNotFound(['id']),
      );
    },
  };
}

import type { EventData } from '@shop/events';
import {
  DuplicateKeyError,
  type CatalogEvent,
  type CatalogEventType,
  type CatalogRepo,
  type Category,
  type Product,
  type ProductKey,
  type ProductStatus,
  type Variant,
  type VariantAttribute,
  type VariantPatch,
} from './model';
import {
  checkAttributes,
  checkDescription,
  checkName,
  checkPrice,
  checkSku,
  checkSlug,
  checkStock,
  failure,
  isUuid,
  MAX_VARIANTS,
  slugify,
  type CatalogFailure,
} from './validation';

export type Result<T> = ({ ok: true } & T) | CatalogFailure;

/** Who is asking; non-admins only ever see published products. */
export interface Viewer {
  isAdmin: boolean;
}

export interface MoneyInput {
  amount: number;
  currencyCode: string;
}

export interface VariantInput {
  sku: string;
  name: string;
  price: MoneyInput;
  stockOnHand: number;
  attributes?: VariantAttribute[] | null | undefined;
}

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

export interface UpdateVariantInput {
  name?: string | null | undefined;
  price?: MoneyInput | null | undefined;
  stockOnHand?: number | null | undefined;
  attributes?: VariantAttribute[] | null | undefined;
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

export interface CatalogServiceOptions {
  repo: CatalogRepo;
  newId: () => string;
  now?: () => Date;
}

/** Thrown inside a transaction to roll it back and report `failure` instead. */
class Abort extends Error {
  constructor(readonly failure: CatalogFailure) {
    super(failure.message);
  }
}

const visibleStatuses = (viewer: Viewer): ProductStatus[] =>
  viewer.isAdmin ? ['DRAFT', 'PUBLISHED'] : ['PUBLISHED'];

const isVisible = (product: Product, viewer: Viewer) =>
  viewer.isAdmin || product.status === 'PUBLISHED';

const productData = (product: Product) => ({
  slug: product.slug,
  name: product.name,
  status: product.status,
  categoryId: product.categoryId,
});

const variantData = (variant: Variant) => ({
  variantId: variant.id,
  sku: variant.sku,
  name: variant.name,
  price: { amountMinor: variant.priceAmount, currency: variant.currency },
  stockOnHand: variant.stockOnHand,
  attributes: variant.attributes,
});

const catalogEvent = <TType extends CatalogEventType>(
  type: TType,
  productId: string,
  at: Date,
  data: Omit<EventData<TType>, 'productId'>,
): CatalogEvent => ({ type, productId, sequence: at.getTime(), data }) as CatalogEvent;

const productNotFound = (field: string[]) =>
  failure('PRODUCT_NOT_FOUND', 'No product with this id', field);
const variantNotFound = (field: string[]) =>
  failure('VARIANT_NOT_FOUND', 'No variant with this id', field);

/**
 * The catalog's domain rules: validation, visibility of drafts, one currency per product,
 * publishing only with variants, and multi-row writes in one transaction.
 */
export function createCatalogService(options: CatalogServiceOptions) {
  const { repo, newId } = options;
  const now = options.now ?? (() => new Date());

  /** Runs `fn` in a transaction; `Abort` and duplicate keys become failures, nothing is kept. */
  async function inTransaction<T>(
    fn: (tx: CatalogRepo) => Promise<Result<T>>,
    onDuplicate: (key: 'slug' | 'sku') => CatalogFailure,
  ): Promise<Result<T>> {
    try {
      return await repo.transaction(async (tx) => {
        const result = await fn(tx);
        if (!result.ok) throw new Abort(result);
        return result;
      });
    } catch (error) {
      if (error instanceof Abort) return error.failure;
      if (error instanceof DuplicateKeyError) return onDuplicate(error.key);
      throw error;
    }
  }

  async function findCategory(id: string): Promise<Category | undefined> {
    if (!isUuid(id)) return undefined;
    const [category] = await repo.categoriesByIds([id]);
    return category;
  }

  function buildVariant(productId: string, input: VariantInput, position: number): Variant {
    const at = now();
    return {
      id: newId(),
      productId,
      sku: input.sku.trim(),
      name: input.name.trim(),
      priceAmount: input.price.amount,
      currency: input.price.currencyCode,
      stockOnHand: input.stockOnHand,
      attributes: (input.attributes ?? []).map((a) => ({ name: a.name.trim(), value: a.value })),
      position,
      createdAt: at,
      updatedAt: at,
    };
  }

  function checkVariant(input: VariantInput, field: string[]): CatalogFailure | undefined {
    return (
      checkSku(input.sku.trim(), [...field, 'sku']) ??
      checkName(input.name, [...field, 'name']) ??
      checkPrice(input.price, [...field, 'price']) ??
      checkStock(input.stockOnHand, [...field, 'stockOnHand']) ??
      checkAttributes(input.attributes ?? [], [...field, 'attributes'])
    );
  }

  const skuTaken = (field: string[]) =>
    failure('SKU_TAKEN', 'A variant with this SKU already exists', field);
  const slugTaken = (field: string[]) =>
    failure('SLUG_TAKEN', 'A product with this slug already exists', field);

  return {
    // ---- reads -------------------------------------------------------------------------------

    rootCategories: () => repo.rootCategories(),
    categoriesByIds: (ids: string[]) => repo.categoriesByIds(ids.filter(isUuid)),
    childCategories: (parentIds: string[]) => repo.childCategories(parentIds),
    categoryPaths: (ids: string[]) => repo.categoryPaths(ids.filter(isUuid)),

    async category(by: { id?: string | null; slug?: string | null }) {
      if (by.id) return findCategory(by.id);
      if (by.slug) return repo.categoryBySlug(by.slug);
      return undefined;
    },

    /** Products by id regardless of status (entity references come from other subgraphs). */
    productsByIds: (ids: string[]) => repo.productsByIds(ids.filter(isUuid)),
    variantsByIds: (ids: string[]) => repo.variantsByIds(ids.filter(isUuid)),
    variantsByProductIds: (ids: string[]) => repo.variantsByProductIds(ids),

    async product(by: { id?: string | null; slug?: string | null }, viewer: Viewer) {
      let product: Product | undefined;
      if (by.id) product = isUuid(by.id) ? (await repo.productsByIds([by.id]))[0] : undefined;
      else if (by.slug) product = await repo.productBySlug(by.slug);
      return product && isVisible(product, viewer) ? product : undefined;
    },

    async variant(id: string, viewer: Viewer) {
      if (!isUuid(id)) return undefined;
      const [variant] = await repo.variantsByIds([id]);
      if (!variant) return undefined;
      const [product] = await repo.productsByIds([variant.productId]);
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
      const repoFilter = {
        statuses,
        nameContains: filter.nameContains ?? undefined,
        categoryId,
      };
      const [rows, totalCount] = await Promise.all([
        repo.listProducts({ filter: repoFilter, after: options.after, limit: options.limit }),
        repo.countProducts(repoFilter),
      ]);
      return { rows, totalCount };
    },

    // ---- writes (callers check the ADMIN role first) -----------------------------------------

    async createCategory(input: CreateCategoryInput): Promise<Result<{ category: Category }>> {
      const slug = input.slug ?? slugify(input.name);
      const problem =
        checkName(input.name, ['input', 'name']) ??
        checkSlug(slug, ['input', input.slug != null ? 'slug' : 'name']) ??
        checkDescription(input.description ?? '', ['input', 'description']);
      if (problem) return problem;
      if (input.parentId && !(await findCategory(input.parentId))) {
        return failure('CATEGORY_NOT_FOUND', 'No category with this id', ['input', 'parentId']);
      }
      try {
        const category = await repo.insertCategory({
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
      if (input.categoryId && !(await findCategory(input.categoryId))) {
        return failure('CATEGORY_NOT_FOUND', 'No category with this id', ['input', 'categoryId']);
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
        async (tx) => {
          // Checked first for a precise field path; the unique constraints still decide races.
          if (await tx.slugTaken(slug)) return slugTaken(['input', 'slug']);
          const taken = await tx.existingSkus(skus);
          if (taken.length > 0) {
            return skuTaken(['input', 'variants', String(skus.indexOf(taken[0]!)), 'sku']);
          }
          const created = await tx.insertProduct(product);
          const inserted = await tx.insertVariants(
            input.variants.map((variant, index) => buildVariant(created.id, variant, index)),
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
      if (input.categoryId && !(await findCategory(input.categoryId))) {
        return failure('CATEGORY_NOT_FOUND', 'No category with this id', ['input', 'categoryId']);
      }
      return inTransaction(
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
        async (tx) => {
          if (!(await tx.deleteProduct(id))) return productNotFound(['id']);
          await tx.appendEvents([catalogEvent('product.deleted', id, now(), {})]);
          return { ok: true, deletedProductId: id };
        },
        () => productNotFound(['id']),
      );
    },

    async setProductStatus(
      id: string,
      status: ProductStatus,
    ): Promise<Result<{ product: Product }>> {
      if (!isUuid(id)) return productNotFound(['id']);
      return inTransaction(
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

    async addVariant(
      productId: string,
      input: VariantInput,
    ): Promise<Result<{ variant: Variant }>> {
      if (!isUuid(productId)) return productNotFound(['productId']);
      const problem = checkVariant(input, ['input']);
      if (problem) return problem;
      return inTransaction(
        async (tx) => {
          // The lock serialises variant writes per product, so "one currency" holds under races.
          const product = await tx.lockProduct(productId);
          if (!product) return productNotFound(['productId']);
          const existing = await tx.variantsByProductIds([productId]);
          const currency = existing[0]?.currency;
          if (currency && currency !== input.price.currencyCode) {
            return failure(
              'CURRENCY_MISMATCH',
              `This product is priced in ${currency}; all variants must use one currency`,
              ['input', 'price', 'currencyCode'],
            );
          }
          if ((await tx.existingSkus([input.sku.trim()])).length > 0) {
            return skuTaken(['input', 'sku']);
          }
          const position = Math.max(-1, ...existing.map((variant) => variant.position)) + 1;
          const [variant] = await tx.insertVariants([buildVariant(productId, input, position)]);
          const at = now();
          await tx.updateProduct(productId, { updatedAt: at });
          await tx.appendEvents([
            catalogEvent('variant.created', productId, at, variantData(variant!)),
          ]);
          return { ok: true, variant: variant! };
        },
        () => skuTaken(['input', 'sku']),
      );
    },

    async updateVariant(
      id: string,
      input: UpdateVariantInput,
    ): Promise<Result<{ variant: Variant }>> {
      if (!isUuid(id)) return variantNotFound(['id']);
      const problem =
        (input.name != null ? checkName(input.name, ['input', 'name']) : undefined) ??
        (input.price != null ? checkPrice(input.price, ['input', 'price']) : undefined) ??
        (input.stockOnHand != null
          ? checkStock(input.stockOnHand, ['input', 'stockOnHand'])
          : undefined) ??
        (input.attributes != null
          ? checkAttributes(input.attributes, ['input', 'attributes'])
          : undefined);
      if (problem) return problem;
      return inTransaction(
        async (tx) => {
          const [current] = await tx.variantsByIds([id]);
          if (!current) return variantNotFound(['id']);
          await tx.lockProduct(current.productId);
          if (input.price && input.price.currencyCode !== current.currency) {
            const siblings = await tx.variantsByProductIds([current.productId]);
            if (siblings.some((variant) => variant.id !== id)) {
              return failure(
                'CURRENCY_MISMATCH',
                `This product is priced in ${current.currency}; all variants must use one currency`,
                ['input', 'price', 'currencyCode'],
              );
            }
          }
          const patch: VariantPatch = { updatedAt: now() };
          if (input.name != null) patch.name = input.name.trim();
          if (input.price != null) {
            patch.priceAmount = input.price.amount;
            patch.currency = input.price.currencyCode;
          }
          if (input.stockOnHand != null) patch.stockOnHand = input.stockOnHand;
          if (input.attributes != null) {
            patch.attributes = input.attributes.map((a) => ({
              name: a.name.trim(),
              value: a.value,
            }));
          }
          const variant = await tx.updateVariant(id, patch);
          if (!variant) return variantNotFound(['id']);
          const at = now();
          await tx.updateProduct(current.productId, { updatedAt: at });
          const events = [
            catalogEvent('variant.updated', current.productId, at, variantData(variant)),
          ];
          if (
            variant.priceAmount !== current.priceAmount ||
            variant.currency !== current.currency
          ) {
            events.push(
              catalogEvent('price.changed', current.productId, at, {
                variantId: id,
                from: { amountMinor: current.priceAmount, currency: current.currency },
                to: { amountMinor: variant.priceAmount, currency: variant.currency },
              }),
            );
          }
          await tx.appendEvents(events);
          return { ok: true, variant };
        },
        () => variantNotFound(['id']),
      );
    },

    async deleteVariant(
      id: string,
    ): Promise<Result<{ deletedVariantId: string; product: Product }>> {
      if (!isUuid(id)) return variantNotFound(['id']);
      return inTransaction(
        async (tx) => {
          const [current] = await tx.variantsByIds([id]);
          if (!current) return variantNotFound(['id']);
          const product = await tx.lockProduct(current.productId);
          if (!product) return variantNotFound(['id']);
          const siblings = await tx.variantsByProductIds([product.id]);
          if (product.status === 'PUBLISHED' && siblings.length <= 1) {
            return failure(
              'NO_VARIANTS',
              'A published product must keep at least one variant; unpublish it first',
              ['id'],
            );
          }
          if (!(await tx.deleteVariant(id))) return variantNotFound(['id']);
          const at = now();
          const updated = await tx.updateProduct(product.id, { updatedAt: at });
          await tx.appendEvents([
            catalogEvent('variant.deleted', product.id, at, { variantId: id, sku: current.sku }),
          ]);
          return { ok: true, deletedVariantId: id, product: updated! };
        },
        () => variantNotFound(['id']),
      );
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
export type { CatalogFailure, CatalogErrorCode } from './validation';

import type { Product, Variant, VariantAttribute } from '../model';
import type { CatalogWriteDeps, VariantPatch } from '../ports';
import { checkAttributes, checkName, checkPrice, checkStock, failure, isUuid } from '../validation';
import { catalogEvent, variantData } from './catalog-events';
import { currencyMismatch, productNotFound, skuTaken, variantNotFound } from './failures';
import { inTransaction, type Result } from './in-transaction';
import { checkVariant, newVariant, type MoneyInput, type VariantInput } from './variant-input';

export interface UpdateVariantInput {
  name?: string | null | undefined;
  price?: MoneyInput | null | undefined;
  stockOnHand?: number | null | undefined;
  attributes?: VariantAttribute[] | null | undefined;
}

/**
 * The admin's writes of variants (callers check the ADMIN role first): add, update (name, price,
 * stock on hand, attributes) and delete. Each locks its product, so "one currency per product"
 * and "a published product keeps a variant" hold under concurrent writes.
 */
export function createVariantWrites(deps: CatalogWriteDeps) {
  const { store, now } = deps;

  return {
    async addVariant(
      productId: string,
      input: VariantInput,
    ): Promise<Result<{ variant: Variant }>> {
      if (!isUuid(productId)) return productNotFound(['productId']);
      const problem = checkVariant(input, ['input']);
      if (problem) return problem;
      return inTransaction(
        store,
        async (tx) => {
          // The lock serialises variant writes per product, so "one currency" holds under races.
          const product = await tx.lockProduct(productId);
          if (!product) return productNotFound(['productId']);
          const existing = await tx.variantsByProductIds([productId]);
          const currency = existing[0]?.currency;
          if (currency && currency !== input.price.currencyCode) {
            return currencyMismatch(currency);
          }
          if ((await tx.existingSkus([input.sku.trim()])).length > 0) {
            return skuTaken(['input', 'sku']);
          }
          const position = Math.max(-1, ...existing.map((variant) => variant.position)) + 1;
          const [variant] = await tx.insertVariants([newVariant(deps, productId, input, position)]);
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

    /** Updates a variant; a new price also emits `price.changed`. */
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
        store,
        async (tx) => {
          const [current] = await tx.variantsByIds([id]);
          if (!current) return variantNotFound(['id']);
          await tx.lockProduct(current.productId);
          if (input.price && input.price.currencyCode !== current.currency) {
            const siblings = await tx.variantsByProductIds([current.productId]);
            if (siblings.some((variant) => variant.id !== id)) {
              return currencyMismatch(current.currency);
            }
          }
          const variant = await tx.updateVariant(id, variantPatch(input, now()));
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

    /** Deletes a variant; a published product must keep at least one. */
    async deleteVariant(
      id: string,
    ): Promise<Result<{ deletedVariantId: string; product: Product }>> {
      if (!isUuid(id)) return variantNotFound(['id']);
      return inTransaction(
        store,
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

/** The columns an update changes (names trimmed), stamped `updatedAt`. */
function variantPatch(input: UpdateVariantInput, updatedAt: Date): VariantPatch {
  const patch: VariantPatch = { updatedAt };
  if (input.name != null) patch.name = input.name.trim();
  if (input.price != null) {
    patch.priceAmount = input.price.amount;
    patch.currency = input.price.currencyCode;
  }
  if (input.stockOnHand != null) patch.stockOnHand = input.stockOnHand;
  if (input.attributes != null) {
    patch.attributes = input.attributes.map((a) => ({ name: a.name.trim(), value: a.value }));
  }
  return patch;
}

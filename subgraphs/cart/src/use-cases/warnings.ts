import type { VariantInfo } from '../ports';
import type { CartSnapshot } from '../repo';

export type CartWarningCode =
  'PRICE_CHANGED' | 'OUT_OF_STOCK' | 'NOT_ENOUGH_STOCK' | 'PRODUCT_UNAVAILABLE';

export interface CartWarning {
  code: CartWarningCode;
  message: string;
  variantId: string | null;
}

export const isPublished = (variant: VariantInfo) => variant.product?.status === 'PUBLISHED';

const money = (amount: number, currency: string) =>
  `${(amount / 100).toFixed(2)} ${currency}`.trim();

/**
 * Re-prices a cart against current product data. `variants` null (product unreachable) yields no
 * warnings: the cart is still readable, just not re-checked.
 */
export function cartWarnings(
  cart: Pick<CartSnapshot, 'status' | 'lines'>,
  variants: Map<string, VariantInfo | null> | null,
): CartWarning[] {
  if (!variants || cart.status !== 'ACTIVE') return [];
  const warnings: CartWarning[] = [];
  for (const line of cart.lines) {
    const variant = variants.get(line.variantId);
    if (variant === undefined) continue;
    const label = `${line.productName} (${line.variantName})`;
    if (variant === null || !isPublished(variant)) {
      warnings.push({
        code: 'PRODUCT_UNAVAILABLE',
        message: `${label} is no longer available`,
        variantId: line.variantId,
      });
      continue;
    }
    if (
      variant.price.amount !== line.unitPriceAmount ||
      variant.price.currencyCode !== line.currencyCode
    ) {
      warnings.push({
        code: 'PRICE_CHANGED',
        message: `The price of ${label} changed from ${money(line.unitPriceAmount, line.currencyCode)} to ${money(variant.price.amount, variant.price.currencyCode)}`,
        variantId: line.variantId,
      });
    }
    if (variant.stockOnHand <= 0) {
      warnings.push({
        code: 'OUT_OF_STOCK',
        message: `${label} is out of stock`,
        variantId: line.variantId,
      });
    } else if (line.quantity > variant.stockOnHand) {
      warnings.push({
        code: 'NOT_ENOUGH_STOCK',
        message: `Only ${variant.stockOnHand} of ${label} in stock, ${line.quantity} in cart`,
        variantId: line.variantId,
      });
    }
  }
  return warnings;
}

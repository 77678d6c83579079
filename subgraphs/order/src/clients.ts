import type { ServiceClient } from '@shop/subgraph';
import type { CartPort, CheckoutCart, ReservedLine, StockFailure, StockPort } from './service';

export const CART_FOR_CHECKOUT = `query ($cartId: ID!, $userId: ID!) {
  cartForCheckout(cartId: $cartId, userId: $userId) {
    id userId currencyCode version
    lines { variantId quantity unitPrice { amount currencyCode } }
  }
}`;

export const RESERVE_STOCK = `mutation ($input: ReserveStockInput!) {
  reserveStock(input: $input) {
    ok
    lines { variantId productId sku productName variantName quantity unitPrice { amount currencyCode } }
    failures { variantId code requested available }
  }
}`;

export const RELEASE_STOCK = `mutation ($orderId: ID!) { releaseStock(orderId: $orderId) }`;

/** The cart subgraph through a service client. */
export function createCartPort(client: ServiceClient): CartPort {
  return {
    async cartForCheckout(cartId, userId) {
      const data = await client.call<{ cartForCheckout: CheckoutCart | null }>(
        'cart',
        CART_FOR_CHECKOUT,
        { cartId, userId },
      );
      return data.cartForCheckout;
    },
  };
}

/** The product subgraph's stock reservation through a service client. */
export function createStockPort(client: ServiceClient): StockPort {
  return {
    async reserve(input) {
      const data = await client.call<{
        reserveStock: {
          ok: boolean;
          lines: ReservedLine[] | null;
          failures: StockFailure[] | null;
        };
      }>('product', RESERVE_STOCK, { input });
      const result = data.reserveStock;
      if (result.ok) return { ok: true, lines: result.lines ?? [] };
      const failures = result.failures ?? [];
      if (failures.length === 0) throw new Error('product refused a reservation without reasons');
      return { ok: false, failures };
    },
    async release(orderId) {
      const data = await client.call<{ releaseStock: boolean }>('product', RELEASE_STOCK, {
        orderId,
      });
      return data.releaseStock;
    },
  };
}

import type { ServiceClient } from '@shop/subgraph';
import type { CartPort, CheckoutCart, ReservedLine, StockFailure, StockPort } from './ports';

export const CLAIM_CART = `mutation ($cartId: ID!, $userId: ID!, $orderId: ID!) {
  claimCartForCheckout(cartId: $cartId, userId: $userId, orderId: $orderId) {
    cart {
      id userId currencyCode version
      lines { variantId quantity unitPrice { amount currencyCode } }
    }
    claimedByOrderId
  }
}`;

export const RELEASE_CART_CLAIM = `mutation ($cartId: ID!, $orderId: ID!) {
  releaseCartClaim(cartId: $cartId, orderId: $orderId)
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
    async claim(cartId, userId, orderId) {
      const data = await client.call<{
        claimCartForCheckout: { cart: CheckoutCart | null; claimedByOrderId: string | null } | null;
      }>('cart', CLAIM_CART, { cartId, userId, orderId });
      const claim = data.claimCartForCheckout;
      if (!claim) return null;
      return claim.cart
        ? { claimed: true, cart: claim.cart }
        : { claimed: false, orderId: claim.claimedByOrderId };
    },
    async release(cartId, orderId) {
      const data = await client.call<{ releaseCartClaim: boolean | null }>(
        'cart',
        RELEASE_CART_CLAIM,
        { cartId, orderId },
      );
      return data.releaseCartClaim === true;
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

import { ServiceCallError, type ServiceClient } from '@shop/subgraph';

/** What payment needs to know about an order (from the order subgraph's `orderForPayment`). */
export interface OrderForPayment {
  id: string;
  userId: string;
  status: string;
  total: { amount: number; currencyCode: string };
}

/** Reads orders from the order subgraph. */
export interface OrderDirectory {
  /** The order, or null when it does not exist. */
  orderForPayment(orderId: string): Promise<OrderForPayment | null>;
}

export const ORDER_FOR_PAYMENT = `query ($id: ID!) {
  orderForPayment(orderId: $id) { id userId status total { amount currencyCode } }
}`;

/** The order directory over a service call to the order subgraph. */
export function createOrderDirectory(client: ServiceClient): OrderDirectory {
  return {
    async orderForPayment(orderId) {
      try {
        const data = await client.call<{ orderForPayment: OrderForPayment | null }>(
          'order',
          ORDER_FOR_PAYMENT,
          { id: orderId },
        );
        return data.orderForPayment;
      } catch (error) {
        if (error instanceof ServiceCallError && error.code === 'NOT_FOUND') return null;
        throw error;
      }
    },
  };
}

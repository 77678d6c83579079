import { ServiceCallError, type ServiceClient } from '@shop/subgraph';
import type { OrderForPayment, OrderLookup } from './ports';

export const ORDER_FOR_PAYMENT = `query ($id: ID!) {
  orderForPayment(orderId: $id) { id userId status total { amount currencyCode } }
}`;

/** The {@link OrderLookup} over a service call to the order subgraph. */
export function createOrderDirectory(client: ServiceClient): OrderLookup {
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

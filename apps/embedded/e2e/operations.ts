/** GraphQL operations the end-to-end tests send through the gateway, as a frontend would. */

export const ADD_LINES = `mutation AddLines($input: AddCartLinesInput!) {
  addCartLines(input: $input) {
    cart { id status totalQuantity subtotal { amount currencyCode } lines { variantId quantity unitPrice { amount currencyCode } } }
    cartToken
    warnings { code variantId }
    userErrors { code message }
  }
}`;

export const MERGE = `mutation Merge($input: MergeGuestCartInput!) {
  mergeGuestCart(input: $input) {
    cart { id status lines { variantId quantity } }
    userErrors { code message }
  }
}`;

export const MY_CART = `query MyCart { me { id cart { id status totalQuantity subtotal { amount currencyCode } lines { variantId quantity variant { id sku product { name } } } } } }`;

export const CHECKOUT = `mutation Checkout($input: CheckoutInput!) {
  checkout(input: $input) {
    order { id number status total { amount currencyCode } lines { sku productName quantity unitPrice { amount currencyCode } } }
    userErrors { code message variantId requested available }
  }
}`;

export const PAY = `mutation Pay($input: PayOrderInput!) {
  payOrder(input: $input) {
    payment { id status amount { amount currencyCode } card { brand last4 } }
    userErrors { code message }
  }
}`;

export const ORDER = `query Order($id: ID!) {
  order(id: $id) {
    id number status
    total { amount currencyCode }
    lines { quantity productName variant { id sku product { name } } }
    shipment { carrier trackingNumber }
    history { from to }
    paymentStatus
    payments { status capturedAmount { amount } }
    customer { id email }
  }
}`;

export const SHIP = `mutation Ship($input: ShipOrderInput!) {
  shipOrder(input: $input) { order { id status shipment { carrier trackingNumber } } userErrors { code message } }
}`;

export const VARIANT_STOCK = `query Variant($id: ID!) { variant(id: $id) { id stockOnHand } }`;

export const SET_STOCK = `mutation SetStock($id: ID!, $input: UpdateVariantInput!) {
  updateVariant(id: $id, input: $input) { variant { id stockOnHand } userErrors { code message } }
}`;

export const ADMIN_ORDERS = `query Orders($status: OrderStatus) { orders(status: $status, first: 100) { edges { node { id status } } } }`;

export const ADDRESS = {
  fullName: 'Ada Lovelace',
  line1: '12 Analytical Row',
  city: 'London',
  postalCode: 'N1 9GU',
  countryCode: 'GB',
};

export const TEST_CARD = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };
export const DECLINED_CARD = {
  number: '4000000000000002',
  expMonth: 12,
  expYear: 2030,
  cvc: '123',
};

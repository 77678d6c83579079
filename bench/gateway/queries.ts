/**
 * Operations of the gateway benchmark (field names from schema/supergraph.graphql): the three
 * page queries sent through the gateways, the subgraph part of each (what the query plan sends
 * to each subgraph, for the direct "ceiling" target) and the mutations that seed the data.
 */

/** 1. Product listing page: one subgraph (product), anonymous. */
export const PRODUCT_LISTING = `query ProductListing($first: Int!) {
  products(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id slug name description status
        category { id slug name parent { id slug name } }
        priceRange { min { amount currencyCode } max { amount currencyCode } }
        variants {
          id sku name inStock
          price { amount currencyCode }
          attributes { name value }
        }
      }
    }
  }
}`;
export const PRODUCT_LISTING_VARIABLES = { first: 20 };

/** Cart fields in the cart subgraph (the variant is an entity reference to product). */
const CART_FIELDS = `id status version totalQuantity currencyCode
      subtotal { amount currencyCode }
      lines {
        id variantId quantity productName variantName
        unitPrice { amount currencyCode }
        lineTotal { amount currencyCode }
        variant { %VARIANT% }
      }`;
const CART_VARIANT_FIELDS = `sku name inStock price { amount currencyCode } product { id slug name }`;

/** 2. Cart page: `me` (user) → its cart (cart) → the lines' variants (product). */
export const CART_PAGE = `query CartPage {
  me {
    id name email
    cart {
      ${CART_FIELDS.replace('%VARIANT%', `id ${CART_VARIANT_FIELDS}`)}
    }
  }
}`;

/**
 * Order fields in the order subgraph (variant and customer are entity references). Trimmed to
 * stay under our gateway's default cost limit (10,000; lists count 10 items unless sized): with
 * `sku`, `variantName`, `lineTotal`, `capturedAmount`… the page estimates 15,757 and is refused.
 */
const ORDER_FIELDS = `id number status createdAt
          total { amount currencyCode }
          customer { %CUSTOMER% }
          lines {
            quantity productName
            unitPrice { amount currencyCode }
            variant { %VARIANT% }
          }`;
const ORDER_VARIANT_FIELDS = `name product { id name }`;
const ORDER_CUSTOMER_FIELDS = `name`;
const ORDER_PAYMENT_FIELDS = `paymentStatus
          payments { status amount { amount currencyCode } card { last4 } }`;

/**
 * 3. Order history page: `me` (user) → 50 orders with lines (order) → the lines' variants and
 * products (product), the orders' payments (payment) and the customer (user).
 */
export const ORDER_HISTORY = `query OrderHistory($first: Int!) {
  me {
    id
    orders(first: $first) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          ${ORDER_FIELDS.replace('%CUSTOMER%', `id ${ORDER_CUSTOMER_FIELDS}`).replace(
            '%VARIANT%',
            `id ${ORDER_VARIANT_FIELDS}`,
          )}
          ${ORDER_PAYMENT_FIELDS}
        }
      }
    }
  }
}`;
export const ORDER_HISTORY_VARIABLES = { first: 50 };

// --- subgraph parts (direct target) ----------------------------------------------------------

const entities = (type: string, fields: string) =>
  `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${type} { ${fields} } } }`;

export const DIRECT = {
  /** product: the listing is one root field of one subgraph, sent as is. */
  productListing: PRODUCT_LISTING,
  /** user: who is calling. */
  me: `query { me { __typename id name email } }`,
  meId: `query { me { __typename id } }`,
  /** cart: the user's cart with variant references. */
  userCart: entities('User', `cart { ${CART_FIELDS.replace('%VARIANT%', '__typename id')} }`),
  /** product: the cart lines' variants. */
  cartVariants: entities('Variant', CART_VARIANT_FIELDS),
  /** order: the user's orders with variant and customer references. */
  userOrders: entities(
    'User',
    `orders(first: ${ORDER_HISTORY_VARIABLES.first}) { pageInfo { hasNextPage endCursor } edges { node { __typename ${ORDER_FIELDS.replace('%CUSTOMER%', '__typename id').replace('%VARIANT%', '__typename id')} } } }`,
  ),
  /** product: the order lines' variants. */
  orderVariants: entities('Variant', ORDER_VARIANT_FIELDS),
  /** payment: the orders' payments. */
  orderPayments: entities('Order', ORDER_PAYMENT_FIELDS),
  /** user: the orders' customer. */
  customers: entities('User', ORDER_CUSTOMER_FIELDS),
};

// --- seeding ---------------------------------------------------------------------------------

export const REGISTER = `mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken user { id } userErrors { code message } }
}`;

export const LOGIN = `mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken userErrors { code message } }
}`;

export const SEED_VARIANTS = `query SeedVariants { products(first: 100) { edges { node { variants { id } } } } }`;

export const SET_STOCK = `mutation SetStock($id: ID!, $input: UpdateVariantInput!) {
  updateVariant(id: $id, input: $input) { variant { id stockOnHand } userErrors { code message } }
}`;

export const ADD_CART_LINES = `mutation AddCartLines($input: AddCartLinesInput!) {
  addCartLines(input: $input) {
    cart { id totalQuantity subtotal { amount currencyCode } }
    userErrors { code message }
  }
}`;

/** The signed-in user's ACTIVE cart (null once checked out and converted). */
export const MY_CART_ID = `query MyCartId { cart { id } }`;

export const CHECKOUT = `mutation Checkout($input: CheckoutInput!) {
  checkout(input: $input) { order { id number status } userErrors { code message } }
}`;

export const PAY_ORDER = `mutation PayOrder($input: PayOrderInput!) {
  payOrder(input: $input) { payment { id status } userErrors { code message } }
}`;

export const SHIPPING_ADDRESS = {
  fullName: 'Bench Customer',
  line1: '1 Load Street',
  city: 'Berlin',
  postalCode: '10115',
  countryCode: 'DE',
};

export const TEST_CARD = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };

import { randomUUID } from 'node:crypto';
import gql from 'graphql-tag';
import { loadSigningKey, type Identity, type SigningKey } from '@shop/auth';
import type { Database } from '@shop/db';
import { createEnvelope, createLogBus, TOPICS, type EventBus } from '@shop/events';
import { createSubgraph, requireRole, type RunningSubgraph } from '@shop/subgraph';
import { callSubgraph, type TestDatabaseTarget } from '@shop/testing';
import {
  ORDER_SUBGRAPH,
  prepareOrderDatabase,
  startOrderSubgraph,
  type OrderSubgraphOptions,
} from '../src/index';

export const ORDER_FIELDS = `
  id number status customer { id }
  lines {
    variant { id } variantId productId sku productName variantName quantity
    unitPrice { amount currencyCode } lineTotal { amount currencyCode }
  }
  subtotal { amount currencyCode } shippingTotal { amount currencyCode } total { amount currencyCode }
  shippingAddress { fullName line1 line2 city region postalCode countryCode phone }
  shipment { carrier trackingNumber shippedAt }
  history { from to reason actorRole at }
  nextStates expiresAt createdAt updatedAt`;

export const CHECKOUT = `mutation ($input: CheckoutInput!) {
  checkout(input: $input) {
    order { ${ORDER_FIELDS} }
    userErrors { code message field variantId requested available }
  }
}`;

/** CHECKOUT with the error fields of one cart / one confirmed total (orderId, breakdown). */
export const CHECKOUT_DETAILED = `mutation ($input: CheckoutInput!) {
  checkout(input: $input) {
    order { id status total { amount currencyCode } }
    userErrors {
      code message field variantId requested available orderId
      breakdown {
        lines {
          variantId quantity unitPrice { amount currencyCode }
          previousUnitPrice { amount currencyCode } lineTotal { amount currencyCode }
        }
        total { amount currencyCode }
      }
    }
  }
}`;

export const ORDER = `query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;

const PAYLOAD = `order { ${ORDER_FIELDS} } userErrors { code message field }`;
export const CANCEL = `mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { ${PAYLOAD} } }`;
export const SHIP = `mutation ($input: ShipOrderInput!) { shipOrder(input: $input) { ${PAYLOAD} } }`;
export const DELIVER = `mutation ($input: MarkOrderDeliveredInput!) {
  markOrderDelivered(input: $input) { ${PAYLOAD} } }`;
export const COMPLETE = `mutation ($input: CompleteOrderInput!) {
  completeOrder(input: $input) { ${PAYLOAD} } }`;

export const ADDRESS = {
  fullName: 'Ada Lovelace',
  line1: '12 Analytical Street',
  line2: null,
  city: 'London',
  region: null,
  postalCode: 'EC1A 1BB',
  countryCode: 'GB',
  phone: '+44 20 7946 0000',
};

export const customer = (): Identity => ({ userId: randomUUID(), roles: ['CUSTOMER'] });
export const ADMIN: Identity = { userId: randomUUID(), roles: ['ADMIN', 'CUSTOMER'] };
export const PAYMENT_SERVICE: Identity = { userId: 'service:payment', roles: ['SERVICE'] };

// ---------------------------------------------------------------------------------------------
// Stub cart and product subgraphs: real HTTP servers that verify service tokens.

interface StubMoney {
  amount: number;
  currencyCode: string;
}

export interface StubCart {
  id: string;
  userId: string;
  currencyCode: string;
  version: number;
  lines: Array<{ variantId: string; quantity: number; unitPrice: StubMoney }>;
  /** The order holding the cart's checkout claim (the real cart's CHECKING_OUT), if any. */
  claimedBy: string | null;
}

export interface StubVariant {
  id: string;
  productId: string;
  sku: string;
  productName: string;
  variantName: string;
  price: StubMoney;
  stock: number;
  unavailable?: boolean;
}

interface ReserveResult {
  ok: boolean;
  lines: Array<
    Omit<StubVariant, 'id' | 'price' | 'stock' | 'unavailable'> & {
      variantId: string;
      quantity: number;
      unitPrice: StubMoney;
    }
  >;
  failures: Array<{
    variantId: string;
    code: string;
    requested: number;
    available: number | null;
  }>;
}

const CART_SDL = gql`
  type Money {
    "Float, not Int: like MinorUnits, any safe integer (2^53 − 1 included)."
    amount: Float!
    currencyCode: String!
  }
  type CheckoutCartLine {
    variantId: ID!
    quantity: Int!
    unitPrice: Money!
  }
  type CheckoutCart {
    id: ID!
    userId: ID!
    currencyCode: String!
    version: Int!
    lines: [CheckoutCartLine!]!
  }
  type CheckoutClaim {
    cart: CheckoutCart
    claimedByOrderId: ID
  }
  type Query {
    cartOf(cartId: ID!): CheckoutCart
  }
  type Mutation {
    claimCartForCheckout(cartId: ID!, userId: ID!, orderId: ID!): CheckoutClaim
    releaseCartClaim(cartId: ID!, orderId: ID!): Boolean
  }
`;

const PRODUCT_SDL = gql`
  type Money {
    "Float, not Int: like MinorUnits, any safe integer (2^53 − 1 included)."
    amount: Float!
    currencyCode: String!
  }
  input ReserveStockLineInput {
    variantId: ID!
    quantity: Int!
  }
  input ReserveStockInput {
    orderId: ID!
    lines: [ReserveStockLineInput!]!
  }
  type ReservedLine {
    variantId: ID!
    productId: ID!
    sku: String!
    productName: String!
    variantName: String!
    quantity: Int!
    unitPrice: Money!
  }
  type ReserveFailure {
    variantId: ID!
    code: String!
    requested: Int!
    available: Int
  }
  type ReserveStockResult {
    ok: Boolean!
    lines: [ReservedLine!]!
    failures: [ReserveFailure!]!
  }
  type Query {
    stockOf(variantId: ID!): Int
  }
  type Mutation {
    reserveStock(input: ReserveStockInput!): ReserveStockResult!
    releaseStock(orderId: ID!): Boolean!
  }
`;

export class FakeCatalog {
  readonly carts = new Map<string, StubCart>();
  readonly variants = new Map<string, StubVariant>();
  readonly reservations = new Map<
    string,
    {
      result: ReserveResult;
      lines: Array<{ variantId: string; quantity: number }>;
      released: boolean;
    }
  >();
  readonly reserveCalls: string[] = [];
  readonly releaseCalls: string[] = [];
  readonly claimReleases: string[] = [];
  readonly callers = new Set<string>();
  /**
   * Grant every claim even while another order holds it, as a claim taken over after its TTL
   * (or a cart subgraph that lost the claim) would: only the order database's backstop is left.
   */
  grantEveryClaim = false;
  /** Take the claim, then fail the call (a response lost after the cart committed the claim). */
  failAfterClaim = false;

  addVariant(
    input: Partial<Omit<StubVariant, 'price'>> & { price: number; stock: number },
  ): StubVariant {
    const id = input.id ?? randomUUID();
    const variant: StubVariant = {
      id,
      productId: input.productId ?? randomUUID(),
      sku: input.sku ?? `SKU-${id.slice(0, 8)}`,
      productName: input.productName ?? 'Test Product',
      variantName: input.variantName ?? 'Default',
      price: { amount: input.price, currencyCode: 'USD' },
      stock: input.stock,
      ...(input.unavailable ? { unavailable: true } : {}),
    };
    this.variants.set(id, variant);
    return variant;
  }

  /** A cart priced at the variants' current prices (override with `unitPrice`). */
  addCart(
    userId: string,
    lines: Array<{ variant: StubVariant; quantity: number; unitPrice?: number }>,
  ): StubCart {
    const cart: StubCart = {
      id: randomUUID(),
      userId,
      currencyCode: 'USD',
      version: 3,
      lines: lines.map((line) => ({
        variantId: line.variant.id,
        quantity: line.quantity,
        unitPrice: { amount: line.unitPrice ?? line.variant.price.amount, currencyCode: 'USD' },
      })),
      claimedBy: null,
    };
    this.carts.set(cart.id, cart);
    return cart;
  }

  /** Σ quantity × current price of a cart's lines: the total a customer confirms today. */
  currentTotal(cartId: string): StubMoney {
    const cart = this.carts.get(cartId);
    const amount = (cart?.lines ?? []).reduce(
      (sum, line) => sum + line.quantity * (this.variants.get(line.variantId)?.price.amount ?? 0),
      0,
    );
    return { amount, currencyCode: 'USD' };
  }

  /** The cart's checkout claim, like the cart subgraph's (synchronous: atomic). */
  claim(cartId: string, userId: string, orderId: string) {
    const cart = this.carts.get(cartId);
    if (!cart || cart.userId !== userId) return null;
    if (cart.claimedBy && cart.claimedBy !== orderId && !this.grantEveryClaim) {
      return { cart: null, claimedByOrderId: cart.claimedBy };
    }
    cart.claimedBy = orderId;
    if (this.failAfterClaim) throw new Error('connection reset after the claim');
    return { cart, claimedByOrderId: null };
  }

  releaseClaim(cartId: string, orderId: string): boolean {
    this.claimReleases.push(orderId);
    const cart = this.carts.get(cartId);
    if (!cart || cart.claimedBy !== orderId) return false;
    cart.claimedBy = null;
    return true;
  }

  /** Atomic all-or-nothing reservation (synchronous, so no interleaving), idempotent per order. */
  reserve(orderId: string, lines: Array<{ variantId: string; quantity: number }>): ReserveResult {
    this.reserveCalls.push(orderId);
    const existing = this.reservations.get(orderId);
    if (existing) return existing.result;
    const failures: ReserveResult['failures'] = [];
    for (const line of lines) {
      const variant = this.variants.get(line.variantId);
      if (!variant) {
        failures.push({
          variantId: line.variantId,
          code: 'VARIANT_NOT_FOUND',
          requested: line.quantity,
          available: null,
        });
      } else if (variant.unavailable) {
        failures.push({
          variantId: line.variantId,
          code: 'PRODUCT_UNAVAILABLE',
          requested: line.quantity,
          available: 0,
        });
      } else if (variant.stock < line.quantity) {
        failures.push({
          variantId: line.variantId,
          code: 'OUT_OF_STOCK',
          requested: line.quantity,
          available: variant.stock,
        });
      }
    }
    if (failures.length > 0) return { ok: false, lines: [], failures };
    const reserved = lines.map((line) => {
      const variant = this.variants.get(line.variantId)!;
      variant.stock -= line.quantity;
      return {
        variantId: variant.id,
        productId: variant.productId,
        sku: variant.sku,
        productName: variant.productName,
        variantName: variant.variantName,
        quantity: line.quantity,
        unitPrice: { ...variant.price },
      };
    });
    const result = { ok: true, lines: reserved, failures: [] };
    this.reservations.set(orderId, { result, lines, released: false });
    return result;
  }

  release(orderId: string): boolean {
    this.releaseCalls.push(orderId);
    const reservation = this.reservations.get(orderId);
    if (!reservation || reservation.released) return false;
    reservation.released = true;
    for (const line of reservation.lines) {
      const variant = this.variants.get(line.variantId);
      if (variant) variant.stock += line.quantity;
    }
    return true;
  }
}

async function startStubs(catalog: FakeCatalog, gatewayKey: SigningKey) {
  const cart = await createSubgraph({
    name: 'cart',
    typeDefs: CART_SDL,
    gatewayKeys: [gatewayKey],
    context: (base) => base,
    resolvers: {
      Query: {
        cartOf: (_parent, args: { cartId: string }) => catalog.carts.get(args.cartId) ?? null,
      },
      Mutation: {
        claimCartForCheckout: (
          _parent,
          args: { cartId: string; userId: string; orderId: string },
          context,
        ) => {
          catalog.callers.add(requireRole(context, 'SERVICE').userId);
          return catalog.claim(args.cartId, args.userId, args.orderId);
        },
        releaseCartClaim: (_parent, args: { cartId: string; orderId: string }, context) => {
          requireRole(context, 'SERVICE');
          return catalog.releaseClaim(args.cartId, args.orderId);
        },
      },
    },
  });
  const product = await createSubgraph({
    name: 'product',
    typeDefs: PRODUCT_SDL,
    gatewayKeys: [gatewayKey],
    context: (base) => base,
    resolvers: {
      Query: {
        stockOf: (_parent, args: { variantId: string }) =>
          catalog.variants.get(args.variantId)?.stock ?? null,
      },
      Mutation: {
        reserveStock: (
          _parent,
          args: {
            input: { orderId: string; lines: Array<{ variantId: string; quantity: number }> };
          },
          context,
        ) => {
          catalog.callers.add(requireRole(context, 'SERVICE').userId);
          return catalog.reserve(args.input.orderId, args.input.lines);
        },
        releaseStock: (_parent, args: { orderId: string }, context) => {
          requireRole(context, 'SERVICE');
          return catalog.release(args.orderId);
        },
      },
    },
  });
  return { cart, product };
}

// ---------------------------------------------------------------------------------------------

export interface CallResult<TData> {
  status: number;
  data: TData;
  errors: Array<{ message: string; extensions?: Record<string, any> }> | undefined;
}

export interface Harness {
  database: Database;
  bus: EventBus;
  catalog: FakeCatalog;
  gatewayKey: SigningKey;
  subgraph: RunningSubgraph & { expireOverdueOrders(): Promise<number> };
  call<TData = Record<string, any>>(
    identity: Identity | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<CallResult<TData>>;
  /** Checks out `cartId` for `identity`; returns the payload (throws on top-level errors). */
  checkout(
    identity: Identity,
    input: {
      cartId: string;
      idempotencyKey?: string;
      shippingAddress?: Record<string, unknown>;
      /** Default: the cart's total at the catalog's current prices. */
      expectedTotal?: { amount: number; currencyCode: string };
    },
    query?: string,
  ): Promise<{ order: any; userErrors: any[] }>;
  /** A customer with a fresh one-line cart checked out into a PENDING_PAYMENT order. */
  placeOrder(identity?: Identity): Promise<{ identity: Identity; order: any }>;
  /** Outbox rows of one order (type + data), in order. */
  outbox(orderId: string): Promise<Array<{ type: string; data: any; sequence: number }>>;
  /** Publishes a payment event as the payment subgraph would. */
  publishPayment(
    type: string,
    order: { id: string; userId: string; total: number },
  ): Promise<string>;
  /** Starts another order subgraph on the same database and bus. */
  startAnother(options: Partial<OrderSubgraphOptions>): Promise<Harness['subgraph']>;
  close(): Promise<void>;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startHarness(
  target: TestDatabaseTarget,
  options: Partial<OrderSubgraphOptions> = {},
): Promise<Harness> {
  const opened = await target.open();
  const { database } = opened;
  await prepareOrderDatabase(database);
  const bus = await createLogBus({ database, pollIntervalMs: 10 });
  const gatewayKey = await loadSigningKey();
  const catalog = new FakeCatalog();
  const stubs = await startStubs(catalog, gatewayKey);
  const serviceUrls: Record<string, string> = {};
  const quiet = { warn: () => undefined };
  const extra: Array<Harness['subgraph']> = [];
  const start = (overrides: Partial<OrderSubgraphOptions>) =>
    startOrderSubgraph({
      database,
      gatewayKeys: [gatewayKey],
      bus,
      serviceKey: gatewayKey,
      serviceUrls,
      expirySweepIntervalMs: 60_000,
      port: 0,
      logger: quiet,
      ...overrides,
    });
  const subgraph = await start(options);
  // Filled in after start, as the embedded runner does.
  serviceUrls.cart = stubs.cart.url;
  serviceUrls.product = stubs.product.url;

  const call: Harness['call'] = async (identity, query, variables) => {
    const result = await callSubgraph(
      { url: subgraph.url, subgraph: ORDER_SUBGRAPH, gatewayKey, identity },
      { query, ...(variables ? { variables } : {}) },
    );
    return {
      status: result.status,
      data: result.body.data as any,
      errors: result.body.errors as any,
    };
  };

  const checkout: Harness['checkout'] = async (identity, input, query = CHECKOUT) => {
    const { data, errors } = await call(identity, query, {
      input: {
        cartId: input.cartId,
        idempotencyKey: input.idempotencyKey ?? randomUUID(),
        shippingAddress: input.shippingAddress ?? ADDRESS,
        expectedTotal: input.expectedTotal ?? catalog.currentTotal(input.cartId),
      },
    });
    if (errors) throw new Error(`unexpected errors: ${JSON.stringify(errors)}`);
    return data.checkout;
  };

  return {
    database,
    bus,
    catalog,
    gatewayKey,
    subgraph,
    call,
    checkout,
    async placeOrder(identity = customer()) {
      const variant = catalog.addVariant({ price: 1250, stock: 10 });
      const cart = catalog.addCart(identity.userId, [{ variant, quantity: 2 }]);
      const payload = await checkout(identity, { cartId: cart.id });
      if (!payload.order) throw new Error(`checkout failed: ${JSON.stringify(payload.userErrors)}`);
      return { identity, order: payload.order };
    },
    async outbox(orderId) {
      const rows = await database.query<{ envelope: any }>(
        `select envelope from "order".outbox where key = $1 order by position`,
        [orderId],
      );
      return rows.map((row) => {
        const envelope = typeof row.envelope === 'string' ? JSON.parse(row.envelope) : row.envelope;
        return { type: envelope.type, data: envelope.data, sequence: envelope.sequence };
      });
    },
    async publishPayment(type, order) {
      const envelope = createEnvelope({
        type,
        source: 'payment',
        topic: TOPICS.payment,
        subject: order.id,
        sequence: 1,
        data: {
          paymentId: randomUUID(),
          orderId: order.id,
          userId: order.userId,
          amount: { amountMinor: order.total, currency: 'USD' },
          status: type.split('.')[1]!.toUpperCase(),
        },
      });
      await bus.publish([envelope]);
      return envelope.id;
    },
    async startAnother(overrides) {
      const another = await start(overrides);
      extra.push(another);
      return another;
    },
    async close() {
      for (const another of extra) await another.stop();
      await subgraph.stop();
      await stubs.cart.stop();
      await stubs.product.stop();
      await bus.close();
      await opened.cleanup();
    },
  };
}

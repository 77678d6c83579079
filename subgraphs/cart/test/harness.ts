import { randomUUID } from 'node:crypto';
import { loadSigningKey, type Identity, type SigningKey } from '@shop/auth';
import type { Database } from '@shop/db';
import { createLogBus, type EventBus } from '@shop/events';
import type { RunningSubgraph } from '@shop/subgraph';
import { callSubgraph, type TestDatabaseTarget } from '@shop/testing';
import { CART_SUBGRAPH, prepareCartDatabase, startCartSubgraph } from '../src/index';
import { startProductStub, type ProductStub } from './product-stub';

export const CART_TOKEN_SECRET = 'test-cart-token-secret-0123456789';

export const CART_FIELDS = `
  id status version updatedAt totalQuantity currencyCode
  subtotal { amount currencyCode }
  lines {
    id variantId sku productName variantName quantity
    variant { id }
    unitPrice { amount currencyCode } currentUnitPrice { amount currencyCode }
    lineTotal { amount currencyCode }
  }
  warnings { code message variantId }`;

const PAYLOAD = `cart { ${CART_FIELDS} } cartToken warnings { code message variantId }
  userErrors { code message field }`;

export const ADD = `mutation ($input: AddCartLinesInput!) { addCartLines(input: $input) { ${PAYLOAD} } }`;
export const UPDATE = `mutation ($input: UpdateCartLineInput!) {
  updateCartLine(input: $input) { ${PAYLOAD} } }`;
export const REMOVE = `mutation ($input: RemoveCartLineInput!) {
  removeCartLine(input: $input) { ${PAYLOAD} } }`;
export const MERGE = `mutation ($input: MergeGuestCartInput!) {
  mergeGuestCart(input: $input) { ${PAYLOAD} } }`;
export const CLAIM = `mutation ($cartId: ID!, $userId: ID!, $orderId: ID!) {
  claimCartForCheckout(cartId: $cartId, userId: $userId, orderId: $orderId) {
    cart {
      id userId currencyCode version lines { variantId quantity unitPrice { amount currencyCode } }
    }
    claimedByOrderId
  }
}`;
export const RELEASE = `mutation ($cartId: ID!, $orderId: ID!) {
  releaseCartClaim(cartId: $cartId, orderId: $orderId)
}`;
export const CART = `query ($cartToken: String) { cart(cartToken: $cartToken) { ${CART_FIELDS} } }`;

export interface CartLineResult {
  id: string;
  variantId: string;
  sku: string;
  productName: string;
  variantName: string;
  quantity: number;
  variant: { id: string };
  unitPrice: { amount: number; currencyCode: string };
  currentUnitPrice: { amount: number; currencyCode: string } | null;
  lineTotal: { amount: number; currencyCode: string };
}
export interface CartResult {
  id: string;
  status: string;
  version: number;
  updatedAt: string;
  totalQuantity: number;
  currencyCode: string | null;
  subtotal: { amount: number; currencyCode: string } | null;
  lines: CartLineResult[];
  warnings: Array<{ code: string; message: string; variantId: string | null }>;
}
export interface PayloadResult {
  cart: CartResult | null;
  cartToken: string | null;
  warnings: Array<{ code: string; message: string; variantId: string | null }>;
  userErrors: Array<{ code: string; message: string; field: string[] | null }>;
}

export interface Harness {
  database: Database;
  bus: EventBus;
  subgraph: RunningSubgraph;
  product: ProductStub;
  gatewayKey: SigningKey;
  serviceUrls: Record<string, string>;
  call<TData = Record<string, any>>(
    identity: Identity | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; data: TData; errors: Array<Record<string, any>> | undefined }>;
  /** Runs a cart mutation and returns its payload; fails on top-level errors. */
  mutate(
    identity: Identity | null,
    query: string,
    input: Record<string, unknown>,
  ): Promise<PayloadResult>;
  /** Reads `Query.cart`; fails on top-level errors. */
  readCart(identity: Identity | null, cartToken?: string | null): Promise<CartResult | null>;
  /**
   * Starts another replica of the cart subgraph on the same database, bus, product and keys
   * (stopped by `close`), with the same helpers calling it.
   */
  startReplica(options?: {
    redisUrl?: string;
    redisKeyPrefix?: string;
  }): Promise<Pick<Harness, 'subgraph' | 'call' | 'mutate' | 'readCart'>>;
  close(): Promise<void>;
}

/** A fresh signed-in customer. */
export const customer = (): Identity => ({ userId: randomUUID(), roles: ['CUSTOMER'] });

export const SERVICE: Identity = { userId: 'service:order', roles: ['SERVICE'] };

/** Opens a fresh database, starts a stub product subgraph and the cart subgraph on free ports. */
export async function startHarness(
  target: TestDatabaseTarget,
  options: { redisUrl?: string; redisKeyPrefix?: string } = {},
): Promise<Harness> {
  const opened = await target.open();
  const { database } = opened;
  await prepareCartDatabase(database);
  const bus = await createLogBus({ database });
  const [gatewayKey, serviceKey] = await Promise.all([loadSigningKey(), loadSigningKey()]);
  const product = await startProductStub(serviceKey);
  const serviceUrls: Record<string, string> = { product: product.subgraph.url };
  const start = (redis: { redisUrl?: string; redisKeyPrefix?: string }) =>
    startCartSubgraph({
      database,
      gatewayKeys: [gatewayKey],
      bus,
      serviceKey,
      serviceUrls,
      cartTokenSecret: CART_TOKEN_SECRET,
      ...(redis.redisUrl ? { redisUrl: redis.redisUrl } : {}),
      ...(redis.redisKeyPrefix ? { redisKeyPrefix: redis.redisKeyPrefix } : {}),
      port: 0,
    });
  const subgraph = await start(options);
  const replicas: RunningSubgraph[] = [];

  /** The request helpers, against one running cart subgraph. */
  const helpers = (running: RunningSubgraph) => {
    const call: Harness['call'] = async (identity, query, variables) => {
      const result = await callSubgraph(
        { url: running.url, subgraph: CART_SUBGRAPH, gatewayKey, identity },
        { query, ...(variables ? { variables } : {}) },
      );
      return { status: result.status, data: result.body.data as any, errors: result.body.errors };
    };
    return {
      subgraph: running,
      call,
      async mutate(identity: Identity | null, query: string, input: Record<string, unknown>) {
        const { data, errors } = await call(identity, query, { input });
        if (errors) throw new Error(`unexpected errors: ${JSON.stringify(errors)}`);
        return Object.values(data)[0] as PayloadResult;
      },
      async readCart(identity: Identity | null, cartToken?: string | null) {
        const { data, errors } = await call(identity, CART, { cartToken: cartToken ?? null });
        if (errors) throw new Error(`unexpected errors: ${JSON.stringify(errors)}`);
        return data.cart as CartResult | null;
      },
    };
  };

  return {
    database,
    bus,
    product,
    gatewayKey,
    serviceUrls,
    ...helpers(subgraph),
    async startReplica(redis = {}) {
      const replica = await start(redis);
      replicas.push(replica);
      return helpers(replica);
    },
    async close() {
      for (const replica of replicas) await replica.stop();
      await subgraph.stop();
      await product.subgraph.stop();
      await bus.close();
      await opened.cleanup();
    },
  };
}

/** Outbox rows of one cart, oldest first. */
export async function outboxOf(database: Database, cartId: string) {
  return database.query<{ type: string; key: string; topic: string; envelope: any }>(
    'select type, key, topic, envelope from cart.outbox where key = $1 order by position',
    [cartId],
  );
}

/** Polls `check` until it returns a value other than undefined (or fails after `ms`). */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

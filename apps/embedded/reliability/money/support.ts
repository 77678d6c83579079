/**
 * The shop the money model (`model.rel.ts`) drives: the whole embedded graph over a scratch
 * database on real Postgres (`DATABASE_URL`, or a private cluster when unset — never PGlite, whose
 * single connection would serialise every race away), and a small GraphQL client that sends
 * every call through the gateway as a customer or the admin would.
 */
import { randomUUID } from 'node:crypto';
import { loadSigningKey } from '@shop/auth';
import type { Database } from '@shop/db';
import { createScratchDatabase, postGraphQL, startPrivatePostgres } from '@shop/testing';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import { startEmbeddedGraph } from '../../src/embedded';
import { HIGH_REQUEST_LIMITS } from '../attacks/support';
import { SHARED_DATABASE_URL } from '../faults/env';

export interface Money {
  amount: number;
  currencyCode: string;
}

export interface MoneyGraph {
  url: string;
  database: Database;
  adminToken: string;
  stop(): Promise<void>;
}

/** The graph on a fresh scratch database, with the admin signed in. */
export async function startMoneyGraph(): Promise<MoneyGraph> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    let baseUrl = SHARED_DATABASE_URL;
    if (!baseUrl) {
      const server = await startPrivatePostgres();
      cleanups.push(() => server.stop());
      baseUrl = server.url;
    }
    const scratch = await createScratchDatabase(baseUrl, 'shop_rel_money');
    cleanups.push(() => scratch.drop());
    const graph = await startEmbeddedGraph({
      databaseUrl: scratch.url,
      port: 0,
      seed: true,
      accessTokenKey: await loadSigningKey(),
      production: true,
      // Hundreds of calls per second from 127.0.0.1: the rate limiter is not under test here.
      requestLimits: HIGH_REQUEST_LIMITS,
      // A burst of concurrent checkouts on a loaded 2-core box can exceed the 2 s default.
      subgraphTimeoutMs: 10_000,
    });
    cleanups.push(() => graph.stop());
    const login = await call<{ login: { accessToken: string | null } }>(
      graph.gatewayUrl,
      `mutation Login($input: LoginInput!) { login(input: $input) { accessToken } }`,
      { input: DEMO_ACCOUNTS.admin },
    );
    const adminToken = login.data?.login.accessToken;
    if (!adminToken) throw new Error(`admin login failed: ${JSON.stringify(login)}`);
    return { url: graph.gatewayUrl, database: graph.database, adminToken, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What the gateway answered: data and top-level errors (HTTP status folded into `errors`). */
export interface Answer<TData> {
  data?: TData | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** One GraphQL call through the gateway; a non-200 answer becomes an error entry. */
export async function call<TData>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<Answer<TData>> {
  const result = await postGraphQL<TData>(url, { query, variables, token });
  const errors = result.body.errors ?? [];
  if (result.status !== 200 && errors.length === 0) {
    errors.push({
      message: `HTTP ${result.status}`,
      extensions: { code: `HTTP_${result.status}` },
    });
  }
  return { data: result.body.data, ...(errors.length ? { errors } : {}) };
}

/** The top-level error codes of an answer (empty when it has none). */
export const errorCodes = (answer: Answer<unknown>): string[] =>
  (answer.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');

export const ADDRESS = {
  fullName: 'Ada Lovelace',
  line1: '12 Analytical Row',
  city: 'London',
  postalCode: 'N1 9GU',
  countryCode: 'GB',
};
export const TEST_CARD = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };

const CART_FIELDS = `cart { id subtotal { amount currencyCode } } userErrors { code message }`;

export const OPERATIONS = {
  register: `mutation Register($input: RegisterInput!) {
    register(input: $input) { user { id } accessToken userErrors { code message } }
  }`,
  createProduct: `mutation CreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) { product { id variants { id sku } } userErrors { code message } }
  }`,
  publishProduct: `mutation Publish($id: ID!) {
    publishProduct(id: $id) { product { id status } userErrors { code message } }
  }`,
  addLines: `mutation AddLines($input: AddCartLinesInput!) { addCartLines(input: $input) { ${CART_FIELDS} } }`,
  updateLine: `mutation UpdateLine($input: UpdateCartLineInput!) { updateCartLine(input: $input) { ${CART_FIELDS} } }`,
  removeLine: `mutation RemoveLine($input: RemoveCartLineInput!) { removeCartLine(input: $input) { ${CART_FIELDS} } }`,
  checkout: `mutation Checkout($input: CheckoutInput!) {
    checkout(input: $input) {
      order { id status total { amount currencyCode } }
      userErrors {
        code message orderId
        breakdown { total { amount currencyCode } lines { variantId quantity unitPrice { amount currencyCode } } }
      }
    }
  }`,
  pay: `mutation Pay($input: PayOrderInput!) {
    payOrder(input: $input) { payment { id status amount { amount currencyCode } } userErrors { code message } }
  }`,
  cancel: `mutation Cancel($input: CancelOrderInput!) {
    cancelOrder(input: $input) { order { id status } userErrors { code message } }
  }`,
  capture: `mutation Capture($input: CapturePaymentInput!) {
    capturePayment(input: $input) { payment { id status capturedAmount { amount } } userErrors { code message } }
  }`,
  refund: `mutation Refund($input: RefundPaymentInput!) {
    refundPayment(input: $input) { payment { id status refundedAmount { amount } } userErrors { code message } }
  }`,
  updateVariant: `mutation UpdateVariant($id: ID!, $input: UpdateVariantInput!) {
    updateVariant(id: $id, input: $input) { variant { id stockOnHand price { amount currencyCode } } userErrors { code message } }
  }`,
} as const;

export interface Customer {
  id: string;
  token: string;
}

/** Registers a fresh customer through the gateway. */
export async function registerCustomer(url: string, label: string): Promise<Customer> {
  const email = `money-${label}-${randomUUID().slice(0, 8)}@example.com`;
  const answer = await call<{
    register: { user: { id: string } | null; accessToken: string | null };
  }>(url, OPERATIONS.register, {
    input: { email, password: 'Sturdy-pass-42', name: `Money ${label}` },
  });
  const payload = answer.data?.register;
  if (!payload?.user || !payload.accessToken) {
    throw new Error(`register failed: ${JSON.stringify(answer)}`);
  }
  return { id: payload.user.id, token: payload.accessToken };
}

export interface CatalogVariant {
  id: string;
  price: Money;
  stock: number;
}

/** A new published product with one variant per entry of `variants` (admin, through the gateway). */
export async function createProduct(
  graph: MoneyGraph,
  variants: Array<{ price: Money; stock: number }>,
): Promise<CatalogVariant[]> {
  const tag = randomUUID().slice(0, 8);
  const created = await call<{
    createProduct: { product: { id: string; variants: Array<{ id: string; sku: string }> } | null };
  }>(
    graph.url,
    OPERATIONS.createProduct,
    {
      input: {
        name: `Money model ${tag}`,
        variants: variants.map((v, i) => ({
          sku: `MM-${tag}-${i}`,
          name: `Variant ${i}`,
          price: v.price,
          stockOnHand: v.stock,
        })),
      },
    },
    graph.adminToken,
  );
  const product = created.data?.createProduct.product;
  if (!product) throw new Error(`createProduct failed: ${JSON.stringify(created)}`);
  const published = await call<{ publishProduct: { product: { status: string } | null } }>(
    graph.url,
    OPERATIONS.publishProduct,
    { id: product.id },
    graph.adminToken,
  );
  if (published.data?.publishProduct.product?.status !== 'PUBLISHED') {
    throw new Error(`publishProduct failed: ${JSON.stringify(published)}`);
  }
  return variants.map((v, i) => {
    const variant = product.variants.find((pv) => pv.sku === `MM-${tag}-${i}`);
    if (!variant) throw new Error(`variant ${i} missing: ${JSON.stringify(product)}`);
    return { id: variant.id, price: v.price, stock: v.stock };
  });
}

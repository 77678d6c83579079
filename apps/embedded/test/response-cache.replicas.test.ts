import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  loadSigningKey,
  signJwt,
  type SigningKey,
} from '@shop/auth';
import { createDatabase, type Database } from '@shop/db';
import { createLogBus, type EventBus } from '@shop/events';
import { prepareProductDatabase, startProductSubgraph } from '@shop/product-subgraph';
import { readCommittedSupergraph } from '@shop/schema';
import type { RunningSubgraph } from '@shop/subgraph';
import { createScratchDatabase } from '@shop/testing';
import { startGateway, type RunningGateway } from '@shop/gateway';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const LISTING = `query Listing { products(first: 1) { edges { node { variants { id } } } } }`;
const VARIANT = `query CachedVariant($id: ID!) { variant(id: $id) { id stockOnHand inStock } }`;
const SET_STOCK = `mutation SetStock($id: ID!, $input: UpdateVariantInput!) {
  updateVariant(id: $id, input: $input) { variant { id stockOnHand } userErrors { code message } }
}`;

async function gql(url: string, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Two gateway replicas, each with its own response cache and its own connection to the event
 * log in one Postgres: a catalog change made through one of them clears the cache of both (an
 * ephemeral consumer group per gateway; one shared group would clear only one of them).
 */
describe('response cache invalidation on every gateway replica', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const databases: Database[] = [];
  const buses: EventBus[] = [];
  let product: RunningSubgraph;
  const gateways: RunningGateway[] = [];
  let accessKey: SigningKey;

  const connect = async () => {
    const database = await createDatabase({ url: scratch.url, maxConnections: 4 });
    databases.push(database);
    const bus = await createLogBus({ database, pollIntervalMs: 10 });
    buses.push(bus);
    return { database, bus };
  };

  const productRequests = async () => {
    const text = await (await fetch(new URL('/metrics', product.url))).text();
    let total = 0;
    for (const match of text.matchAll(/http_requests_total\{[^}]*route="\/graphql"[^}]*\} (\d+)/g))
      total += Number(match[1]);
    return total;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(DATABASE_URL);
    accessKey = await loadSigningKey();
    const gatewayKey = await loadSigningKey();
    const own = await connect();
    await prepareProductDatabase(own.database, { seed: true });
    product = await startProductSubgraph({
      database: own.database,
      bus: own.bus,
      gatewayKeys: [gatewayKey],
      port: 0,
      host: '127.0.0.1',
    });
    for (let i = 0; i < 2; i += 1) {
      const { bus } = await connect();
      gateways.push(
        await startGateway({
          supergraphSdl: readCommittedSupergraph(),
          subgraphUrls: { product: product.url },
          accessTokenKeys: [accessKey],
          signingKey: gatewayKey,
          port: 0,
          accountStatus: false,
          limits: { requests: false },
          responseCache: { bus, ttlMs: 120_000 },
        }),
      );
    }
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await product?.stop();
    for (const bus of buses) await bus.close();
    // Stopped gateways leave no consumer-group state in the log.
    const groups = databases[0]
      ? await databases[0].query<{ group_id: string }>(
          `select group_id from events.consumer_offsets where group_id like 'gateway-response-cache%'`,
        )
      : [];
    for (const database of databases) await database.close();
    await scratch?.drop();
    expect(groups).toEqual([]);
  });

  it('should serve the changed stock from both gateways after an update through one of them', async () => {
    const [a, b] = gateways as [RunningGateway, RunningGateway];
    const listing = await gql(a.url, LISTING, {});
    const variantId: string = listing.data.products.edges[0].node.variants[0].id;
    const read = async (gateway: RunningGateway) =>
      (await gql(gateway.url, VARIANT, { id: variantId })).data?.variant;

    // Both caches hold the variant: further reads reach no subgraph.
    const original = await read(a);
    expect(await read(b)).toEqual(original);
    const before = await productRequests();
    expect(await read(a)).toEqual(original);
    expect(await read(b)).toEqual(original);
    expect(await productRequests()).toBe(before);
    expect(a.responseCache!.stats().hits).toBeGreaterThanOrEqual(1);
    expect(b.responseCache!.stats().hits).toBeGreaterThanOrEqual(1);

    const admin = await signJwt(accessKey, {
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      type: ACCESS_TOKEN_TYPE,
      expiresInSeconds: 300,
      subject: 'admin-replicas',
      claims: { roles: ['ADMIN'] },
    });
    const stockOnHand = original.stockOnHand + 7;
    const updated = await gql(a.url, SET_STOCK, { id: variantId, input: { stockOnHand } }, admin);
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateVariant.userErrors).toEqual([]);

    await eventually(async () => (await read(a))?.stockOnHand === stockOnHand, 'fresh on A');
    await eventually(async () => (await read(b))?.stockOnHand === stockOnHand, 'fresh on B');
    expect(a.responseCache!.stats().invalidations).toBeGreaterThanOrEqual(1);
    expect(b.responseCache!.stats().invalidations).toBeGreaterThanOrEqual(1);
  });
});

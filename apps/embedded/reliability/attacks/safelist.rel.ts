import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOperations } from '@shop/schema';
import type { RunningGateway } from '@shop/gateway';
import {
  raw,
  startAttackGraph,
  startExtraGateway,
  startStockGateway,
  subgraphRequests,
  type AttackGraph,
  type RawResponse,
  type StockGateway,
} from './support';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const codeOf = (response: RawResponse) => response.json?.errors?.[0]?.extensions?.code;

/** POSTs `{ query?, extensions.persistedQuery }` as JSON. */
const send = (url: string, body: Record<string, unknown>) =>
  raw({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const byHash = (hash: string, variables?: Record<string, unknown>) => ({
  ...(variables ? { variables } : {}),
  extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
});

// A8: safelist mode runs only the operations registered in `schema/operations/`.
describe('A8: persisted-query safelist', () => {
  let t: AttackGraph;
  let safelisted: RunningGateway;
  let stock: StockGateway;
  const listing = loadOperations().find((operation) => operation.name === 'ProductListing')!;

  beforeAll(async () => {
    t = await startAttackGraph();
    safelisted = await startExtraGateway(t.graph, {
      production: true,
      persistedQueries: { mode: 'safelist' },
    });
    stock = await startStockGateway(t.graph);
  });
  afterAll(async () => {
    await safelisted?.stop();
    await stock?.stop();
    await t?.stop();
  });

  /**
   * The safelist criterion of docs/SECURITY.md A8: unknown operation text → 400, unknown hash → 400
   * (both before any subgraph is called), known hash → 200 with data.
   */
  async function safelistHolds(url: string) {
    const before = await subgraphRequests(t.graph);
    const unknownText = await send(url, {
      query: `query Probe { products(first: 100) { edges { node { name description } } } }`,
    });
    const unknownHash = await send(url, byHash(sha256(randomUUID())));
    const refusedWithoutSubgraphs = (await subgraphRequests(t.graph)) === before;
    const known = await send(url, byHash(listing.id, { first: 3 }));
    const products = (known.json?.data?.products as { edges?: unknown[] } | undefined)?.edges;
    return {
      unknownText: [unknownText.status, codeOf(unknownText)],
      unknownHash: [unknownHash.status, codeOf(unknownHash)],
      refusedWithoutSubgraphs,
      known: [known.status, products?.length ?? null],
      holds:
        unknownText.status === 400 &&
        unknownHash.status === 400 &&
        refusedWithoutSubgraphs &&
        known.status === 200 &&
        products?.length === 3,
    };
  }

  it('A8: unknown text / unknown hash → 400 before any subgraph call, known hash → 200', async () => {
    expect(listing.id).toBe(sha256(listing.body));
    const ours = await safelistHolds(safelisted.url);
    expect(ours).toEqual({
      unknownText: [400, 'PERSISTED_QUERY_NOT_IN_SAFELIST'],
      unknownHash: [400, 'PERSISTED_QUERY_NOT_IN_SAFELIST'],
      refusedWithoutSubgraphs: true,
      known: [200, 3],
      holds: true,
    });
    // Unprotected (stock gateway, APQ only): any text runs and reaches the subgraphs; an unknown
    // hash is an APQ miss (200 PERSISTED_QUERY_NOT_FOUND) the client may fill with any text.
    const unprotected = await safelistHolds(stock.url);
    expect(unprotected.holds).toBe(false);
    expect(unprotected.unknownText[0]).toBe(200);
    expect(unprotected.unknownHash).toEqual([200, 'PERSISTED_QUERY_NOT_FOUND']);
    expect(unprotected.refusedWithoutSubgraphs).toBe(false);
  });
});

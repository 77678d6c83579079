import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey } from '@shop/auth';
import { postGraphQL } from '@shop/testing';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import { startEmbeddedGraph, type EmbeddedGraph } from '../src/embedded';
import {
  README_GRAPHQL_ORIGIN,
  extractWalkthrough,
  runBash,
  splitSteps,
  walkthroughScript,
} from './readme-walkthrough';

// README.md "Quick start" → "A whole purchase": the blocks marked `sh walkthrough` are what a
// newcomer pastes, one after the other, into one shell while `pnpm start` runs. This test pastes
// them the same way against a fresh seeded graph.
const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The JSON object printed on the line starting with `prefix` (or the first line that is JSON). */
function jsonLine(output: string, prefix = ''): any {
  const line = output
    .split('\n')
    .find((l) => l.startsWith(prefix) && l.slice(prefix.length).trimStart().startsWith('{'));
  if (!line) throw new Error(`no JSON line ${prefix ? `after "${prefix}" ` : ''}in: ${output}`);
  return JSON.parse(line.slice(prefix.length));
}

describe('README walk-through extraction', () => {
  it('should take only the blocks marked `sh walkthrough`, in order, without their fences', () => {
    const markdown = [
      '```sh',
      'echo not me',
      '```',
      '```sh walkthrough',
      'A=1',
      '```',
      'text',
      '````bash walkthrough',
      'echo "$A"',
      '```',
      'still inside the four-backtick block',
      '````',
      '```graphql walkthrough-ish',
      'query { me { id } }',
      '```',
    ].join('\n');
    expect(extractWalkthrough(markdown)).toEqual([
      'A=1',
      'echo "$A"\n```\nstill inside the four-backtick block',
    ]);
  });

  it('should refuse a walk-through block that is never closed', () => {
    expect(() => extractWalkthrough('```sh walkthrough\necho 1\n')).toThrow(/never closed/);
  });

  it('should stop at the first failing snippet and report the steps that ran', async () => {
    const script = walkthroughScript(
      ['X=from-step-0', 'echo "$X"; false', 'echo never'],
      'http://x',
    );
    const dir = mkdtempSync(join(tmpdir(), 'walkthrough-'));
    try {
      const run = await runBash(script, dir, 10_000);
      expect(run.code).toBe(1);
      expect(splitSteps(run.stdout)).toEqual(['', 'from-step-0']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should find the README walk-through: helpers and eight steps against pnpm start', () => {
    const snippets = extractWalkthrough(README);
    expect(snippets).toHaveLength(9);
    // Every request goes to the URL the test rewrites, so none can reach another server.
    expect(snippets[0]).toContain(`API=${README_GRAPHQL_ORIGIN}/graphql`);
    expect(snippets.join('\n').match(/https?:\/\/[^\s'"]+/g)).toEqual([
      `${README_GRAPHQL_ORIGIN}/graphql`,
    ]);
  });
});

describe('README walk-through "A whole purchase" against a fresh seeded graph', () => {
  let graph: EmbeddedGraph;
  let origin: string;
  let dir: string;
  beforeAll(async () => {
    // As `pnpm start` (apps/embedded/src/main.ts) with its defaults, on free ports and a fresh
    // in-memory PGlite database with the demo data.
    graph = await startEmbeddedGraph({
      port: 0,
      subgraphPorts: 'random',
      seed: true,
      accessTokenKey: await loadSigningKey(),
      gatewayKey: await loadSigningKey(),
      responseCache: {},
    });
    origin = new URL(graph.gatewayUrl).origin;
    dir = mkdtempSync(join(tmpdir(), 'walkthrough-'));
  });
  afterAll(async () => {
    await graph?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should buy, pay, ship and show the tracking number when pasted end to end', async () => {
    const run = await runBash(walkthroughScript(extractWalkthrough(README), origin), dir, 50_000);
    const context = `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect(run.code, context).toBe(0);
    const steps = splitSteps(run.stdout);
    expect(steps, context).toHaveLength(9);

    // Helpers: no output.
    expect(steps[0]).toBe('');

    // 1. A variant that is in stock (the seeded catalog's first in-stock product has a sold-out one).
    const variant = /^variant: (\S+)$/.exec(steps[1]!)?.[1];
    expect(variant, context).toMatch(UUID);
    const stock = await postGraphQL(graph.gatewayUrl, {
      query: 'query($id: ID!) { variant(id: $id) { inStock } }',
      variables: { id: variant },
    });
    expect(stock.body.data?.variant).toEqual({ inStock: true });

    // 2. A signed guest cart token.
    expect(steps[2]).toMatch(/^guest cart token: \S+\.\S+$/);

    // 3. The customer's cart now holds the guest's 2 units.
    expect(jsonLine(steps[3]!).lines).toContainEqual({ variantId: variant, quantity: 2 });

    // 4. The order at the confirmed total.
    const cart = jsonLine(steps[4]!, 'cart: ');
    const order = jsonLine(steps[4]!, 'order: ');
    expect(order).toMatchObject({ status: 'PENDING_PAYMENT', total: cart.subtotal });
    expect(cart.subtotal.amount).toBeGreaterThan(0);

    // 5. The subscription runs in the background: no output.
    expect(steps[5]).toBe('');

    // 6. Authorized payment of the order total; the subscription saw the new status.
    expect(jsonLine(steps[6]!)).toEqual({
      status: 'AUTHORIZED',
      amount: order.total,
      card: { brand: 'VISA', last4: '4242' },
    });
    expect(steps[6]).toContain(
      '"orderStatusChanged":{"status":"PENDING_PAYMENT","previousStatus":null,"version":1,"snapshot":true}',
    );
    expect(steps[6]).toContain(
      '"orderStatusChanged":{"status":"PAYMENT_AUTHORIZED","previousStatus":"PENDING_PAYMENT","version":2,"snapshot":false}',
    );

    // 7. shipOrder answers the shipped order with its tracking number.
    expect(jsonLine(steps[7]!)).toEqual({
      id: order.id,
      number: order.number,
      status: 'SHIPPED',
      shipment: { carrier: 'DHL', trackingNumber: 'JD014600006281' },
    });

    // 8. The customer sees it shipped, with the tracking number and the payment captured.
    const seen = jsonLine(steps[8]!).data.order;
    expect(seen).toMatchObject({
      number: order.number,
      status: 'SHIPPED',
      paymentStatus: 'CAPTURED',
      shipment: { carrier: 'DHL', trackingNumber: 'JD014600006281' },
      lines: [{ quantity: 2 }],
    });
    expect(seen.history.map((h: { to: string }) => h.to)).toEqual([
      'PENDING_PAYMENT',
      'PAYMENT_AUTHORIZED',
      'SHIPPED',
    ]);
    expect(steps[8]).toContain(
      '"orderStatusChanged":{"status":"SHIPPED","previousStatus":"PAYMENT_AUTHORIZED","version":3,"snapshot":false}',
    );

    // And the graph agrees, asked directly by the admin.
    const login = await postGraphQL(graph.gatewayUrl, {
      query: `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`,
      variables: { input: DEMO_ACCOUNTS.admin },
    });
    const adminView = await postGraphQL(graph.gatewayUrl, {
      query: 'query($id: ID!) { order(id: $id) { status shipment { trackingNumber } } }',
      variables: { id: order.id },
      token: login.body.data?.login.accessToken,
    });
    expect(adminView.body.data?.order).toEqual({
      status: 'SHIPPED',
      shipment: { trackingNumber: 'JD014600006281' },
    });
  });

  it('should fail at the step whose snippet is broken (shipOrder without its selection set)', async () => {
    const snippets = extractWalkthrough(README);
    const ship = snippets.findIndex((snippet) => snippet.includes('shipOrder(input: $input) {'));
    expect(ship).toBeGreaterThan(0);
    // The README's old mistake: `shipOrder(...)` without a selection set.
    const broken = snippets[ship]!.replace(
      /shipOrder\(input: \$input\) \{[^]*?userErrors \{ code message \} \} \}/,
      'shipOrder(input: $input) }',
    );
    expect(broken).not.toContain('trackingNumber }');
    // The helpers, an order id (validation refuses the operation before it is looked up), and
    // the broken step: quicker than the whole walk-through again.
    const run = await runBash(
      walkthroughScript([snippets[0]!, `ORDER_ID=${randomUUID()}`, broken], origin),
      dir,
      30_000,
    );
    expect(run.code).not.toBe(0);
    expect(splitSteps(run.stdout)).toEqual(['', '', '']);
    expect(run.stderr).toMatch(/no data\.shipOrder\.order in .*must have a selection of subfields/);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, percentile, round, sleep, startAttackGraph, startProbe, type AttackGraph } from './support';

let t: AttackGraph;
let cartToken: string;
beforeAll(async () => {
  t = await startAttackGraph({ production: false });
  const products = await gql(t.url, `query { products(first: 1) { edges { node { variants { id } } } } }`);
  const variantId = (products.json!.data as any).products.edges[0].node.variants[0].id;
  const guest = await gql(t.url, `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cartToken } }`, { input: { lines: [{ variantId, quantity: 1 }] } });
  cartToken = (guest.json!.data as any).addCartLines.cartToken;
}, 120_000);
afterAll(async () => { await t?.stop(); });

const flood = async (name: () => string, seconds: number, rate: number) => {
  const probe = startProbe(t.healthUrl);
  const latencies: number[] = [];
  const statuses: number[] = [];
  const begin = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < seconds * rate; i++) {
    const due = begin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const fields = Array.from({ length: 20 }, (_, k) => `c${k}: cart(cartToken: "${cartToken}") { id status }`).join(' ');
    inflight.push((async () => {
      const start = performance.now();
      const r = await gql(t.url, `query ${name()} { ${fields} }`);
      statuses.push(r.status);
      latencies.push(performance.now() - start);
    })());
  }
  await Promise.all(inflight);
  const health = await probe.stop();
  return { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), health99: round(percentile(health.latencies, 99)), healthMax: round(health.max), statuses: [...new Set(statuses)] };
};

describe('planning flood', () => {
  it('measures', async () => {
    console.log('same name', await flood(() => 'Same', 4, 20));
    console.log('new names', await flood(() => `Op_${randomUUID().replace(/-/g, '')}`, 4, 20));
    console.log('same name again', await flood(() => 'Same', 4, 20));
    expect(1).toBe(1);
  }, 120_000);
});

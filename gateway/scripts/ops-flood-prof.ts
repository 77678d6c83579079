import { randomUUID } from 'node:crypto';
import { startEmbeddedGraph } from '../src/embedded';
const graph = await startEmbeddedGraph({ databaseUrl: process.argv[2], port: 0, seed: true, requestLimits: false });
const url = graph.gatewayUrl;
const post = (query: string, variables?: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then((r) => r.json() as Promise<any>);
const products = await post(`query { products(first: 1) { edges { node { variants { id } } } } }`);
const variantId = products.data.products.edges[0].node.variants[0].id;
const guest = await post(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cartToken } }`, { input: { lines: [{ variantId, quantity: 1 }] } });
const cartToken = guest.data.addCartLines.cartToken;
const fields = Array.from({ length: 20 }, (_, k) => `c${k}: cart(cartToken: "${cartToken}") { id status }`).join(' ');
const mode = process.argv[3] ?? 'new';
const t0 = performance.now();
const lat: number[] = [];
const all: Promise<void>[] = [];
for (let i = 0; i < 60; i++) {
  const due = t0 + i * 100;
  const w = due - performance.now(); if (w > 0) await new Promise((r) => setTimeout(r, w));
  all.push((async () => { const s = performance.now(); await post(`query ${mode === 'new' ? 'Op_' + randomUUID().replace(/-/g, '') : 'Same'} { ${fields} }`); lat.push(performance.now() - s); })());
}
await Promise.all(all);
lat.sort((a, b) => a - b);
console.log(mode, 'p50', Math.round(lat[30]!), 'p90', Math.round(lat[54]!));
await graph.stop();
process.exit(0);

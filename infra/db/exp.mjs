import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Worker } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
const dir = new URL('./node_modules/@electric-sql/pglite/dist/', import.meta.url);
let t0 = Date.now();
const pgliteWasmModule = await WebAssembly.compile(await readFile(new URL('pglite.wasm', dir)));
const initdbWasmModule = await WebAssembly.compile(await readFile(new URL('initdb.wasm', dir)));
console.log('compile', Date.now() - t0);
const run = (mods) => new Promise((res) => { const t = Date.now(); const w = new Worker(new URL('./exp-w.mjs', import.meta.url), { workerData: { mods } }); w.once('message', (m) => { res([m, Date.now() - t]); }); });
const main = async () => { const t = Date.now(); const pg = new PGlite({ extensions: { pg_trgm } }); await pg.waitReady; const d = Date.now() - t; await pg.close(); return d; };
for (let i = 0; i < 3; i++) {
  console.log('main', await main());
  console.log('worker', await run());
  console.log('worker+mods', await run({ pgliteWasmModule, initdbWasmModule }));
}
process.exit(0);

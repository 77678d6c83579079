/**
 * Product search benchmark (not part of `pnpm test`): `npx tsx bench/search/run.ts` from the repo
 * root. Generates a catalog of BENCH_PRODUCTS (default 100,000) products with generate_series in
 * PGlite (default) or Postgres (`DATABASE_URL`, in a scratch database that is dropped afterwards),
 * builds the search documents with the product subgraph's reindex, then times a query mix through
 * the Postgres search adapter. Writes bench/search/results.json and prints a markdown table.
 */
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

import type * as SearchModule from '../../infra/search/src/index';
import type * as DbModule from '../../infra/db/src/index';
import { createScratchDatabase } from '@shop/testing';

/** What the bench uses from `@shop/product-subgraph`. */
interface ProductModule {
  prepareProductDatabase(database: DbModule.Database, options: { seed: boolean }): Promise<void>;
  reindexSearch(database: DbModule.Database, search: SearchModule.SearchIndex): Promise<number>;
}

// The repo root has no workspace links: load the packages by name from where they are installed.
const fromEmbedded = createRequire(new URL('../../apps/embedded/package.json', import.meta.url));
const fromProduct = createRequire(new URL('../../subgraphs/product/package.json', import.meta.url));
const load = async <T>(resolve: NodeJS.Require, name: string) =>
  (await import(pathToFileURL(resolve.resolve(name)).href)) as T;
const product = await load<ProductModule>(fromEmbedded, '@shop/product-subgraph');
const searchPackage = await load<typeof SearchModule>(fromProduct, '@shop/search');
const db = await load<typeof DbModule>(fromProduct, '@shop/db');

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WARMUP = 30;
const baseUrl = process.env.DATABASE_URL;

const BRANDS = [
  'acme',
  'zenith',
  'nordic',
  'vertex',
  'lumen',
  'orbit',
  'summit',
  'harbor',
  'pioneer',
  'atlas',
  'ember',
  'cobalt',
  'willow',
  'granite',
  'falcon',
  'aurora',
  'meridian',
  'solace',
  'tundra',
  'kestrel',
];
const ADJECTIVES = [
  'wireless',
  'compact',
  'portable',
  'classic',
  'premium',
  'ultra',
  'smart',
  'rugged',
  'slim',
  'vintage',
  'modern',
  'deluxe',
  'silent',
  'rapid',
  'organic',
  'waterproof',
  'ergonomic',
  'foldable',
  'heated',
  'insulated',
  'magnetic',
  'digital',
  'analog',
  'electric',
  'manual',
  'cordless',
  'adjustable',
  'lightweight',
  'heavy',
  'soft',
  'bright',
  'dark',
  'tiny',
  'large',
  'round',
  'square',
  'glass',
  'wooden',
  'leather',
  'steel',
];
const NOUNS = [
  'headphones',
  'speaker',
  'keyboard',
  'mouse',
  'monitor',
  'laptop',
  'tablet',
  'phone',
  'camera',
  'charger',
  'kettle',
  'toaster',
  'blender',
  'mixer',
  'grinder',
  'skillet',
  'knife',
  'cutting',
  'lamp',
  'chair',
  'desk',
  'sofa',
  'shelf',
  'mattress',
  'pillow',
  'blanket',
  'jacket',
  'sweater',
  'sneakers',
  'boots',
  'backpack',
  'wallet',
  'watch',
  'sunglasses',
  'tent',
  'sleeping',
  'bicycle',
  'helmet',
  'dumbbell',
  'treadmill',
  'yoga',
  'racket',
  'novel',
  'cookbook',
  'journal',
  'puzzle',
  'drone',
  'router',
  'printer',
  'scanner',
  'microphone',
  'projector',
  'thermostat',
  'vacuum',
  'humidifier',
  'heater',
  'fan',
  'grill',
  'cooler',
  'bottle',
];
const FILLER = [
  'durable',
  'everyday',
  'design',
  'quality',
  'comfort',
  'travel',
  'home',
  'office',
  'outdoor',
  'kitchen',
  'gift',
  'family',
  'power',
  'battery',
  'performance',
  'warranty',
  'easy',
  'clean',
  'setup',
  'premium',
  'materials',
  'built',
  'last',
  'style',
  'color',
  'finish',
  'sound',
  'quiet',
  'fast',
  'reliable',
];
const COLORS = ['Black', 'White', 'Blue', 'Red', 'Green', 'Grey'];
const SIZES = ['S', 'M', 'L', 'XL'];

const sqlArray = (words: string[]) => `array[${words.map((w) => `'${w}'`).join(',')}]`;
const pick = <T>(items: T[], i: number) => items[i % items.length]!;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (ms: number) => Math.round(ms * 100) / 100;

async function main() {
  const scratch = baseUrl ? await createScratchDatabase(baseUrl, 'shop_bench') : undefined;
  // Data generation and the reindex run longer than the default 5 s statement timeout on a loaded box.
  const database = await db.createDatabase({ url: scratch?.url, statementTimeoutMs: 600_000 });
  const kind = database.kind;
  console.log(`[bench] ${kind}: generating ${PRODUCTS} products…`);
  try {
    await product.prepareProductDatabase(database, { seed: false });
    const t0 = performance.now();
    // Vocabulary lookups are deterministic in the row number (hashes), so every run is the same.
    await database.exec(`
      insert into product.categories (id, slug, name, description, parent_id, position)
      select md5('root' || r)::uuid, 'root-' || r, initcap((${sqlArray(NOUNS)})[r * 3]) || ' Store', '', null, r
        from generate_series(1, 10) as r;
      insert into product.categories (id, slug, name, description, parent_id, position)
      select md5('leaf' || r || '-' || c)::uuid, 'leaf-' || r || '-' || c,
             initcap((${sqlArray(NOUNS)})[((r * 10 + c) % ${NOUNS.length}) + 1]) || ' ' || c, '',
             md5('root' || r)::uuid, c
        from generate_series(1, 10) as r, generate_series(1, 10) as c;
      insert into product.products (id, slug, name, description, status, category_id, created_at, updated_at)
      select md5('p' || i)::uuid, 'p-' || i,
             initcap((${sqlArray(BRANDS)})[1 + abs(hashtext('b' || i)) % ${BRANDS.length}] || ' ' ||
               (${sqlArray(ADJECTIVES)})[1 + abs(hashtext('a' || i)) % ${ADJECTIVES.length}] || ' ' ||
               (${sqlArray(NOUNS)})[1 + abs(hashtext('n' || i)) % ${NOUNS.length}]) || ' ' || (i % 997),
             (select string_agg(w, ' ') from (
                select (${sqlArray([...FILLER, ...ADJECTIVES, ...NOUNS])})[1 + abs(hashtext('d' || i || '-' || k)) % ${FILLER.length + ADJECTIVES.length + NOUNS.length}] as w
                  from generate_series(1, 14) as k) words),
             case when i % 20 = 0 then 'DRAFT' else 'PUBLISHED' end,
             md5('leaf' || (1 + abs(hashtext('r' || i)) % 10) || '-' || (1 + abs(hashtext('c' || i)) % 10))::uuid,
             timestamptz '2026-01-01' + make_interval(secs => i), timestamptz '2026-01-01' + make_interval(secs => i)
        from generate_series(1, ${PRODUCTS}) as i;
      insert into product.variants (id, product_id, sku, name, price_amount, currency, stock_on_hand, attributes, position)
      select md5('v' || i || '-' || k)::uuid, md5('p' || i)::uuid, 'SKU-' || i || '-' || k, 'Variant ' || k,
             (500 + abs(hashtext('price' || i)) % 150000) + k * 1000, 'USD',
             case when abs(hashtext('s' || i || '-' || k)) % 4 = 0 then 0 else 1 + abs(hashtext('q' || i)) % 50 end,
             jsonb_build_array(
               jsonb_build_object('name', 'color', 'value', (${sqlArray(COLORS)})[1 + abs(hashtext('col' || i || '-' || k)) % ${COLORS.length}]),
               jsonb_build_object('name', 'size', 'value', (${sqlArray(SIZES)})[k + 1])),
             k
        from generate_series(1, ${PRODUCTS}) as i, generate_series(0, 1) as k;
    `);
    const generateMs = performance.now() - t0;
    console.log(`[bench] generated in ${Math.round(generateMs)} ms; building documents…`);

    const index = searchPackage.createPostgresSearchIndex(database);
    const t1 = performance.now();
    const documents = await product.reindexSearch(database, index);
    await database.exec('analyze search.product_documents; analyze search.lexicon;');
    const buildMs = performance.now() - t1;
    console.log(`[bench] ${documents} documents built in ${Math.round(buildMs)} ms`);

    const [size] = await database.query<{
      table_bytes: string;
      total_bytes: string;
      words: number;
    }>(
      `select pg_table_size('search.product_documents')::text as table_bytes,
              pg_total_relation_size('search.product_documents')::text as total_bytes,
              (select count(*)::int from search.lexicon) as words`,
    );
    const [roots] = await database.query<{ ids: string[] }>(
      `select array_agg(id::text order by position) as ids from product.categories where parent_id is null`,
    );

    type Kind = 'two-word + facets' | 'one-word' | 'typo' | 'filtered';
    const typo = (word: string) =>
      word.length < 5 ? word : word.slice(0, 2) + word[3] + word[2] + word.slice(4);
    const queries: Record<Kind, (i: number) => Parameters<typeof index.search>[0]> = {
      'two-word + facets': (i) => ({
        text: `${pick(ADJECTIVES, i * 7)} ${pick(NOUNS, i * 13)}`,
        first: 20,
      }),
      'one-word': (i) => ({ text: pick(NOUNS, i * 11), first: 20 }),
      typo: (i) => ({ text: typo(pick(NOUNS, i * 17)), first: 20 }),
      filtered: (i) => ({
        text: pick(BRANDS, i * 3),
        first: 20,
        sort: 'PRICE_ASC',
        filter: {
          categoryIds: [pick(roots!.ids, i)],
          priceMax: 80_000,
          inStock: true,
          attributes: [{ name: 'color', values: [pick(COLORS, i), pick(COLORS, i + 1)] }],
        },
      }),
    };
    const kinds = Object.keys(queries) as Kind[];
    for (const k of kinds) for (let i = 0; i < WARMUP; i += 1) await index.search(queries[k](i));

    const perKind: Record<
      string,
      { runs: number; p50: number; p95: number; meanTotalCount: number; example: string }
    > = {};
    const all: number[] = [];
    for (const k of kinds) {
      const times: number[] = [];
      let totals = 0;
      for (let i = 0; i < RUNS; i += 1) {
        const query = queries[k](i + WARMUP);
        const started = performance.now();
        const result = await index.search(query);
        times.push(performance.now() - started);
        totals += result.totalCount;
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      perKind[k] = {
        runs: RUNS,
        p50: round(percentile(times, 50)),
        p95: round(percentile(times, 95)),
        meanTotalCount: Math.round(totals / RUNS),
        example: JSON.stringify(queries[k](WARMUP)),
      };
    }
    all.sort((a, b) => a - b);
    const results = {
      database: kind,
      at: new Date().toISOString(),
      node: process.version,
      products: PRODUCTS,
      variants: PRODUCTS * 2,
      documents,
      lexiconWords: size!.words,
      documentsTableMB: round(Number(size!.table_bytes) / 1e6),
      documentsWithIndexesMB: round(Number(size!.total_bytes) / 1e6),
      generateMs: Math.round(generateMs),
      buildDocumentsMs: Math.round(buildMs),
      perKind,
      overall: {
        runs: all.length,
        p50: round(percentile(all, 50)),
        p95: round(percentile(all, 95)),
      },
      targetMet: perKind['two-word + facets']!.p95 < 20,
    };
    const file = new URL(`./results${kind === 'pglite' ? '.pglite' : ''}.json`, import.meta.url);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      [
        `\n### ${kind}: ${PRODUCTS.toLocaleString('en')} products, ${documents.toLocaleString('en')} documents (${results.documentsWithIndexesMB} MB with indexes), build ${results.buildDocumentsMs} ms\n`,
        '| query kind | runs | p50 ms | p95 ms | mean totalCount |',
        '|---|---:|---:|---:|---:|',
        ...kinds.map(
          (k) =>
            `| ${k} | ${perKind[k]!.runs} | ${perKind[k]!.p50} | ${perKind[k]!.p95} | ${perKind[k]!.meanTotalCount} |`,
        ),
        `| **overall** | ${all.length} | ${results.overall.p50} | ${results.overall.p95} | |`,
        `\nTarget p95 < 20 ms for two-word + facets: ${results.targetMet ? 'met' : 'NOT met'}. Written to ${file.pathname}`,
      ].join('\n'),
    );
  } finally {
    await database.close();
    if (process.env.BENCH_KEEP_DB && scratch) console.log(`[bench] kept ${scratch.url}`);
    else await scratch?.drop();
  }
}

await main();

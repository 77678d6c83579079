import { sql } from 'drizzle-orm';
import { migrate, withTransaction, type Database, type RawQuerier } from '@shop/db';
import { isUuid } from '@shop/primitives';
import { SEARCH_MIGRATIONS, SEARCH_SCHEMA } from './postgres-migrations';
import { nameTier, RANK_WEIGHTS, type NameTier } from './postgres-ranking';
import {
  attributeKey,
  checkCursor,
  editDistance,
  effectiveSort,
  fuzziness,
  MARK_END,
  MARK_START,
  markedToHtml,
  splitAttributeKey,
  tokenize,
} from './text';
import {
  MAX_SEARCH_PAGE,
  PRICE_BUCKETS,
  type SearchDocument,
  type SearchFacets,
  type SearchHighlight,
  type SearchIndex,
  type SearchQuery,
  type SearchResult,
  type SearchSort,
  type SqlExecutor,
} from './types';

/** Words of a document that typo correction may suggest. */
function documentWords(document: SearchDocument): string[] {
  const text = [
    document.name,
    ...document.categoryNames,
    document.description,
    ...document.attributes.map((a) => a.value),
  ].join(' ');
  return [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].filter(
    (word) => word.length >= 3 && word.length <= 40,
  );
}

/** The row shape `jsonb_to_recordset` reads. */
function toRow(document: SearchDocument) {
  return {
    product_id: document.productId,
    slug: document.slug,
    name: document.name,
    description: document.description,
    category_id: document.categoryId,
    category_path: document.categoryPath,
    category_text: document.categoryNames.join(' '),
    skus: document.skus,
    attributes: document.attributes,
    attribute_keys: [...new Set(document.attributes.map((a) => attributeKey(a.name, a.value)))],
    attribute_text: [
      ...document.attributes.map((a) => `${a.name} ${a.value}`),
      ...document.skus,
    ].join(' '),
    price_min: document.priceMin,
    price_max: document.priceMax,
    currency: document.currency,
    in_stock: document.inStock,
    created_at: document.createdAt.toISOString(),
  };
}

async function writeDocuments(executor: SqlExecutor, documents: SearchDocument[]): Promise<void> {
  if (documents.length === 0) return;
  const rows = JSON.stringify(documents.map(toRow));
  await executor.execute(sql`
    insert into search.product_documents (product_id, slug, name, description, category_id,
      category_path, category_text, skus, attributes, attribute_keys, attribute_text, price_min,
      price_max, currency, in_stock, created_at, indexed_at)
    select product_id, slug, name, description, category_id, category_path, category_text, skus,
      attributes, attribute_keys, attribute_text, price_min, price_max, currency, in_stock,
      created_at, now()
    from jsonb_to_recordset(${rows}::jsonb) as r(product_id uuid, slug text, name text,
      description text, category_id uuid, category_path uuid[], category_text text, skus text[],
      attributes jsonb, attribute_keys text[], attribute_text text, price_min bigint,
      price_max bigint, currency text, in_stock boolean, created_at timestamptz)
    on conflict (product_id) do update set slug = excluded.slug, name = excluded.name,
      description = excluded.description, category_id = excluded.category_id,
      category_path = excluded.category_path, category_text = excluded.category_text,
      skus = excluded.skus, attributes = excluded.attributes,
      attribute_keys = excluded.attribute_keys, attribute_text = excluded.attribute_text,
      price_min = excluded.price_min, price_max = excluded.price_max,
      currency = excluded.currency, in_stock = excluded.in_stock,
      created_at = excluded.created_at, indexed_at = now()`);
  const words = [...new Set(documents.flatMap(documentWords))];
  if (words.length > 0) {
    await executor.execute(sql`
      insert into search.lexicon (word)
      select unnest(${`{${words.map((w) => `"${w}"`).join(',')}}`}::text[])
      on conflict do nothing`);
  }
}

/** `$n` placeholders for a parameter list built alongside the SQL text. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const SORT_VALUE: Record<SearchSort, string> = {
  RELEVANCE: 'score',
  PRICE_ASC: 'price_min::float8',
  PRICE_DESC: 'price_min::float8',
  NEWEST: '(extract(epoch from created_at) * 1000)::float8',
};
const DESCENDING: Record<SearchSort, boolean> = {
  RELEVANCE: true,
  PRICE_ASC: false,
  PRICE_DESC: true,
  NEWEST: true,
};

/** Options of the ts_headline calls: marks around matches, escaped to `<em>` in JS. */
const NAME_HEADLINE = `StartSel="${MARK_START}", StopSel="${MARK_END}", HighlightAll=true`;
const DESCRIPTION_HEADLINE = `StartSel="${MARK_START}", StopSel="${MARK_END}", MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "`;

/** What the lexicon says about one query word. */
export interface TokenInfo {
  /** The word occurs in some document: match it as a word (stemmed), not as a prefix. */
  known: boolean;
  /** Near words (edit distance within `fuzziness`) when the word is not even a prefix. */
  corrections: string[];
}

/**
 * The tsquery text of `tokens`: a known word matches as a word (`word`); any other token as a
 * prefix (`tok:*`, for type-ahead) or-ed with its typo corrections: `(iphnoe:* | iphone) & pro`.
 * Known words are not prefix-expanded because a GIN partial match is several times slower.
 */
export function tsqueryText(tokens: string[], info: Map<string, TokenInfo>): string {
  return tokens
    .map((token) => {
      const about = info.get(token);
      if (about?.known) return token;
      const alternatives = [`${token}:*`, ...(about?.corrections ?? [])];
      return alternatives.length === 1 ? alternatives[0] : `(${alternatives.join(' | ')})`;
    })
    .join(' & ');
}

/** How long lexicon answers are reused (a new word is at worst matched as a prefix until then). */
const LEXICON_CACHE_MS = 30_000;
const LEXICON_CACHE_SIZE = 5_000;

interface SearchRow {
  /** Matches left unranked because the name tier outranks them (0 without a tier). */
  unranked: number;
  total: number;
  categories: Array<{ id: string; n: number }> | null;
  prices: Array<{ b: number; n: number }> | null;
  stock: Array<{ v: boolean; n: number }> | null;
  attrs: Array<{ k: string; n: number }> | null;
  hits: Array<{ id: string; score: number; v: number; hn: string; hd: string }> | null;
}

/**
 * The Postgres full-text adapter (default): `search.product_documents` with a weighted tsvector
 * (GIN), prefix matching (`word:*`), typo correction through trigram similarity on
 * `search.lexicon` (GIN, pg_trgm) filtered by edit distance (like `fuzziness: AUTO`), facets and
 * keyset pages in one statement, `ts_headline` highlights.
 */
export function createPostgresSearchIndex(database: Database): SearchIndex {
  const cache = new Map<string, { at: number; info: TokenInfo }>();

  /**
   * Per token: is it a word of the lexicon, and if it is not even a prefix of one, which words
   * are within its edit budget (trigram candidates from the GIN index, then edit distance).
   */
  async function lexicon(tokens: string[]): Promise<Map<string, TokenInfo>> {
    const result = new Map<string, TokenInfo>();
    const now = Date.now();
    const missing: string[] = [];
    for (const token of tokens) {
      const hit = cache.get(token);
      if (hit && now - hit.at < LEXICON_CACHE_MS) result.set(token, hit.info);
      else if (token.length >= 3) missing.push(token);
    }
    if (missing.length === 0) return result;
    const rows = await database.rawTransaction(async (q: RawQuerier) => {
      await q.query(`select set_config('pg_trgm.similarity_threshold', '0.2', true)`);
      return q.query<{ token: string; known: boolean; word: string | null }>(
        `select t.token, exists (select 1 from search.lexicon k where k.word = t.token) as known,
                s.word
           from unnest($1::text[]) as t(token)
           left join lateral (
             select word from search.lexicon
              where word % t.token
                and not exists (select 1 from search.lexicon k
                                 where k.word ~>=~ t.token and k.word ~<~ (t.token || chr(1114111)))
              order by similarity(word, t.token) desc, word
              limit 10
           ) s on true`,
        [missing],
      );
    });
    for (const { token, known, word } of rows) {
      const info = result.get(token) ?? { known, corrections: [] };
      result.set(token, info);
      if (word && editDistance(word, token) <= fuzziness(token) && info.corrections.length < 3) {
        info.corrections.push(word);
      }
    }
    if (cache.size > LEXICON_CACHE_SIZE) cache.clear();
    for (const token of missing) cache.set(token, { at: now, info: result.get(token)! });
    return result;
  }

  async function runSearch(query: SearchQuery, useNameTier: boolean): Promise<SearchResult> {
    const first = Math.min(Math.max(1, Math.trunc(query.first)), MAX_SEARCH_PAGE);
    const sort = effectiveSort(query);
    const after = query.after ? checkCursor(query.after, sort) : undefined;
    const tokens = tokenize(query.text);
    const params = new Params();
    const conditions: string[] = [];
    let score = '0::float8';
    let tsquery: string | undefined;
    let tier: NameTier | undefined;
    if (tokens.length > 0) {
      const info = await lexicon(tokens);
      tsquery = `to_tsquery('english', ${params.add(tsqueryText(tokens, info))})`;
      conditions.push(`d.tsv @@ ${tsquery}`);
      score = `ts_rank('${RANK_WEIGHTS}', d.tsv, ${tsquery})::float8`;
      tier = useNameTier && sort === 'RELEVANCE' ? nameTier(tokens, info) : undefined;
      if (tier) {
        // Rows outside the name tier stay unranked (null) when the tier is provably on top.
        const prefixMatchesNothing = tier.prefix
          ? // a count, not `exists`: the planner may give `exists` a sequential scan hoping to
            // stop early, the count takes the GIN index (and finds nothing, < 1 ms)
            ` and (select count(*) from search.product_documents p
                    where p.tsv @@ to_tsquery('english', ${params.add(tier.prefix)})) = 0`
          : '';
        const exact = `(select numnode(${tsquery}) = ${tier.nodes}${prefixMatchesNothing})`;
        const inTier = `d.tsv @@ to_tsquery('english', ${params.add(tier.tierQuery)})`;
        score = `case when ${exact} and not (${inTier}) then null else ${score} end`;
      }
    }
    const filter = query.filter ?? {};
    if (filter.categoryIds) {
      const ids = filter.categoryIds.filter(isUuid);
      conditions.push(ids.length > 0 ? `d.category_path && ${params.add(ids)}::uuid[]` : 'false');
    }
    if (filter.priceMin != null) conditions.push(`d.price_min >= ${params.add(filter.priceMin)}`);
    if (filter.priceMax != null) conditions.push(`d.price_min <= ${params.add(filter.priceMax)}`);
    if (filter.inStock != null) conditions.push(`d.in_stock = ${params.add(filter.inStock)}`);
    for (const attribute of filter.attributes ?? []) {
      if (attribute.values.length === 0) continue;
      const keys = attribute.values.map((value) => attributeKey(attribute.name, value));
      conditions.push(`d.attribute_keys && ${params.add(keys)}::text[]`);
    }
    const direction = DESCENDING[sort] ? 'desc' : 'asc';
    let afterCondition = 'true';
    if (after) {
      const v = `${params.add(after.value)}::float8`;
      const id = `${params.add(after.productId)}::uuid`;
      afterCondition = `(v ${DESCENDING[sort] ? '<' : '>'} ${v} or (v = ${v} and product_id > ${id}))`;
    }
    const bounds = params.add(PRICE_BUCKETS.slice(1).map((bucket) => bucket.min));
    const headline = (column: string, options: string) =>
      tsquery ? `ts_headline('english', d.${column}, ${tsquery}, ${params.add(options)})` : `''`;
    const text = `
      with matched as materialized (
        select product_id, category_id, price_min, in_stock, attribute_keys, score,
               ${SORT_VALUE[sort]} as v
          from (select d.product_id, d.category_id, d.price_min, d.in_stock, d.attribute_keys,
                       d.created_at, ${score} as score
                  from search.product_documents d
                 where ${conditions.length > 0 ? conditions.join(' and ') : 'true'}) d
      ),
      page as (
        select product_id, v, score from matched where v is not null and ${afterCondition}
         order by v ${direction}, product_id limit ${first + 1}
      ),
      -- Every facet in one pass over the matched rows (one hash table per grouping set);
      -- attribute facets group the rows by their key array first, then count each key once
      -- per distinct array (a product has few attribute combinations, unnest per row is slow).
      groups as (
        select grouping(category_id) as by_category, grouping(bucket) as by_price,
               grouping(in_stock) as by_stock, grouping(attribute_keys) as by_attributes,
               category_id, bucket, in_stock, attribute_keys, count(*)::int as n,
               count(v)::int as ranked
          from (select category_id, width_bucket(price_min, ${bounds}::bigint[]) as bucket,
                       in_stock, attribute_keys, v from matched) m
         group by grouping sets ((category_id), (bucket), (in_stock), (attribute_keys), ())
      )
      select
        (select n - ranked from groups
          where by_category = 1 and by_price = 1 and by_stock = 1 and by_attributes = 1) as unranked,
        (select n from groups
          where by_category = 1 and by_price = 1 and by_stock = 1 and by_attributes = 1) as total,
        (select json_agg(json_build_object('id', category_id, 'n', n)) from groups
          where by_category = 0 and category_id is not null) as categories,
        (select json_agg(json_build_object('b', bucket, 'n', n)) from groups
          where by_price = 0) as prices,
        (select json_agg(json_build_object('v', in_stock, 'n', n)) from groups
          where by_stock = 0) as stock,
        (select json_agg(json_build_object('k', k, 'n', n))
           from (select k, sum(n)::int as n from groups, unnest(attribute_keys) as k
                  where by_attributes = 0 group by k) a) as attrs,
        (select json_agg(json_build_object('id', p.product_id, 'score', p.score, 'v', p.v,
                  'hn', ${headline('name', NAME_HEADLINE)},
                  'hd', ${headline('description', DESCRIPTION_HEADLINE)})
                  order by p.v ${direction}, p.product_id)
           from page p join search.product_documents d on d.product_id = p.product_id) as hits`;
    // With text, the matches come from the GIN index: on a broad word (10+ % of the catalog)
    // the default random_page_cost (4, spinning disks) makes the planner read every document
    // instead (~4x slower). The documents are hot in memory, so price page reads as an SSD does.
    const [row] = tsquery
      ? await database.rawTransaction(async (q) => {
          await q.query('set local random_page_cost = 1.1');
          return q.query<SearchRow>(text, params.values);
        })
      : await database.query<SearchRow>(text, params.values);
    const hits = row?.hits ?? [];
    // The name tier ran out before the page was full: rank every match instead.
    if (tier && hits.length <= first && (row?.unranked ?? 0) > 0) return runSearch(query, false);
    return {
      hits: hits.slice(0, first).map((hit) => ({
        productId: hit.id,
        score: Number(hit.score),
        highlights: highlightsOf(hit.hn, hit.hd),
        cursor: [sort, Number(hit.v), hit.id],
      })),
      hasNextPage: hits.length > first,
      totalCount: row?.total ?? 0,
      facets: facetsOf(row),
    };
  }

  return {
    kind: 'postgres',

    async init() {
      await migrate(database, { schema: SEARCH_SCHEMA, migrations: SEARCH_MIGRATIONS });
    },

    async upsert(documents, options) {
      await writeDocuments(options?.executor ?? database.db, documents);
    },

    async remove(productIds, options) {
      const ids = productIds.filter(isUuid);
      if (ids.length === 0) return;
      await (options?.executor ?? database.db).execute(
        sql`delete from search.product_documents where product_id = any(${`{${ids.join(',')}}`}::uuid[])`,
      );
    },

    search: (query: SearchQuery) => runSearch(query, true),

    async replaceAll(source) {
      return withTransaction(database.db, async (tx) => {
        await tx.execute(sql`truncate search.product_documents, search.lexicon`);
        let written = 0;
        for await (const batch of source(tx)) {
          await writeDocuments(tx, batch);
          written += batch.length;
        }
        return written;
      });
    },

    async count() {
      const [row] = await database.query<{ n: number }>(
        'select count(*)::int as n from search.product_documents',
      );
      return row?.n ?? 0;
    },

    async close() {
      // The database belongs to the caller.
    },
  };
}

function highlightsOf(name: string, description: string): SearchHighlight[] {
  const highlights: SearchHighlight[] = [];
  if (name.includes(MARK_START)) highlights.push({ field: 'name', snippet: markedToHtml(name) });
  if (description.includes(MARK_START)) {
    highlights.push({ field: 'description', snippet: markedToHtml(description) });
  }
  return highlights;
}

const byCountThen =
  <T>(key: (item: T) => string) =>
  (a: T & { count: number }, b: T & { count: number }) =>
    b.count - a.count || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

function facetsOf(row: SearchRow | undefined): SearchFacets {
  const attributes = new Map<string, Array<{ value: string; count: number }>>();
  for (const { k, n } of row?.attrs ?? []) {
    const { name, value } = splitAttributeKey(k);
    const values = attributes.get(name) ?? [];
    values.push({ value, count: n });
    attributes.set(name, values);
  }
  return {
    categories: (row?.categories ?? [])
      .map((c) => ({ categoryId: c.id, count: c.n }))
      .sort(byCountThen((c) => c.categoryId)),
    priceRanges: (row?.prices ?? [])
      .sort((a, b) => a.b - b.b)
      .map((p) => ({ ...PRICE_BUCKETS[p.b]!, count: p.n })),
    inStock: (row?.stock ?? [])
      .map((s) => ({ value: s.v, count: s.n }))
      .sort((a, b) => Number(b.value) - Number(a.value)),
    attributes: [...attributes.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, values]) => ({ name, values: values.sort(byCountThen((v) => v.value)) })),
  };
}

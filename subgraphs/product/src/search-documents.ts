import { sql, type SQL } from 'drizzle-orm';
import type { SearchDocument, SearchIndex, SqlExecutor } from '@shop/search';
import type { Database } from '@shop/db';
import { isUuid } from '@shop/primitives';
import { TOPICS, type DomainEvent } from '@shop/events';

/**
 * Builds search documents (`@shop/search`) from the catalog tables: one per PUBLISHED product with
 * at least one variant, with its category path, SKUs, distinct attributes, price span and stock.
 */

interface DocumentRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  category_id: string | null;
  created_at: Date | string;
  category_path: string[] | null;
  category_names: string[] | null;
  skus: string[];
  attributes: Array<{ name: string; value: string }>;
  price_min: string | number;
  price_max: string | number;
  currency: string;
  in_stock: boolean;
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows?: T[] }).rows ?? [];

function documentsQuery(where: SQL, limit?: number): SQL {
  return sql`
    with recursive paths(id, path_ids, path_names) as (
      select id, array[id], array[name] from product.categories where parent_id is null
      union all
      select c.id, p.path_ids || c.id, p.path_names || c.name
        from product.categories c join paths p on c.parent_id = p.id
       where cardinality(p.path_ids) < 64
    )
    select p.id, p.slug, p.name, p.description, p.category_id, p.created_at,
           to_jsonb(cp.path_ids) as category_path, to_jsonb(cp.path_names) as category_names,
           v.skus, v.attributes, v.price_min, v.price_max, v.currency, v.in_stock
      from product.products p
      left join paths cp on cp.id = p.category_id
      join lateral (
        select jsonb_agg(x.sku order by x.position, x.sku) as skus,
               min(x.price_amount) as price_min, max(x.price_amount) as price_max,
               min(x.currency) as currency, bool_or(x.stock_on_hand > 0) as in_stock,
               coalesce((select jsonb_agg(distinct a.value)
                           from product.variants y, jsonb_array_elements(y.attributes) as a(value)
                          where y.product_id = p.id), '[]'::jsonb) as attributes
          from product.variants x where x.product_id = p.id
      ) v on v.price_min is not null
     where p.status = 'PUBLISHED' and ${where}
     order by p.id
     ${limit !== undefined ? sql`limit ${limit}` : sql``}`;
}

function toDocument(row: DocumentRow): SearchDocument {
  return {
    productId: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    categoryId: row.category_id,
    categoryPath: row.category_path ?? [],
    categoryNames: row.category_names ?? [],
    skus: row.skus,
    attributes: row.attributes.map((a) => ({ name: a.name, value: a.value })),
    priceMin: Number(row.price_min),
    priceMax: Number(row.price_max),
    currency: row.currency.trim(),
    inStock: row.in_stock,
    createdAt: new Date(row.created_at),
  };
}

/**
 * The documents of `productIds` that are searchable now, and the ids that are not (draft,
 * deleted or without variants) and must leave the index.
 */
export async function loadSearchDocuments(
  executor: SqlExecutor,
  productIds: string[],
): Promise<{ documents: SearchDocument[]; absent: string[] }> {
  if (productIds.length === 0) return { documents: [], absent: [] };
  const ids = sql.join(
    productIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const rows = rowsOf<DocumentRow>(await executor.execute(documentsQuery(sql`p.id in (${ids})`)));
  const documents = rows.map(toDocument);
  const found = new Set(documents.map((d) => d.productId));
  return { documents, absent: productIds.filter((id) => !found.has(id)) };
}

/** Every searchable document, in batches of `batchSize` (keyset over product ids). */
export async function* allSearchDocuments(
  executor: SqlExecutor,
  batchSize = 1_000,
): AsyncGenerator<SearchDocument[]> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = rowsOf<DocumentRow>(
      await executor.execute(documentsQuery(sql`p.id > ${after}::uuid`, batchSize)),
    );
    if (rows.length === 0) return;
    yield rows.map(toDocument);
    if (rows.length < batchSize) return;
    after = rows.at(-1)!.id;
  }
}

/** Rebuilds the whole index from the catalog (see `SearchIndex.replaceAll`). */
export function reindexSearch(database: Database, search: SearchIndex): Promise<number> {
  return search.replaceAll((executor) => allSearchDocuments(executor ?? database.db));
}

/** Rebuilds the documents of `productIds` inside `tx` (upsert the published, remove the rest). */
export async function refreshSearchDocuments(
  search: SearchIndex,
  tx: SqlExecutor,
  productIds: string[],
): Promise<void> {
  const { documents, absent } = await loadSearchDocuments(tx, [...new Set(productIds)]);
  await search.upsert(documents, { executor: tx });
  await search.remove(absent, { executor: tx });
}

/**
 * The effect of the 'product-search' consumer: catalog events name their product; stock events
 * (inventory topic) name a variant, whose product is looked up. Runs in the idempotent
 * consumer's transaction.
 */
export async function applyEventToSearch(
  search: SearchIndex,
  envelope: DomainEvent,
  tx: SqlExecutor,
): Promise<void> {
  let productIds: string[] = [];
  if (envelope.topic === TOPICS.catalog) {
    productIds = [envelope.data.productId];
  } else if (envelope.topic === TOPICS.inventory) {
    const { variantId } = envelope.data;
    if (!isUuid(variantId)) return;
    productIds = rowsOf<{ product_id: string }>(
      await tx.execute(sql`select product_id from product.variants where id = ${variantId}::uuid`),
    ).map((row) => row.product_id);
  }
  productIds = productIds.filter(isUuid);
  if (productIds.length > 0) await refreshSearchDocuments(search, tx, productIds);
}

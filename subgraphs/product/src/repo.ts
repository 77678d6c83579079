import { and, asc, count, eq, ilike, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { isUniqueViolation, withTransaction, type Db } from '@shop/db';
import { appendToOutbox, newEvent, TOPICS, type EventData } from '@shop/events';
import type { Category, Product, Variant } from './model';
import { DuplicateKeyError, type CatalogStore, type ProductFilter } from './ports';
import { categories, products, variants } from './tables';

/** `%`, `_` and `\` are LIKE wildcards/escape; a search term matches them literally. */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`);
}

async function translateUnique<T>(key: 'slug' | 'sku', write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateKeyError(key);
    throw error;
  }
}

/** Ids of `categoryId` and all its descendants, as a subquery. */
function categoryTree(categoryId: string): SQL {
  return sql`(with recursive tree(id) as (
      select id from product.categories where id = ${categoryId}
      union all
      select c.id from product.categories c join tree t on c.parent_id = t.id
    ) select id from tree)`;
}

function productConditions(filter: ProductFilter): SQL | undefined {
  const conditions: SQL[] = [inArray(products.status, filter.statuses)];
  if (filter.nameContains) {
    conditions.push(ilike(products.name, `%${escapeLike(filter.nameContains)}%`));
  }
  if (filter.categoryId)
    conditions.push(inArray(products.categoryId, categoryTree(filter.categoryId)));
  return and(...conditions);
}

/** The drizzle implementation of the catalog storage port. */
export function createCatalogRepo(db: Db): CatalogStore {
  return {
    transaction: (fn) => withTransaction(db, (tx) => fn(createCatalogRepo(tx))),

    async categoriesByIds(ids) {
      if (ids.length === 0) return [];
      return db.select().from(categories).where(inArray(categories.id, ids));
    },
    async categoryBySlug(slug) {
      const [row] = await db.select().from(categories).where(eq(categories.slug, slug));
      return row;
    },
    rootCategories: () =>
      db
        .select()
        .from(categories)
        .where(isNull(categories.parentId))
        .orderBy(asc(categories.position), asc(categories.name)),
    async childCategories(parentIds) {
      if (parentIds.length === 0) return [];
      return db
        .select()
        .from(categories)
        .where(inArray(categories.parentId, parentIds))
        .orderBy(asc(categories.position), asc(categories.name));
    },
    async categoryPaths(ids) {
      const paths = new Map<string, Category[]>();
      if (ids.length === 0) return paths;
      const starts = sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      );
      const ancestors = sql`(with recursive chain(id, parent_id, depth) as (
          select id, parent_id, 0 from product.categories where id in (${starts})
          union all
          select c.id, c.parent_id, chain.depth + 1
          from product.categories c join chain on c.id = chain.parent_id
          where chain.depth < 64
        ) select id from chain)`;
      const rows = await db.select().from(categories).where(inArray(categories.id, ancestors));
      const byId = new Map(rows.map((category) => [category.id, category]));
      for (const id of ids) {
        const path: Category[] = [];
        for (let current = byId.get(id); current; current = byId.get(current.parentId ?? '')) {
          path.unshift(current);
          if (path.length > 64) break;
        }
        paths.set(id, path);
      }
      return paths;
    },
    insertCategory: (category) =>
      translateUnique('slug', async () => {
        const [row] = await db.insert(categories).values(category).returning();
        return row!;
      }),

    async productsByIds(ids) {
      if (ids.length === 0) return [];
      return db.select().from(products).where(inArray(products.id, ids));
    },
    async productBySlug(slug) {
      const [row] = await db.select().from(products).where(eq(products.slug, slug));
      return row;
    },
    async lockProduct(id) {
      const [row] = await db.select().from(products).where(eq(products.id, id)).for('update');
      return row;
    },
    async listProducts({ filter, after, limit }) {
      const conditions = [productConditions(filter)];
      if (after) {
        conditions.push(
          sql`(${products.createdAt}, ${products.id}) > (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`,
        );
      }
      return db
        .select()
        .from(products)
        .where(and(...conditions))
        .orderBy(asc(products.createdAt), asc(products.id))
        .limit(limit);
    },
    async countProducts(filter) {
      const [row] = await db
        .select({ value: count() })
        .from(products)
        .where(productConditions(filter));
      return row?.value ?? 0;
    },
    async countAllProducts() {
      const [row] = await db.select({ value: count() }).from(products);
      return row?.value ?? 0;
    },
    insertProduct: (product) =>
      translateUnique('slug', async () => {
        const [row] = await db.insert(products).values(product).returning();
        return row!;
      }),
    updateProduct: (id, patch) =>
      translateUnique('slug', async () => {
        const [row] = await db.update(products).set(patch).where(eq(products.id, id)).returning();
        return row;
      }),
    async deleteProduct(id) {
      const rows = await db
        .delete(products)
        .where(eq(products.id, id))
        .returning({ id: products.id });
      return rows.length > 0;
    },
    async slugTaken(slug) {
      const rows = await db
        .select({ id: products.id })
        .from(products)
        .where(eq(products.slug, slug))
        .limit(1);
      return rows.length > 0;
    },

    async variantsByIds(ids) {
      if (ids.length === 0) return [];
      return db.select().from(variants).where(inArray(variants.id, ids));
    },
    async variantsByProductIds(productIds) {
      if (productIds.length === 0) return [];
      return db
        .select()
        .from(variants)
        .where(inArray(variants.productId, productIds))
        .orderBy(asc(variants.position), asc(variants.createdAt), asc(variants.id));
    },
    async existingSkus(skus) {
      if (skus.length === 0) return [];
      const rows = await db
        .select({ sku: variants.sku })
        .from(variants)
        .where(inArray(variants.sku, skus));
      return rows.map((row) => row.sku);
    },
    insertVariants: (rows: Variant[]) =>
      translateUnique('sku', async () => {
        if (rows.length === 0) return [];
        return db.insert(variants).values(rows).returning();
      }),
    async updateVariant(id, patch) {
      const [row] = await db.update(variants).set(patch).where(eq(variants.id, id)).returning();
      return row;
    },
    async deleteVariant(id) {
      const rows = await db
        .delete(variants)
        .where(eq(variants.id, id))
        .returning({ id: variants.id });
      return rows.length > 0;
    },

    async appendEvents(events) {
      await appendToOutbox(
        db,
        'product',
        events.map((event) =>
          newEvent({
            type: event.type,
            source: 'product',
            topic: TOPICS.catalog,
            subject: event.productId,
            sequence: event.sequence,
            data: { productId: event.productId, ...event.data } as EventData<typeof event.type>,
          }),
        ),
      );
    },
  };
}

/**
 * Inserts `catalog` in one transaction unless the product table already has rows. Every insert
 * skips rows that already exist, so two processes seeding at once cannot fail each other.
 */
export async function insertCatalogIfEmpty(
  db: Db,
  catalog: { categories: Category[]; products: Product[]; variants: Variant[] },
): Promise<boolean> {
  return withTransaction(db, async (tx) => {
    const [existing] = await tx.select({ value: count() }).from(products);
    if ((existing?.value ?? 0) > 0) return false;
    // Parents before children, so the self-reference is satisfied row by row.
    const ordered = [...catalog.categories].sort(
      (a, b) => Number(a.parentId !== null) - Number(b.parentId !== null),
    );
    await tx.insert(categories).values(ordered).onConflictDoNothing();
    await tx.insert(products).values(catalog.products).onConflictDoNothing();
    await tx.insert(variants).values(catalog.variants).onConflictDoNothing();
    return true;
  });
}

import type { Migration } from '@shop/db';

/** The Postgres schema the Postgres adapter owns. */
export const SEARCH_SCHEMA = 'search';

/**
 * Migrations of the `search` schema (applied with `migrate()` from `@shop/db`; they run on PGlite,
 * which loads pg_trgm in `createDatabase`, and on Postgres 15 with the contrib package).
 */
export const SEARCH_MIGRATIONS: Migration[] = [
  {
    name: '0001_product_documents.sql',
    sql: `
create extension if not exists pg_trgm with schema public;

-- One row per PUBLISHED product, rebuilt from the product schema by the 'product-search'
-- consumer (catalog and inventory events) and by the reindex command.
create table search.product_documents (
  product_id uuid primary key,
  slug text not null,
  name text not null,
  description text not null default '',
  category_id uuid,
  -- the category and its ancestors: a filter on a parent category matches its descendants
  category_path uuid[] not null default '{}',
  category_text text not null default '',
  skus text[] not null default '{}',
  attributes jsonb not null default '[]'::jsonb,
  -- 'name' || U+001F || 'value', for attribute filters and facets
  attribute_keys text[] not null default '{}',
  attribute_text text not null default '',
  price_min bigint not null,
  price_max bigint not null,
  currency text not null,
  in_stock boolean not null,
  created_at timestamptz(3) not null,
  indexed_at timestamptz not null default now(),
  -- weights: name A, category names B, description C, attributes and SKUs D
  tsv tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, name), 'A') ||
    setweight(to_tsvector('english'::regconfig, category_text), 'B') ||
    setweight(to_tsvector('english'::regconfig, description), 'C') ||
    setweight(to_tsvector('english'::regconfig, attribute_text), 'D')
  ) stored
);

create index product_documents_tsv_idx on search.product_documents using gin (tsv);
create index product_documents_name_trgm_idx on search.product_documents using gin (name gin_trgm_ops);
create index product_documents_category_path_idx on search.product_documents using gin (category_path);
create index product_documents_attribute_keys_idx on search.product_documents using gin (attribute_keys);
create index product_documents_price_idx on search.product_documents (price_min, product_id);
create index product_documents_created_idx on search.product_documents (created_at desc, product_id);

-- Every word seen in documents; typo correction looks words up by trigram similarity here.
-- Insert-only between reindexes (a stale word can only widen a query, never break it).
create table search.lexicon (
  word text primary key
);
create index lexicon_word_trgm_idx on search.lexicon using gin (word gin_trgm_ops);
create index lexicon_word_prefix_idx on search.lexicon (word text_pattern_ops);
`,
  },
];

-- API usage rollups: one row per (granularity, dimension, bucket, key). Counts are weighted by
-- 1/sampleRate (numeric, exact for sampleRate = 1 and for 1/sampleRate with ≤ 9 decimals).
create table analytics.usage_rollups (
  granularity text not null check (granularity in ('minute', 'hour')),
  dimension text not null check (dimension in ('operation', 'client', 'subgraph')),
  bucket_start timestamptz not null,
  -- operation: name, detail = query|mutation|subscription; client: name, detail = version;
  -- subgraph: name, detail = ''. '' stands for an absent name/version.
  name text not null,
  detail text not null default '',
  samples integer not null,
  requests numeric not null,
  errors numeric not null,
  duration_sum_ms numeric not null,
  duration_max_ms double precision not null,
  primary key (granularity, dimension, bucket_start, name, detail)
);

-- Latency histograms of the rollups above (fixed bounds, see src/histogram.ts).
create table analytics.usage_latency (
  granularity text not null,
  dimension text not null,
  bucket_start timestamptz not null,
  name text not null,
  detail text not null default '',
  le_index smallint not null,
  requests numeric not null,
  primary key (granularity, dimension, bucket_start, name, detail, le_index)
);

-- One row per order.created.
create table analytics.orders (
  order_id text primary key,
  user_id text,
  currency text not null,
  total_minor bigint not null,
  created_at timestamptz not null
);
create index orders_created_at_idx on analytics.orders (created_at);

create table analytics.order_lines (
  order_id text not null,
  line_no integer not null,
  product_id text not null,
  variant_id text,
  product_name text not null,
  quantity integer not null,
  unit_minor bigint not null,
  currency text not null,
  primary key (order_id, line_no)
);
create index order_lines_product_idx on analytics.order_lines (product_id);

-- When an order first reached PAYMENT_AUTHORIZED/PAID (placed) and was cancelled/expired.
-- Separate from `orders` so either may arrive first.
create table analytics.order_milestones (
  order_id text primary key,
  placed_at timestamptz,
  cancelled_at timestamptz
);

-- Money movements from payment.events.v1 (one row per event).
create table analytics.payment_movements (
  event_id uuid primary key,
  payment_id text not null,
  order_id text not null,
  kind text not null,
  amount_minor bigint not null,
  currency text not null,
  occurred_at timestamptz not null
);
create index payment_movements_occurred_at_idx on analytics.payment_movements (occurred_at);

-- Cart funnel: when each cart was created and converted into an order.
create table analytics.carts (
  cart_id text primary key,
  created_at timestamptz,
  converted_at timestamptz,
  order_id text
);
create index carts_created_at_idx on analytics.carts (created_at);

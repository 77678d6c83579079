-- Stock reservations taken at checkout. Reserving decrements variants.stock_on_hand at once
-- (conditional update, so concurrent checkouts can never oversell); releasing (order cancelled,
-- expired, payment declined, or the reservation's own TTL) gives the quantity back exactly once.
create table product.stock_reservations (
  id uuid primary key,
  order_id uuid not null,
  variant_id uuid not null references product.variants (id) on delete cascade,
  quantity integer not null check (quantity > 0),
  status text not null default 'RESERVED' check (status in ('RESERVED', 'COMMITTED', 'RELEASED')),
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint stock_reservations_order_variant_key unique (order_id, variant_id)
);

create index stock_reservations_expiry_idx on product.stock_reservations (expires_at)
  where status = 'RESERVED';

-- One cart, at most one order (issue 15). The cart subgraph's checkout claim keeps a second
-- checkout of a cart from starting; this index is the backstop that holds even when a claim was
-- taken over after its TTL or a checkout crashed half-way: a second insert for a cart fails.
-- Orders placed before this migration may already share a cart (the bug it fixes); they are kept
-- as they are (they are financial records), flagged, and left out of the index.
alter table "order".orders add column legacy_duplicate_cart boolean not null default false;
update "order".orders o set legacy_duplicate_cart = true
  where exists (
    select 1 from "order".orders e where e.cart_id = o.cart_id and e.seq < o.seq
  );
create unique index orders_one_per_cart on "order".orders (cart_id)
  where not legacy_duplicate_cart;

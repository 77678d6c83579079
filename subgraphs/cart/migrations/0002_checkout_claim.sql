-- Checkout claims (issue 15: one cart, at most one order). A checkout moves the ACTIVE cart to
-- CHECKING_OUT for the order it is about to create (order_id) before reading its lines, so a
-- second checkout of the same cart sees the claim instead of ordering it again, and lines added
-- meanwhile go to a new ACTIVE cart (carts_one_active_per_user only counts ACTIVE carts).
-- claimed_at lets a claim whose checkout died be taken over after the claim TTL.

alter table cart.carts drop constraint carts_status_known;
alter table cart.carts add constraint carts_status_known
  check (status in ('ACTIVE', 'CHECKING_OUT', 'MERGED', 'CONVERTED'));
alter table cart.carts add column claimed_at timestamptz;

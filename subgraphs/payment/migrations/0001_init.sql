-- Payment subgraph: payment attempts and their append-only ledger. Ids are uuids made by the app.

create table payment.payments (
  id uuid primary key,
  order_id uuid not null,
  user_id uuid not null,
  amount bigint not null,
  currency char(3) not null,
  -- cached copy of the status derived from the ledger (src/ledger.ts); rewritten with every row
  status text not null,
  card_brand text not null,
  card_last4 char(4) not null,
  -- the payOrder idempotency key that created this attempt (scope: user_id)
  idempotency_key text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  constraint payments_amount_positive check (amount > 0),
  constraint payments_currency_code check (currency ~ '^[A-Z]{3}$'),
  constraint payments_last4_digits check (card_last4 ~ '^[0-9]{4}$'),
  constraint payments_status_known check (status in ('CREATED', 'ACTION_REQUIRED', 'AUTHORIZED',
    'DECLINED', 'PARTIALLY_CAPTURED', 'CAPTURED', 'VOIDED', 'PARTIALLY_REFUNDED', 'REFUNDED'))
);

create unique index payments_user_key on payment.payments (user_id, idempotency_key);
create index payments_order_id_created_at_idx on payment.payments (order_id, created_at);

create table payment.transactions (
  -- UUIDv7: ordering by id is ordering by creation
  id uuid primary key,
  payment_id uuid not null references payment.payments (id),
  type text not null,
  state text not null,
  amount bigint not null,
  currency char(3) not null,
  psp_reference text,
  idempotency_key text not null,
  failure_code text,
  created_at timestamptz not null default now(),
  constraint transactions_type_known check (type in ('AUTHORIZATION', 'CAPTURE', 'VOID', 'REFUND')),
  constraint transactions_state_known check (state in ('REQUEST', 'SUCCESS', 'FAILURE')),
  constraint transactions_amount_not_negative check (amount >= 0)
);

create unique index transactions_payment_type_key
  on payment.transactions (payment_id, type, idempotency_key);
create index transactions_payment_id_idx on payment.transactions (payment_id, id);

-- The ledger is append-only: rows are never updated or deleted.
create function payment.transactions_append_only() returns trigger
  language plpgsql as $$
begin
  raise exception 'payment.transactions is append-only (% refused)', tg_op;
end;
$$;

create trigger transactions_no_update_or_delete
  before update or delete on payment.transactions
  for each row execute function payment.transactions_append_only();

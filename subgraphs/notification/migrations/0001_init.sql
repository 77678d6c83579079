-- Read models fed by the order, payment and cart events (one row per aggregate, latest state).
create table notification.order_states (
  order_id text primary key,
  user_id text not null,
  number text,
  status text not null,
  previous_status text,
  version integer not null,
  updated_at timestamptz not null
);

create table notification.payment_states (
  order_id text primary key,
  user_id text not null,
  payment_id text not null,
  status text not null,
  -- Per-order counter of applied payment events (a retried payment restarts its own version).
  version integer not null,
  payment_version integer not null,
  updated_at timestamptz not null
);

create table notification.cart_states (
  cart_id text primary key,
  user_id text,
  version integer not null,
  reason text not null,
  updated_at timestamptz not null
);

-- The durable per-user feed; `seq` is the cursor of notificationReceived(after:).
create table notification.notifications (
  id uuid primary key,
  seq bigserial not null unique,
  user_id text not null,
  event_id uuid not null unique,
  kind text not null,
  title text not null,
  body text not null,
  order_id text,
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notifications_user_seq_idx on notification.notifications (user_id, seq);
create index notifications_user_unread_idx on notification.notifications (user_id, seq)
  where read_at is null;

-- Emails to send, written in the consumer's transaction (one per event at most).
create table notification.email_outbox (
  id uuid primary key,
  notification_id uuid not null references notification.notifications (id),
  event_id uuid not null unique,
  user_id text not null,
  subject text not null,
  body text not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);

-- The journal of the state streams (orderStatusChanged, paymentStatusChanged, cartUpdated): every
-- version published to a topic (`order:<id>`, `payment:<id>`, `cart:<id>`), written in the
-- consumer's transaction. A subscription resumed with `after: <version>` reads the versions it
-- missed from here, on whichever replica it reconnects to. Rows older than the retention are
-- purged, except the latest of each topic.
create table notification.stream_items (
  topic text not null,
  position bigint not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  primary key (topic, position)
);
create index stream_items_created_at_idx on notification.stream_items (created_at);

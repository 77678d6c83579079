-- Account security (issue 19): email verification, single-use account tokens (password reset,
-- email verification) and sessions (one per refresh-token family).

-- When the account's current email was verified; null while unverified (it can still shop).
alter table "user".users add column email_verified_at timestamptz;

-- Single-use tokens sent by email. Only the hex SHA-256 of the token is stored.
create table "user".account_tokens (
  id uuid primary key,
  user_id uuid not null references "user".users (id) on delete cascade,
  purpose text not null,
  token_hash text not null,
  -- the address the token was sent to (for email verification: the address it verifies)
  email text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  constraint account_tokens_purpose_known check (purpose in ('password_reset', 'email_verification'))
);

create unique index account_tokens_token_hash_key on "user".account_tokens (token_hash);
create index account_tokens_user_id_purpose_idx on "user".account_tokens (user_id, purpose);

-- A session: one refresh-token family, with the client that started it and last used it.
create table "user".sessions (
  id uuid primary key,
  user_id uuid not null references "user".users (id) on delete cascade,
  user_agent text,
  ip text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  revoked_at timestamptz
);

create index sessions_user_id_idx on "user".sessions (user_id, created_at);

-- Families issued before this migration become sessions without client details.
insert into "user".sessions (id, user_id, created_at, last_used_at, revoked_at)
select family_id, min(user_id::text)::uuid, min(created_at), max(coalesce(used_at, created_at)),
       case when bool_and(revoked_at is not null) then max(revoked_at) end
from "user".refresh_tokens
group by family_id;
